/**
 * shard-thread — the Node entry of a shard worker thread: takes its ShardInit from `workerData` and runs
 * the platform-neutral worker body (host/core/shard-worker.ts), reporting to the parent through
 * `parentPort`. Started by workers.ts; nothing else lives here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runShardWorker } from '../core/shard-worker.js';
import type { ShardInit, WorkerEvent } from '../core/mesh.js';

if (parentPort === null) throw new Error('shard-thread: run me as a worker thread');
const port = parentPort;

runShardWorker(workerData as ShardInit, (event: WorkerEvent) => port.postMessage(event)).catch(() => {
  // already reported as a 'fatal' event; the parent terminates this worker
});
