/**
 * browser-mesh — the page's side of the demo's mesh: one Web Worker per shard (shard-worker.ts) on one
 * SharedArrayBuffer (host/core/mesh.ts, mesh-memory.ts), and the page's main thread as the mesh's I/O
 * endpoint (host/core/io-endpoint.ts), exactly as the Node `io-thread` design's main thread: each
 * connection is opened on an origin shard, its bytes travel as frames, replies come back as frames.
 *
 * Owns: spawning the workers, the endpoint's loop (loop.ts: pump the reply rings, sleep on the doorbell
 * with Atomics.waitAsync, which leaves the page responsive), the connection table (ids unique for the
 * mesh's life; the origin round-robin over the shards, as the servers do), matching replies to calls in
 * order, and passing the workers' events (events.ts) on. It does not draw anything.
 *
 * Calls on one connection are answered in order; a reply that answers no call (a pub/sub message, the
 * second channel of SUBSCRIBE a b) goes to `onUnsolicited`. A connection the server ends (QUIT, CLIENT
 * KILL) or the page closes rejects the calls still waiting.
 */
import { startMesh, type RunningMesh, type WorkerEvent } from '../core/mesh.js';
import { createIoEndpoint, type IoEndpoint } from '../core/io-endpoint.js';
import { startLoop, type Loop } from '../core/loop.js';
import { decodeReply, encodeCommand, type Reply } from './resp.js';
import type { PageToWorker, ShardEvent, WorkerToPage } from './events.js';

export interface Connection {
  readonly id: number;
  readonly origin: number;
  readonly closed: boolean;
  /** Sends one command; resolves with its reply (an error reply resolves too). */
  call(args: readonly (string | Uint8Array)[]): Promise<Reply>;
  /** The page goes away from this connection (as a client disconnecting). */
  close(): void;
  onUnsolicited?: (reply: Reply) => void;
  onClosed?: (byServer: boolean) => void;
}

export interface BrowserMesh {
  readonly shards: number;
  /** A new connection, its origin the next shard round-robin (or `origin`, for helper connections). */
  connect(origin?: number): Connection;
  /** How long each shard holds an incoming message before delivering it (ms). */
  setHold(ms: number): void;
  stop(): Promise<void>;
}

export interface BrowserMeshOptions {
  shards: number;
  module: WebAssembly.Module;
  holdMs: number;
  onEvents(events: ShardEvent[]): void;
  /** A worker failed after start: the mesh is unusable. */
  onFatal(err: Error): void;
}

interface ConnState {
  conn: Connection;
  buffer: Uint8Array;
  waiting: { resolve(r: Reply): void; reject(e: Error): void }[];
  closed: boolean;
}

const NO_BYTES = new Uint8Array(0);

export async function startBrowserMesh(options: BrowserMeshOptions): Promise<BrowserMesh> {
  const { shards } = options;
  const workers: Worker[] = [];
  let stopped = false;

  const running: RunningMesh = await startMesh({
    shards,
    workerShards: Array.from({ length: shards }, (_, i) => i),
    ioEndpoint: true,
    ringCapacity: 1 << 18,
    init: () => ({
      module: options.module,
      seed: (Math.random() * 0x1_0000_0000) >>> 0,
      serverInfo: { mode: 'browser demo', shards, os: navigator.userAgent.replace(/[\r\n]/g, ' ') },
      loop: {},
    }),
    spawn(init, onEvent, onError) {
      const worker = new Worker(new URL('./shard-worker.js', import.meta.url), { type: 'module', name: `shard ${init.shard}` });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
        const data = event.data;
        if ('type' in data && data.type === 'events') options.onEvents(data.events);
        else onEvent(data as WorkerEvent);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        onError(new Error(`shard ${init.shard} worker: ${event.message || 'failed to start'}`));
      };
      const message: PageToWorker = { type: 'init', init, holdMs: options.holdMs };
      worker.postMessage(message);
      return {
        async terminate() {
          worker.terminate();
        },
      };
    },
    onFatal: (err) => {
      if (!stopped) options.onFatal(err);
    },
  });

  const table = new Map<number, ConnState>();
  const touched = new Set<ConnState>();

  function settle(state: ConnState): void {
    let at = 0;
    for (;;) {
      const frame = decodeReply(state.buffer, at);
      if (frame === undefined) break;
      at = frame.end;
      const next = frame.value.t === 'push' ? undefined : state.waiting.shift();
      if (next !== undefined) next.resolve(frame.value);
      else state.conn.onUnsolicited?.(frame.value);
    }
    if (at > 0) state.buffer = state.buffer.slice(at);
  }

  function ended(state: ConnState, byServer: boolean): void {
    if (state.closed) return;
    settle(state);
    state.closed = true;
    table.delete(state.conn.id);
    const err = new Error(byServer ? 'connection closed by the server' : 'disconnected');
    for (const w of state.waiting.splice(0)) w.reject(err);
    state.conn.onClosed?.(byServer);
  }

  const io: IoEndpoint = createIoEndpoint({
    mesh: running.mesh,
    endpoint: running.ioEndpoint!,
    shards,
    conns: {
      data(id, bytes, start, end) {
        const state = table.get(id);
        if (state === undefined) return;
        const chunk = bytes.subarray(start, end);
        const joined = new Uint8Array(state.buffer.length + chunk.length);
        joined.set(state.buffer);
        joined.set(chunk, state.buffer.length);
        state.buffer = joined;
        touched.add(state);
      },
      close(id) {
        const state = table.get(id);
        if (state !== undefined) ended(state, true);
      },
      flush() {
        for (const state of touched) settle(state);
        touched.clear();
      },
    },
  });

  const loop: Loop = startLoop({
    pump: io.pump,
    timers: () => 1000,
    idleLimitMs: io.idleLimitMs,
    sleep: io.sleep,
    hasInput: io.hasInput,
  });
  loop.done.catch((err: unknown) => {
    if (!stopped) options.onFatal(err instanceof Error ? err : new Error(String(err)));
  });

  let nextId = 1;
  let nextOrigin = 0;

  return {
    shards,
    connect(origin) {
      if (stopped) throw new Error('the mesh is stopped');
      const id = nextId++;
      const from = origin ?? nextOrigin;
      if (origin === undefined) nextOrigin = (nextOrigin + 1) % shards;
      const state: ConnState = { conn: undefined as unknown as Connection, buffer: NO_BYTES, waiting: [], closed: false };
      state.conn = {
        id,
        origin: from,
        get closed() {
          return state.closed;
        },
        call(args) {
          if (state.closed) return Promise.reject(new Error('disconnected'));
          return new Promise<Reply>((resolve, reject) => {
            state.waiting.push({ resolve, reject });
            io.data(id, from, encodeCommand(args));
            io.flush();
          });
        },
        close() {
          if (state.closed) return;
          io.close(id, from);
          io.flush();
          ended(state, false);
        },
      };
      table.set(id, state);
      io.open(id, from, `browser:${id}`, `shard:${from}`);
      io.flush();
      return state.conn;
    },
    setHold(ms) {
      const message: PageToWorker = { type: 'hold', ms };
      for (const w of workers) w.postMessage(message);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      loop.stop();
      for (const state of [...table.values()]) ended(state, false);
      await running.stop();
    },
  };
}
