/**
 * redis-server — the oracle: a real redis-server child process for differential and client tests.
 *
 * Starts `redis-server` from PATH on a free port with persistence off (`--save '' --appendonly no`) and
 * its working directory in a fresh temp dir, and waits until it answers PING. A missing binary is an
 * error naming the package to install — tests that compare against Redis must fail, not skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerHandle } from './child-server.js';

/** The installed redis-server's version string, or an error explaining that it is missing. */
export function redisServerVersion(): string {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('redis-server is not installed or not on PATH; the differential suite needs it as its ' +
      `oracle (Debian: apt-get install redis-server). ${r.error ? r.error.message : r.stderr}`);
  }
  const m = /v=(\S+)/.exec(r.stdout);
  return m ? m[1] : r.stdout.trim();
}

export async function startRedisServer(extraArgs: string[] = []): Promise<ServerHandle> {
  const version = redisServerVersion();
  const dir = mkdtempSync(join(tmpdir(), 'kevy-redis-'));
  try {
    const handle = await startServer({
      label: `redis-server ${version}`,
      command: 'redis-server',
      args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--daemonize', 'no', '--dir', dir, '--logfile', '', ...extraArgs],
      startTimeoutMs: 10000,
    });
    return {
      ...handle,
      async stop() {
        await handle.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
