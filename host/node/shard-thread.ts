/**
 * shard-thread — the Node entry of a shard worker thread: takes its ShardInit from `workerData` and runs
 * the platform-neutral worker body (host/core/shard-worker.ts), reporting to the parent through
 * `parentPort`; in the `worker-listen` design (init.extra.listen) the worker also accepts its own
 * connections (listening-shard.ts). Started by workers.ts; nothing else lives here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runShardWorker } from '../core/shard-worker.js';
import type { ShardInit, WorkerEvent } from '../core/mesh.js';
import { runListeningShard, type ListenRequest, type ListeningEvent } from './listening-shard.js';

if (parentPort === null) throw new Error('shard-thread: run me as a worker thread');
const port = parentPort;
const init = workerData as ShardInit;
const post = (event: WorkerEvent | ListeningEvent): void => port.postMessage(event);

const started = init.extra?.listen === true
  ? runListeningShard(init, { port: Number(init.extra.port), bind: String(init.extra.bind) }, post,
    (handler) => port.on('message', (message: ListenRequest) => {
      if (message.type === 'listen') handler(message);
    }))
  : runShardWorker(init, post);
started.catch(() => {
  // already reported as a 'fatal' event; the parent terminates this worker
});
