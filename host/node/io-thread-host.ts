/**
 * io-thread-host — host design (a): the main thread is an I/O endpoint only; shards 0..N-1 run in
 * worker threads (host/core/mesh.ts, shard-worker.ts).
 *
 * Per connection: accept → origin shard round-robin → OPEN frame to it; every socket read → one DATA
 * frame (staged straight into the ring `io → shard`); the peer going away → CLOSE. Frames staged during
 * one event-loop turn are published together by one `io.flush()` (setImmediate): one commit per ring
 * per turn, and the shard's doorbell is rung only if it sleeps. Replies come back on `shard → io`; the
 * main thread's loop (loop.ts) drains them and writes each connection once per drain; when it has
 * nothing to do it sleeps on its doorbell with Atomics.waitAsync, which leaves the event loop free for
 * sockets. A CLOSE frame from the shard ends the socket after its replies.
 * Backpressure: a socket whose writes back up pauses reading (sockets.ts); a socket whose DATA had to
 * go to the backlog (its shard's ring is full) pauses until that backlog has drained.
 */
import type net from 'node:net';
import { createIoEndpoint } from '../core/io-endpoint.js';
import { startLoop } from '../core/loop.js';
import { createSocketTable, PAUSE_RING, type NodeConn } from './sockets.js';
import { startNodeMesh } from './workers.js';
import type { Host, HostContext } from './server.js';

/** How often the loop re-checks congested shards when it is otherwise idle. */
const CONGESTION_POLL_MS = 1;

export async function startIoThreadHost(ctx: HostContext): Promise<Host> {
  const { shards } = ctx;
  const running = await startNodeMesh(ctx, Array.from({ length: shards }, (_, i) => i), true);
  let stopped = false;

  const io = createIoEndpoint({
    mesh: running.mesh,
    endpoint: running.ioEndpoint!,
    shards,
    conns: {
      data: (id, bytes, start, end) => table.reply(id, bytes, start, end),
      close: (id) => table.end(id),
      flush: () => table.flush(),
    },
  });

  /** Sockets paused because their shard's ring is backlogged, per shard. */
  const congested: NodeConn[][] = Array.from({ length: shards }, () => []);
  let anyCongested = false;

  function relieve(): void {
    if (!anyCongested) return;
    anyCongested = false;
    for (let s = 0; s < shards; s++) {
      const list = congested[s];
      if (list.length === 0) continue;
      if (io.pending(s) > 0) {
        anyCongested = true;
        continue;
      }
      for (const conn of list) table.resumeFor(conn, PAUSE_RING);
      list.length = 0;
    }
  }

  // Publishing: once per event-loop turn; while frames wait in the backlog (a full ring), retried every
  // millisecond — the consumer frees room without telling us, and the loop may be asleep.
  let flushQueued = false;
  let retry: NodeJS.Timeout | undefined;
  function flushNow(): void {
    flushQueued = false;
    retry = undefined;
    if (stopped) return;
    if (io.flush() > 0) retry ??= setTimeout(flushNow, CONGESTION_POLL_MS);
    relieve();
  }
  function scheduleFlush(): void {
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flushNow);
    }
  }

  let nextShard = 0;
  const table = createSocketTable({
    log: ctx.log,
    assign: () => {
      const s = nextShard;
      nextShard = (nextShard + 1) % shards;
      return s;
    },
    onOpen(conn, addr, laddr) {
      io.open(conn.id, conn.shard, addr, laddr);
      scheduleFlush();
    },
    onData(conn, chunk) {
      io.data(conn.id, conn.shard, chunk);
      if (io.pending(conn.shard) > 0) {
        table.pauseFor(conn, PAUSE_RING);
        congested[conn.shard].push(conn);
        anyCongested = true;
      }
      scheduleFlush();
    },
    onGone(conn) {
      io.close(conn.id, conn.shard);
      // At once, not at the end of the turn: a push that another socket delivers after this close must
      // not reach a shard before the close does (a blocked client would be served after it left).
      flushNow();
    },
  });

  const loop = startLoop({
    pump: io.pump,
    timers() {
      relieve();
      return anyCongested ? CONGESTION_POLL_MS : 1000;
    },
    idleLimitMs: io.idleLimitMs,
    sleep: io.sleep,
    hasInput: io.hasInput,
  }, ctx.mainLoop);
  loop.done.catch((err) => {
    if (!stopped) ctx.fatal(err);
  });

  return {
    accept(socket: net.Socket) {
      if (stopped) socket.destroy();
      else table.accept(socket);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      loop.stop();
      if (retry !== undefined) clearTimeout(retry);
      table.destroyAll();
      await running.stop();
    },
  };
}
