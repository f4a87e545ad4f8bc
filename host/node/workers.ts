/**
 * workers — how the Node hosts start a shard worker: a `worker_threads` Worker running shard-thread.js
 * with its ShardInit as `workerData` (the SharedArrayBuffer is shared, the WebAssembly.Module is posted
 * compiled, not recompiled). Fits mesh.ts's SpawnShardWorker; an unexpected exit or an uncaught
 * error in the worker is reported through `onError`. `unref` lets the process exit while it runs.
 */
import { Worker } from 'node:worker_threads';
import { startMesh, type RunningMesh, type ShardInit, type WorkerEvent, type WorkerHandle } from '../core/mesh.js';
import type { HostContext } from './server.js';

const ENTRY = new URL('./shard-thread.js', import.meta.url);
/**
 * Workers inherit the parent's flags, except under `node --input-type=module -e …`, where that flag
 * would stop the worker's file entry from loading: then they get none.
 */
const WORKER_EXEC_ARGV = process.execArgv.some((a) => a.startsWith('--input-type')) ? [] : undefined;

export interface NodeSpawnOptions {
  /** Do not keep the process alive for this worker (the embedded API). */
  unref?: boolean;
}

/** A Node shard worker: can also be sent host messages (listening-shard.ts's `listen`). */
export interface NodeWorkerHandle extends WorkerHandle {
  post(message: unknown): void;
}

/** Implements SpawnShardWorker (plus Node's own options). */
export function spawnNodeShardWorker(
  init: ShardInit,
  onEvent: (event: WorkerEvent) => void,
  onError: (err: Error) => void,
  options: NodeSpawnOptions = {},
): NodeWorkerHandle {
  const worker = new Worker(ENTRY, { workerData: init, execArgv: WORKER_EXEC_ARGV });
  let terminating = false;
  worker.on('message', (event: WorkerEvent) => onEvent(event));
  worker.on('error', (err) => {
    if (!terminating) onError(err);
  });
  worker.on('exit', (code) => {
    if (!terminating) onError(new Error(`shard ${init.shard}: worker thread exited (code ${code})`));
  });
  if (options.unref) worker.unref(); // after the listeners: adding one refs the worker's port again
  return {
    post(message) {
      worker.postMessage(message);
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}

/** What a host design adds to its workers: settings, and the events mesh.ts does not know. */
export interface NodeMeshExtras {
  extra?: Record<string, string | number | boolean>;
  hostShared?: SharedArrayBuffer;
  /** Events other than ready / fatal / log. */
  onHostEvent?(event: { type: string; shard: number }): void;
  /** Filled with each worker's handle, by shard. */
  handles?: NodeWorkerHandle[];
}

const MESH_EVENTS = new Set(['ready', 'fatal', 'log']);

/** The mesh of a Node host design: `workerShards` in worker threads, an I/O endpoint if asked. */
export function startNodeMesh(ctx: HostContext, workerShards: number[], ioEndpoint: boolean,
  extras: NodeMeshExtras = {}): Promise<RunningMesh> {
  return startMesh({
    shards: ctx.shards,
    workerShards,
    ioEndpoint,
    init: () => ({
      module: ctx.module, seed: ctx.seed(), serverInfo: ctx.serverInfo(0), loop: ctx.workerLoop, extra: extras.extra,
      hostShared: extras.hostShared,
    }),
    spawn(init, onEvent, onError) {
      const handle = spawnNodeShardWorker(init, (event) => {
        if (MESH_EVENTS.has(event.type)) onEvent(event);
        else extras.onHostEvent?.(event);
      }, onError);
      if (extras.handles !== undefined) extras.handles[init.shard] = handle;
      return handle;
    },
    onFatal: ctx.fatal,
    onLog: (shard, _level, message) => ctx.log('#', `shard ${shard}: ${message}`),
  });
}
