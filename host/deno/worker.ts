/**
 * worker — a Deno shard worker: takes its ShardInit from the first message, listens on the shared port
 * itself (`Deno.listen({ reusePort: true })`: the kernel spreads connections over the workers), runs the
 * shard (host/core/shard-worker.ts: the same runtime, rings and loop as the Node hosts) with its own
 * sockets as the local connections (connections.ts), and serves every accepted socket. The port is
 * bound before the worker reports ready, so the parent announces a server that accepts.
 */
import { runShardWorker } from '../core/shard-worker.js';
import type { ShardInit, WorkerEvent } from '../core/mesh.js';
import { createDenoConnections } from './connections.js';

const post = (event: WorkerEvent): void => self.postMessage(event);

async function start(init: ShardInit): Promise<void> {
  const fatal = (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'fatal', shard: init.shard, message: e.message, stack: e.stack, engine: e.name === 'EngineFailure' });
  };
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({
      hostname: String(init.extra?.bind ?? '127.0.0.1'),
      port: Number(init.extra?.port ?? 6379),
      reusePort: true,
    });
  } catch (err) {
    fatal(err);
    return;
  }
  const conns = createDenoConnections(init.shard, init.shards, fatal);
  const worker = await runShardWorker(init, post, { local: conns.local });
  conns.attach(worker.runtime);
  for await (const socket of listener) conns.serve(socket);
}

self.onmessage = (event: MessageEvent<ShardInit>) => {
  self.onmessage = null;
  void start(event.data);
};
