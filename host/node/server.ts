/**
 * server — the Node TCP front end: `startServer({ port, bind, shards })`.
 *
 * Owns: choosing the host design, the listening socket of the designs whose main thread accepts, and the
 * server's lifecycle (start, fatal errors, shutdown). Node 20 has no SO_REUSEPORT, so either the main
 * thread accepts every socket or the workers accept on one shared listening socket; the designs (each
 * in its own file):
 *   - `single`     (shards = 1): one engine on the main thread, sockets feed it directly (single-host.ts);
 *   - `io-thread`  (design a): the main thread only does socket I/O; every shard runs in a worker; each
 *                  connection is assigned an origin shard round-robin and its bytes and replies travel
 *                  through the rings between the I/O endpoint and that shard (io-thread-host.ts);
 *   - `main-shard` (design b): the main thread runs shard 0 and every socket, workers run shards 1..N-1;
 *                  every connection originates on shard 0 (main-shard-host.ts);
 *   - `main-shard-spread` (design b, spread): as main-shard, but connections are spread round-robin
 *                  over all shards; those of shards 1..N-1 travel through I/O-endpoint rings;
 *   - `worker-listen` (design c): every shard in a worker that accepts its own connections on the one
 *                  listening socket (each worker holding its own descriptor of it); the main thread
 *                  holds no socket (worker-listen-host.ts).
 * The default for shards > 1 is the design that measured best (bench/RESULTS.md, "host designs");
 * `options.design` or $KEVY_HOST_DESIGN picks another one, for benchmarks.
 *
 * Sockets accepted before the engines are up wait and are handed over once they are. An engine failure
 * (an engine bug) or a worker crash is fatal: it is logged and, unless the caller takes it via
 * `onFatal`, the server closes.
 */

import net from 'node:net';
import os from 'node:os';
import { EngineFailure, loadModule } from '../core/engine.js';
import { WorkerFailure } from '../core/mesh.js';
import type { LoopOptions } from '../core/loop.js';
import { stderrLog, type Logger } from './log.js';
import { startSingleHost } from './single-host.js';
import { startIoThreadHost } from './io-thread-host.js';
import { startMainShardHost } from './main-shard-host.js';
import { startWorkerListenHost } from './worker-listen-host.js';

export type { LogLevel, Logger } from './log.js';

export type HostDesign = 'io-thread' | 'main-shard' | 'main-shard-spread' | 'worker-listen';
export const HOST_DESIGNS: readonly HostDesign[] = ['io-thread', 'main-shard', 'main-shard-spread', 'worker-listen'];
/** The winner of bench/host-designs.ts on the reference machine (see bench/RESULTS.md). */
export const DEFAULT_HOST_DESIGN: HostDesign = 'worker-listen';

export interface ServerOptions {
  /** TCP port; 0 picks a free one (see `RunningServer.port`). */
  port: number;
  /** Address to listen on; default 127.0.0.1. */
  bind?: string;
  /** Number of shards; default the CPU count. */
  shards?: number;
  /** How shards > 1 are laid over threads; default DEFAULT_HOST_DESIGN or $KEVY_HOST_DESIGN. */
  design?: HostDesign;
  log?: Logger;
  /** Called on an engine failure instead of closing the server. */
  onFatal?: (err: Error) => void;
}

export interface RunningServer {
  /** The port actually listened on. */
  readonly port: number;
  /** Stop accepting, drop every connection, stop the shards. Resolves once the listener is closed. */
  close(): Promise<void>;
}

/** What every host design gets from the server. */
export interface HostContext {
  module: WebAssembly.Module;
  shards: number;
  log: Logger;
  /** Facts for INFO server, per shard. */
  serverInfo(shard: number): Record<string, string | number>;
  /** A fresh PRNG seed. */
  seed(): number;
  /** Something fatal happened (engine failure, worker crash, host bug). */
  fatal(err: unknown): void;
  /** Loop tuning for shard workers and for the main thread's loop. */
  workerLoop: LoopOptions;
  mainLoop: LoopOptions;
}

/** A running host design: takes accepted sockets. */
export interface Host {
  accept(socket: net.Socket): void;
  /** Drops every connection and stops the engines. */
  stop(): Promise<void>;
}

function chooseDesign(options: ServerOptions): HostDesign {
  const wanted = options.design ?? process.env.KEVY_HOST_DESIGN;
  if (wanted === undefined || wanted === '') return DEFAULT_HOST_DESIGN;
  if (!(HOST_DESIGNS as readonly string[]).includes(wanted)) {
    throw new Error(`kevy-ts: unknown host design '${wanted}' (one of ${HOST_DESIGNS.join(', ')})`);
  }
  return wanted as HostDesign;
}

