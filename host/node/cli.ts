/**
 * cli — `kevy-ts [--port P] [--bind ADDR] [--shards N]`: the process around the Node server.
 *
 * Owns: the command line (redis-server's option names and `--name value` form; anything unknown or
 * malformed is an error with usage text on stderr and exit 1), the Redis-style log lines on stdout
 * (`pid:M 26 Nov 2026 02:30:01.123 * Ready to accept connections tcp`), and the process lifecycle:
 * SIGINT/SIGTERM stop accepting, close every connection and exit 0; an engine failure exits 1.
 * The server itself lives in server.ts; bin/kevy-ts.js only calls `main`.
 */

import os from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/engine.js';
import { startServer, type LogLevel, type RunningServer } from './server.js';

export interface CliOptions {
  port: number;
  bind: string;
  shards: number;
}

/** What the command line asks for: run a server, or just print something. */
export type CliRequest =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' };

const USAGE = `Usage: kevy-ts [options]
       kevy-ts -v or --version
       kevy-ts -h or --help

Options:
  --port P       TCP port to listen on (default 6379; 0 picks a free port)
  --bind ADDR    address to listen on (default 127.0.0.1)
  --shards N     number of shards, one per core (default: the CPU count)

Examples:
  kevy-ts --port 6380 --shards 2
  kevy-ts --bind 0.0.0.0 --port 7000 --shards 1
`;

export class UsageError extends Error {}

function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid value for ${flag}: '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${text}`);
  return n;
}

/** Parse argv (without node and the script). Throws UsageError for anything it does not accept. */
export function parseArgs(argv: readonly string[]): CliRequest {
  const options: CliOptions = { port: 6379, bind: '127.0.0.1', shards: os.availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '-h' || flag === '--help') return { kind: 'help' };
    if (flag === '-v' || flag === '--version') return { kind: 'version' };
    if (flag !== '--port' && flag !== '--bind' && flag !== '--shards') {
      throw new UsageError(`unknown option '${flag}'`);
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (flag === '--port') options.port = parseInteger(flag, value, 0, 65535);
    else if (flag === '--shards') options.shards = parseInteger(flag, value, 1, 1024);
    else if (value === '') throw new UsageError('--bind needs an address');
    else options.bind = value;
  }
  return { kind: 'run', options };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One Redis-style log line: `pid:M 26 Nov 2026 02:30:01.123 * message`. */
export function logLine(level: LogLevel, message: string, now = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${two(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()} `
    + `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.`
    + String(now.getMilliseconds()).padStart(3, '0');
  return `${process.pid}:M ${stamp} ${level} ${message}`;
}

function log(level: LogLevel, message: string): void {
  if (level === '.') return; // debug lines are off (loglevel notice)
  process.stdout.write(logLine(level, message) + '\n');
}

/** How long a shutdown may take before we exit anyway. */
const SHUTDOWN_GRACE_MS = 2000;

export async function main(argv: readonly string[]): Promise<void> {
  let request: CliRequest;
  try {
    request = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`kevy-ts: ${err.message}\n\n${USAGE}`);
    process.exit(1);
  }
  if (request.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (request.kind === 'version') {
    process.stdout.write(`kevy-ts v=${version()} node=${process.version} bits=${process.arch.endsWith('64') ? 64 : 32}\n`);
    return;
  }

  const { port, bind, shards } = request.options;
  log('#', `kevy-ts is starting: version=${version()}, node=${process.version}, pid=${process.pid}`);
  let server: RunningServer;
  try {
    server = await startServer({
      port,
      bind,
      shards,
      log,
      onFatal: (err) => {
        log('#', `kevy-ts is exiting after a fatal error: ${err.message}`);
        process.exit(1);
      },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'listen' || e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      log('#', `Warning: Could not create server TCP listening socket ${bind}:${port}: ${e.message}`);
      log('#', `Failed listening on port ${port} (tcp), aborting.`);
    } else {
      log('#', `Failed to start: ${e.message}`);
    }
    process.exit(1);
  }
  log('*', `Running mode=standalone, port=${server.port}, bind=${bind}, shards=${shards}.`);
  log('*', 'Ready to accept connections tcp');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('#', `Received ${signal} scheduling shutdown...`);
    log('#', 'User requested shutdown...');
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    void server.close().then(() => {
      log('#', 'kevy-ts is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
