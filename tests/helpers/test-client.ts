/**
 * test-client — ioredis clients as the TCP tests use them: no retries and no reconnects (a failure must
 * surface at once, in the command that met it), and no unhandled 'error' events (errors surface through
 * the failing command). Also the common suite shape: an in-process server with one such client, started
 * before the suite and stopped after it.
 */
import { Redis } from 'ioredis';
import { startServer, type RunningServer, type ServerOptions } from '../../host/node/server.js';

export function testClient(port: number, options: { lazyConnect?: boolean } = {}): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
  r.on('error', () => {});
  return r;
}

export interface ServedClient {
  server: RunningServer;
  redis: Redis;
}

/** An in-process server with `shards` shards and one client on it, answering PING. */
export async function startServedClient(shards: number, options: Partial<ServerOptions> = {}): Promise<ServedClient> {
  const server = await startServer({ port: 0, shards, ...options });
  const redis = testClient(server.port);
  await redis.ping();
  return { server, redis };
}

/** Undoes startServedClient (either may be missing when the setup failed). */
export async function stopServedClient(served: Partial<ServedClient>): Promise<void> {
  served.redis?.disconnect();
  await served.server?.close();
}
