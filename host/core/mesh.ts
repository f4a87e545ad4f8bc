/**
 * mesh — N shards, one engine per thread, rings between every pair: the host-side orchestration shared
 * by the Node server, the Deno server and the embedded API. Web-standard APIs only; the platform gives
 * it a way to start a worker (`spawn`).
 *
 * Owns: the plan (which shards run in workers, which in the calling thread, whether an I/O endpoint
 * exists), the shared memory (mesh-memory.ts: endpoints 0..N-1 are the shards, endpoint N the I/O
 * endpoint when there is one), starting the workers with their `ShardInit`, waiting until each reports
 * `ready`, turning a worker's `fatal` into the host's `onFatal`, and stopping them all.
 *
 * Lifecycle:
 *   1. `startMesh` allocates the buffer, spawns one worker per shard in `workerShards` with the
 *      buffer, the compiled module, its shard index and the I/O endpoint number;
 *   2. each worker attaches, creates its engine and loop (shard-worker.ts or a host's own worker file)
 *      and posts `{ type: 'ready' }`; startMesh resolves when all did (and rejects if one failed first);
 *   3. the caller runs its own part (an I/O endpoint, or shard 0 with its sockets) on `mesh`;
 *   4. `stop()` terminates the workers. Shards are pure state machines with nothing to save yet.
 */
import { attachMesh, createMeshMemory, type Mesh } from './mesh-memory.js';
import type { LoopOptions } from './loop.js';

/** What one shard worker is started with (structured-clone friendly). */
export interface ShardInit {
  sab: SharedArrayBuffer;
  /** The compiled engine (hosts that can post a WebAssembly.Module), or its bytes. */
  module?: WebAssembly.Module;
  wasm?: Uint8Array<ArrayBuffer>;
  shard: number;
  shards: number;
  /** The I/O endpoint carrying this shard's connections, if any. */
  ioEndpoint?: number;
  seed: number;
  serverInfo: Record<string, string | number>;
  loop: LoopOptions;
  /** Host-specific settings (e.g. the Deno worker's listen address). */
  extra?: Record<string, string | number | boolean>;
  /** Host-specific shared memory (e.g. the Node listening workers' connection counts). */
  hostShared?: SharedArrayBuffer;
}

/** What a worker posts to its parent. */
export type WorkerEvent =
  | { type: 'ready'; shard: number }
  | { type: 'fatal'; shard: number; message: string; stack?: string; engine: boolean }
  | { type: 'log'; shard: number; level: string; message: string };

export interface WorkerHandle {
  terminate(): Promise<void>;
}

export type SpawnShardWorker = (init: ShardInit, onEvent: (event: WorkerEvent) => void,
  onError: (err: Error) => void) => WorkerHandle;

export interface StartMeshOptions {
  shards: number;
  /** Shards that run in workers; the others run in the calling thread. */
  workerShards: readonly number[];
  /** Add an I/O endpoint (endpoint number `shards`). */
  ioEndpoint: boolean;
  ringCapacity?: number;
  /** The per-shard part of each worker's init. */
  init(shard: number): Omit<ShardInit, 'sab' | 'shard' | 'shards' | 'ioEndpoint'>;
  spawn: SpawnShardWorker;
  /** A worker failed after start (engine failure or a crash). */
  onFatal(err: Error): void;
  /** Log lines workers post. */
  onLog?(shard: number, level: string, message: string): void;
}

export interface RunningMesh {
  readonly mesh: Mesh;
  readonly shards: number;
  /** The I/O endpoint's number, when there is one. */
  readonly ioEndpoint: number | undefined;
  stop(): Promise<void>;
}

/** Default data bytes per ring: room for a few hundred pipelined batches. */
export const MESH_RING_CAPACITY = 1 << 20;

export class WorkerFailure extends Error {
  constructor(message: string, readonly shard: number, readonly engine: boolean, stack?: string) {
    super(message);
    this.name = engine ? 'EngineFailure' : 'WorkerFailure';
    if (stack) this.stack = stack;
  }
}

export async function startMesh(options: StartMeshOptions): Promise<RunningMesh> {
  const { shards, workerShards } = options;
  const io = options.ioEndpoint ? shards : undefined;
  const endpoints = shards + (io === undefined ? 0 : 1);
  const sab = createMeshMemory({ endpoints, ringCapacity: options.ringCapacity ?? MESH_RING_CAPACITY });
  const mesh = attachMesh(sab);
  const workers: WorkerHandle[] = [];
  let started = false;
  let stopping = false;

  const ready = new Promise<void>((resolve, reject) => {
    let waiting = workerShards.length;
    if (waiting === 0) resolve();
    const fail = (err: Error): void => {
      if (stopping) return;
      if (!started) reject(err);
      else options.onFatal(err);
    };
    for (const shard of workerShards) {
      const init: ShardInit = { ...options.init(shard), sab, shard, shards, ioEndpoint: io };
      workers.push(options.spawn(init, (event) => {
        if (event.type === 'ready') {
          if (--waiting === 0) resolve();
        } else if (event.type === 'fatal') {
          fail(new WorkerFailure(`shard ${event.shard}: ${event.message}`, event.shard, event.engine, event.stack));
        } else if (event.type === 'log') {
          options.onLog?.(event.shard, event.level, event.message);
        }
      }, (err) => fail(err)));
    }
  });

  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
  }

  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  started = true;
  return { mesh, shards, ioEndpoint: io, stop };
}
