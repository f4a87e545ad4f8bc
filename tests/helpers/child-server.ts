/**
 * child-server — runs a RESP server as a child process for a test and stops it afterwards.
 *
 * Owns the process lifecycle shared by redis-server.ts and kevy-server.ts:
 *   1. pick a free port and spawn the command with it;
 *   2. poll with PING until the server answers +PONG (or the process dies, or the deadline passes);
 *   3. on a bind race (the process exits before answering) retry with a new port;
 *   4. `stop()` sends SIGTERM, waits for exit, and SIGKILLs a server that lingers.
 * Start failures throw with the command line and the tail of the child's output: a test that needs a
 * server must fail loudly, never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { openRawConnection } from './raw-connection.js';

export interface ServerHandle {
  /** Human-readable name, e.g. "redis-server 7.0.15 on :40123". */
  readonly name: string;
  readonly port: number;
  readonly host: string;
  /** Stops the process; safe to call twice. */
  stop(): Promise<void>;
}

export interface SpawnSpec {
  readonly label: string;
  readonly command: string;
  readonly args: (port: number) => string[];
  readonly cwd?: string;
  readonly startTimeoutMs?: number;
  readonly attempts?: number;
}

const PING = Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1');

/** True when a server on the port answers PING with +PONG. */
export async function answersPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    const conn = await openRawConnection(port, host, 500);
    try {
      conn.send(PING);
      const r = await conn.nextReply(1000);
      return r.kind === 'reply' && r.bytes.toString('latin1') === '+PONG\r\n';
    } finally {
      conn.destroy();
    }
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitExit(child, 5000)) return;
  child.kill('SIGKILL');
  await waitExit(child, 5000);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Spawns the server and resolves once it answers PING; throws with its output if it never does. */
export async function startServer(spec: SpawnSpec): Promise<ServerHandle> {
  const attempts = spec.attempts ?? 3;
  const timeoutMs = spec.startTimeoutMs ?? 15000;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = await freePort();
    const args = spec.args(port);
    const cmdline = [spec.command, ...args].map((a) => (a === '' || /\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
    let output = '';
    // A holder, not a `let`: the callback's assignment must not be narrowed away by the compiler.
    const spawned: { error: Error | null } = { error: null };
    const child = spawn(spec.command, args, { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (err) => {
      spawned.error = err;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (spawned.error !== null || exited(child)) break;
      if (await answersPing(port)) {
        let stopped = false;
        return {
          name: `${spec.label} on :${port}`,
          port,
          host: '127.0.0.1',
          async stop() {
            if (stopped) return;
            stopped = true;
            await stopChild(child);
          },
        };
      }
      if (Date.now() > deadline) break;
      await sleep(50);
    }
    if (spawned.error !== null) {
      throw new Error(`${spec.label}: cannot run \`${cmdline}\`: ${spawned.error.message}`);
    }
    const timedOut = !exited(child);
    await stopChild(child);
    lastError = `${spec.label}: \`${cmdline}\` ${timedOut ? `did not answer PING within ${timeoutMs} ms` :
      `exited (code ${child.exitCode}, signal ${child.signalCode}) before answering PING`}` +
      `\n--- its output ---\n${output || '(none)'}\n---`;
    // A bind race is worth another port; a server that runs but never answers is not.
    if (timedOut) break;
  }
  throw new Error(lastError);
}