/** Facts for INFO server. */
function serverInfo(port: number, shards: number): Record<string, string | number> {
  return {
    tcp_port: port,
    process_id: process.pid,
    executable: process.argv[1] ?? process.execPath,
    config_file: '',
    os: `${os.type()} ${os.release()} ${os.machine()}`,
    arch_bits: process.arch.endsWith('64') ? 64 : 32,
    node_version: process.version.replace(/^v/, ''),
    shards,
  };
}

/** $KEVY_SPIN_US_{WORKER,MAIN} and $KEVY_SLICE_MS_WORKER: loop tuning, for benchmarks. */
function loopTuning(who: 'WORKER' | 'MAIN'): LoopOptions {
  const options: LoopOptions = {};
  const spin = process.env[`KEVY_SPIN_US_${who}`];
  const slice = process.env[`KEVY_SLICE_MS_${who}`];
  const turn = process.env[`KEVY_TURN_US_${who}`];
  if (turn !== undefined && turn !== '') options.turnUs = Number(turn);
  if (spin !== undefined && spin !== '') options.spinUs = Number(spin);
  if (slice !== undefined && slice !== '') options.sliceMs = Number(slice);
  return options;
}

function listen(server: net.Server, port: number, bind: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Port 0 for a design whose workers listen: a free port, asked of the kernel by a probe closed at once. */
async function choosePort(port: number, bind: string): Promise<number> {
  if (port !== 0) return port;
  const probe = net.createServer();
  const chosen = await listen(probe, 0, bind);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return chosen;
}

function hostContext(options: ServerOptions, module: WebAssembly.Module, shards: number, port: number,
  fatal: (err: unknown) => void): HostContext {
  return {
    module,
    shards,
    log: options.log ?? stderrLog,
    serverInfo: () => serverInfo(port, shards),
    seed: () => (Math.random() * 0x1_0000_0000) >>> 0,
    fatal,
    workerLoop: loopTuning('WORKER'),
    mainLoop: loopTuning('MAIN'),
  };
}

/** A server's fatal-error state: the first failure is logged, then goes to `onFatal` or shuts down. */
interface FatalState {
  dead: boolean;
  fatal(reason: unknown): void;
}

function fatalState(options: ServerOptions, log: Logger, shutdown: () => Promise<void>): FatalState {
  const state: FatalState = {
    dead: false,
    fatal(reason) {
      if (state.dead) return;
      state.dead = true;
      const err = reason instanceof Error ? reason : new Error(String(reason));
      const engineBug = err instanceof EngineFailure || (err instanceof WorkerFailure && err.engine);
      log('#', `${engineBug ? 'engine failure (this is a bug)' : 'host failure'}: ${err.stack ?? err.message}`);
      if (options.onFatal) options.onFatal(err);
      else void shutdown();
    },
  };
  return state;
}

/** The worker-listen design: the workers accept; the main thread only watches them. */
async function startListeningWorkers(options: ServerOptions, module: WebAssembly.Module, shards: number): Promise<RunningServer> {
  const bind = options.bind ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  let stop: () => Promise<void> = async () => undefined;
  const shutdown = (): Promise<void> => (closing ??= stop());
  const state = fatalState(options, options.log ?? stderrLog, shutdown);
  const port = await choosePort(options.port, bind);
  const host = await startWorkerListenHost(hostContext(options, module, shards, port, state.fatal), port, bind);
  stop = host.stop;
  return { port: host.port, close: shutdown };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const shards = options.shards ?? os.availableParallelism();
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
    throw new Error(`kevy-ts: invalid shard count ${shards}`);
  }
  const design = shards === 1 ? undefined : chooseDesign(options);
  const log = options.log ?? stderrLog;
  const module = await loadModule();
  if (design === 'worker-listen') return startListeningWorkers(options, module, shards);
  // Half-open: when a client hangs up, replies the engine made before it learned so still reach it; the
  // socket ends at the engine's CLOSE for that connection (sockets.ts).
  const server = net.createServer({ allowHalfOpen: true });
  let host: Host | undefined;
  const early: net.Socket[] = [];

  server.on('connection', (socket) => {
    if (state.dead) socket.destroy();
    else if (host) host.accept(socket);
    else early.push(socket);
  });

  let closing: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of early.splice(0)) socket.destroy();
      await host?.stop();
      await closed;
    })();
    return closing;
  }
  const state = fatalState(options, log, shutdown);

  const port = await listen(server, options.port, options.bind ?? '127.0.0.1');
  const ctx = hostContext(options, module, shards, port, state.fatal);
  try {
    if (shards === 1) host = startSingleHost(ctx);
    else if (design === 'io-thread') host = await startIoThreadHost(ctx);
    else host = await startMainShardHost(ctx, design === 'main-shard-spread');
  } catch (err) {
    state.dead = true;
    await shutdown();
    throw err;
  }
  server.on('error', (err) => log('#', `server error: ${err.message}`));
  for (const socket of early.splice(0)) host.accept(socket);

  return { port, close: shutdown };
}
