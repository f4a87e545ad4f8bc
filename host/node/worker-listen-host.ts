/**
 * worker-listen-host — host design (c), `worker-listen`: every shard runs in a worker thread that accepts
 * its own connections on the one listening socket (listening-shard.ts, shared-listener.ts), as the Deno
 * workers do with SO_REUSEPORT. A connection's bytes never leave the thread that accepted it; the main
 * thread holds no socket and only starts, watches and stops the workers.
 *
 * Start: all workers start; shard 0 listens on the port; every worker (shard 0 too) is sent that
 * descriptor and takes its own duplicate — a duplicate can stop and restart accepting, which keeps the
 * connections balanced (accept-balance.ts) — and shard 0 then closes the original; the server is up once
 * every worker accepts on its duplicate. A listen error (EADDRINUSE,
 * …) rejects with that error's code and syscall, as net.Server's would.
 */
import type { RunningMesh } from '../core/mesh.js';
import { acceptBalanceWords } from './accept-balance.js';
import type { ListenRequest, ListeningEvent } from './listening-shard.js';
import { startNodeMesh, type NodeWorkerHandle } from './workers.js';
import type { HostContext } from './server.js';

export interface WorkerListenHost {
  /** The port the workers accept on. */
  readonly port: number;
  /** Stops the workers (each closes its sockets and its own descriptor of the listener). */
  stop(): Promise<void>;
}

function listenFailure(event: ListeningEvent): Error {
  const err = new Error(event.error?.message ?? 'listen failed') as NodeJS.ErrnoException;
  err.code = event.error?.code;
  err.syscall = event.error?.syscall;
  return err;
}

export async function startWorkerListenHost(ctx: HostContext, port: number, bind: string): Promise<WorkerListenHost> {
  const { shards } = ctx;
  const handles: NodeWorkerHandle[] = [];
  const deferred = (): { promise: Promise<ListeningEvent>; resolve: (event: ListeningEvent) => void } => {
    let resolve!: (event: ListeningEvent) => void;
    const promise = new Promise<ListeningEvent>((r) => { resolve = r; });
    return { promise, resolve };
  };
  // Shard 0 reports twice: listening on the port, then on its own duplicate (like every other shard).
  const listening = deferred();
  const duplicated = Array.from({ length: shards }, deferred);
  // A worker that fails after `ready` but before it listens fails the start (not a hang); later
  // failures are the server's fatal errors.
  let started = false;
  let failStart!: (err: Error) => void;
  const startFailed = new Promise<never>((_, reject) => { failStart = reject; });
  startFailed.catch(() => undefined);
  const startCtx: HostContext = {
    ...ctx,
    fatal(err) {
      if (started) ctx.fatal(err);
      else failStart(err instanceof Error ? err : new Error(String(err)));
    },
  };
  const running: RunningMesh = await startNodeMesh(startCtx, Array.from({ length: shards }, (_, i) => i), false, {
    extra: { listen: true, port, bind },
    hostShared: new SharedArrayBuffer(4 * acceptBalanceWords(shards)),
    onHostEvent(event) {
      if (event.type !== 'listening') return;
      const e = event as ListeningEvent;
      if (e.duplicate) duplicated[e.shard]?.resolve(e);
      else listening.resolve(e);
    },
    handles,
  });
  try {
    const first = await Promise.race([listening.promise, startFailed]);
    if (first.error !== undefined || first.fd === undefined) throw listenFailure(first);
    const request: ListenRequest = { type: 'listen', fd: first.fd };
    for (let s = 0; s < shards; s++) handles[s].post(request);
    for (const event of await Promise.race([Promise.all(duplicated.map((l) => l.promise)), startFailed])) {
      if (event.error !== undefined) throw listenFailure(event);
    }
    started = true;
    return { port: first.port ?? port, stop: () => running.stop() };
  } catch (err) {
    await running.stop();
    throw err;
  }
}
