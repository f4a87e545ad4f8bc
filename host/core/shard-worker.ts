/**
 * shard-worker — the body of a worker thread that runs one shard: attach to the mesh, create the engine,
 * run the loop, report. Web-standard APIs only; a platform entry (host/node/shard-thread.ts, a Deno or
 * browser worker) receives the ShardInit its own way and calls `runShardWorker`.
 *
 * Owns: the worker's lifecycle —
 *   1. compile the module if it came as bytes, attach the mesh buffer, create the shard runtime
 *      (connections through the I/O endpoint, or the worker's own sockets via `local`);
 *   2. start the loop (busy slices without yielding only when the worker has no sockets), post `ready`;
 *   3. when the loop ends with an error, post `fatal` (engine: true for an engine bug) and stop.
 */
import { EngineFailure } from './engine-core.js';
import { attachMesh } from './mesh-memory.js';
import { startLoop, type Loop } from './loop.js';
import { createShardRuntime, type LocalConnections, type ShardRuntime } from './shard-runtime.js';
import type { ShardObserver } from './message-hold.js';
import type { ShardInit, WorkerEvent } from './mesh.js';

export interface ShardWorker {
  readonly runtime: ShardRuntime;
  readonly loop: Loop;
}

/** Busy slice for a worker without sockets: long enough to drain bursts, short enough for timers. */
const PURE_WORKER_SLICE_MS = 2;

export async function compileShardModule(init: ShardInit): Promise<WebAssembly.Module> {
  if (init.module !== undefined) return init.module;
  if (init.wasm !== undefined) return WebAssembly.compile(init.wasm);
  throw new Error(`shard ${init.shard}: the init carries neither a module nor wasm bytes`);
}

/** What a platform entry adds to a worker beyond its init. */
export interface ShardWorkerOptions {
  /** This thread's own sockets (Deno, Node worker-listen); without them, connections come as frames. */
  local?: LocalConnections;
  /** Watches (and may slow) the shard's messages: the browser demo. */
  observer?: ShardObserver;
  /** Runs at each turn of the loop (the Node listening workers' accept balance). */
  everyTurn?: () => void;
  /** Whether turning before sleep (init.loop.turnUs) is worth it now. */
  mayTurn?: () => boolean;
}

/** Starts the shard; `post` sends events to the parent. */
export async function runShardWorker(
  init: ShardInit,
  post: (event: WorkerEvent) => void,
  options: ShardWorkerOptions = {},
): Promise<ShardWorker> {
  const { local, observer, everyTurn, mayTurn } = options;
  const report = (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'fatal', shard: init.shard, message: e.message, stack: e.stack, engine: e instanceof EngineFailure });
  };
  try {
    const module = await compileShardModule(init);
    const runtime = createShardRuntime({
      mesh: attachMesh(init.sab),
      shard: init.shard,
      shards: init.shards,
      module,
      seed: init.seed,
      serverInfo: init.serverInfo,
      ioEndpoint: init.ioEndpoint,
      local,
      observer,
    });
    const loop = startLoop({
      pump: runtime.pump,
      timers: everyTurn === undefined ? runtime.timers : (now) => {
        everyTurn();
        return runtime.timers(now);
      },
      idleLimitMs: runtime.idleLimitMs,
      sleep: runtime.sleep,
      mayTurn,
    }, { sliceMs: local === undefined ? PURE_WORKER_SLICE_MS : 0, ...init.loop });
    loop.done.catch(report);
    post({ type: 'ready', shard: init.shard });
    return { runtime, loop };
  } catch (err) {
    report(err);
    throw err;
  }
}
