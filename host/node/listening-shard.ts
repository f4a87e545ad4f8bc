/**
 * listening-shard — a shard worker that accepts its own connections (the `worker-listen` host design):
 * the Node counterpart of the Deno worker. Every worker accepts on the one listening socket
 * (shared-listener.ts), feeds what it accepted to its own engine and writes the replies itself, so no
 * connection's bytes cross a thread; only the engines' messages do.
 *
 * Lifecycle, driven by the parent (worker-listen-host.ts):
 *   1. the shard starts (shard-worker.ts) with this thread's sockets as its local connections;
 *   2. shard 0 listens on the port and posts `listening` with its descriptor and port (or the error);
 *      every shard (0 too) then gets the parent's `listen` message with that descriptor, takes its own
 *      duplicate and posts `listening` again; shard 0 closes the original once its duplicate accepts;
 *   3. from then on the kernel hands each new connection to one of the workers still accepting: a
 *      worker holding more connections than another stops accepting until they catch up
 *      (accept-balance.ts; a duplicate's handle can stop and restart, the original's cannot);
 *      connection ids are `shard + 1 + k·shards`, unique across workers.
 * An engine failure in a socket callback is fatal to the worker (a `fatal` event, as shard-worker.ts
 * reports one from the loop).
 */
import type net from 'node:net';
import { EngineFailure } from '../core/engine-core.js';
import { runShardWorker } from '../core/shard-worker.js';
import { attachMesh } from '../core/mesh-memory.js';
import { createAcceptBalance, type AcceptBalance } from './accept-balance.js';
import type { ShardRuntime } from '../core/shard-runtime.js';
import type { Loop } from '../core/loop.js';
import type { ShardInit, WorkerEvent } from '../core/mesh.js';
import { listenerFd, listenOnDuplicate, listenOnPort } from './shared-listener.js';
import { createSocketTable } from './sockets.js';

/** Parent → worker: accept on (a duplicate of) this descriptor. */
export interface ListenRequest {
  type: 'listen';
  fd: number;
}

/** Worker → parent: accepting now (`fd`, `port`), or the listen failed (`error`). */
export interface ListeningEvent {
  type: 'listening';
  shard: number;
  /** On this worker's own duplicate (else: shard 0's listen on the port). */
  duplicate: boolean;
  fd?: number;
  port?: number;
  error?: { message: string; code?: string; syscall?: string };
}

/**
 * Turning before sleep (loop.ts `turnUs`) only while this worker has at most this many connections: then
 * latency is what matters and the CPU it burns is there; with many busy connections the thread is
 * rarely idle for long, and the other threads (and clients) need the CPU.
 */
const TURN_MAX_CONNECTIONS = 4;

export interface ListeningShardOptions {
  /** Shard 0 listens on this address; the others duplicate its descriptor. */
  port: number;
  bind: string;
}

export async function runListeningShard(
  init: ShardInit,
  options: ListeningShardOptions,
  post: Post,
  onListenRequest: (handler: (request: ListenRequest) => void) => void,
): Promise<void> {
  const { shard, shards } = init;
  let runtime: ShardRuntime | undefined;
  let loop: Loop | undefined;
  let dead = false;

  function fail(err: unknown): void {
    dead = true;
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'fatal', shard, message: e.message, stack: e.stack, engine: e instanceof EngineFailure });
  }

  /** One engine call from a socket callback, then publish and write; a failure is fatal. */
  function call(fn: (rt: ShardRuntime) => void): void {
    if (dead || runtime === undefined) return;
    try {
      fn(runtime);
      runtime.flush();
      loop?.noteWork();
    } catch (err) {
      fail(err);
    }
  }

  const table = createSocketTable({
    log: (level, message) => post({ type: 'log', shard, level, message }),
    firstId: shard + 1,
    idStep: shards,
    assign: () => shard,
    onOpen: (conn, addr, laddr) => {
      balance?.opened();
      conn.socket.once('close', () => balance?.closed());
      call((rt) => rt.engine.open(conn.id, addr, laddr));
    },
    onData: (conn, chunk) => call((rt) => rt.engine.feed(conn.id, chunk)),
    onGone: (conn) => call((rt) => rt.engine.close(conn.id)),
  });
  const accept = (socket: net.Socket): void => {
    if (dead) socket.destroy();
    else table.accept(socket);
  };

  const mesh = attachMesh(init.sab);
  const listener = stoppableListener();
  const balance: AcceptBalance | undefined = init.hostShared === undefined ? undefined : createAcceptBalance({
    words: new Int32Array(init.hostShared),
    shard,
    shards,
    pause: () => listener.pause(),
    resume: () => listener.resume(),
    nudge: (s) => mesh.doorbell(s).ring(),
  });
  const worker = await runShardWorker(init, post, {
    local: {
      data: (id, view) => table.reply(id, view),
      close: (id) => table.end(id),
      flush: () => table.flush(),
    },
    everyTurn: balance === undefined ? undefined : () => balance.evaluate(),
    mayTurn: () => table.size <= TURN_MAX_CONNECTIONS,
  });
  runtime = worker.runtime;
  loop = worker.loop;

  listen(shard, options, accept, listener, post, onListenRequest);
}

type Post = (event: WorkerEvent | ListeningEvent) => void;

/**
 * Step 2 of the lifecycle: shard 0 listens on the port (its original accepts at once); every shard, on
 * the parent's request, takes its own duplicate, which the balance can stop and restart; shard 0 then
 * closes its original. Each outcome is reported as a `listening` event.
 */
function listen(shard: number, options: ListeningShardOptions, accept: (socket: net.Socket) => void,
  listener: StoppableListener, post: Post, onListenRequest: (handler: (request: ListenRequest) => void) => void): void {
  const report = (server: net.Server, duplicate: boolean): void => {
    const address = server.address();
    post({ type: 'listening', shard, duplicate, fd: listenerFd(server), port: typeof address === 'object' && address ? address.port : undefined });
  };
  const reportError = (err: unknown, duplicate: boolean): void => {
    const e = err as NodeJS.ErrnoException;
    post({ type: 'listening', shard, duplicate, error: { message: e.message, code: e.code, syscall: e.syscall } });
  };
  let original: net.Server | undefined;
  if (shard === 0) {
    listenOnPort(options.port, options.bind, accept).then((server) => {
      original = server;
      report(server, false);
    }, (err) => reportError(err, false));
  }
  onListenRequest((request) => listenOnDuplicate(request.fd, accept).then((server) => {
    original?.close();
    original = undefined;
    listener.use(server);
    report(server, true);
  }, (err) => reportError(err, true)));
}

/**
 * The listener the balance stops and restarts: this worker's duplicate, once it has one. On a listening
 * handle, libuv's read start/stop turn the polling of the descriptor on and off while the accept callback
 * set by listen stays; starting it once makes it stoppable (a handle that refuses stays accepting).
 */
interface StoppableListener {
  use(server: net.Server): void;
  pause(): void;
  resume(): void;
}

function stoppableListener(): StoppableListener {
  type Handle = { readStart?(): number; readStop?(): number };
  let handle: Handle | undefined;
  let paused = false;
  return {
    use(server) {
      const h = (server as unknown as { _handle?: Handle })._handle;
      if (h?.readStart === undefined || h.readStop === undefined || h.readStart() !== 0) return;
      handle = h;
      if (paused) handle.readStop!();
    },
    pause() {
      paused = true;
      handle?.readStop!();
    },
    resume() {
      paused = false;
      handle?.readStart!();
    },
  };
}
