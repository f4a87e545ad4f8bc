/**
 * main-shard-host — host design (b): the main thread runs shard 0 and every socket; worker threads run
 * shards 1..N-1 (host/core/mesh.ts). Two variants:
 *   - `main-shard`: every connection originates on shard 0; its bytes are fed to the engine right in
 *     the socket callback and the messages that leaves for other shards are published after that call;
 *   - `main-shard-spread`: connections are spread round-robin over all shards; those of shard 0 are fed
 *     directly, the others travel as frames through the I/O endpoint's rings (as in io-thread-host.ts),
 *     so the main thread is both shard 0 and the I/O endpoint and sleeps on both doorbells.
 * The main thread's loop (loop.ts) delivers what the workers send back, writes each connection's
 * replies once per engine call (or pump), runs shard 0's tick, and sleeps (Atomics.waitAsync, so
 * sockets keep being served) when there is nothing to do. An engine failure anywhere is fatal.
 */
import type net from 'node:net';
import { createIoEndpoint, type IoEndpoint } from '../core/io-endpoint.js';
import { sleepAny, startLoop } from '../core/loop.js';
import { createShardRuntime, type ShardRuntime } from '../core/shard-runtime.js';
import { createSocketTable, PAUSE_RING, type NodeConn } from './sockets.js';
import { startNodeMesh } from './workers.js';
import type { Host, HostContext } from './server.js';

export async function startMainShardHost(ctx: HostContext, spread = false): Promise<Host> {
  const { shards } = ctx;
  const running = await startNodeMesh(ctx, Array.from({ length: shards - 1 }, (_, i) => i + 1), spread);
  let dead = false;
  let nextShard = 0;
  const congested: NodeConn[] = [];

  const table = createSocketTable({
    log: ctx.log,
    assign() {
      if (!spread) return 0;
      const s = nextShard;
      nextShard = (nextShard + 1) % shards;
      return s;
    },
    onOpen(conn, addr, laddr) {
      if (conn.shard === 0) {
        call((rt) => rt.engine.open(conn.id, addr, laddr));
        return;
      }
      io!.open(conn.id, conn.shard, addr, laddr);
      scheduleFlush();
    },
    onData(conn, chunk) {
      if (conn.shard === 0) {
        call((rt) => rt.engine.feed(conn.id, chunk));
        return;
      }
      io!.data(conn.id, conn.shard, chunk);
      if (io!.pending(conn.shard) > 0) {
        table.pauseFor(conn, PAUSE_RING);
        congested.push(conn);
      }
      scheduleFlush();
    },
    onGone(conn) {
      if (conn.shard === 0) {
        call((rt) => rt.engine.close(conn.id));
        return;
      }
      io!.close(conn.id, conn.shard);
      // At once, not at the end of the turn: a push that another socket delivers after this close must
      // not reach a shard before the close does (a blocked client would be served after it left).
      flushNow();
    },
  });

  const io: IoEndpoint | undefined = spread
    ? createIoEndpoint({
      mesh: running.mesh,
      endpoint: running.ioEndpoint!,
      shards,
      conns: {
        data: (id, bytes, start, end) => table.reply(id, bytes, start, end),
        close: (id) => table.end(id),
        flush: () => table.flush(),
      },
    })
    : undefined;

  const runtime: ShardRuntime = createShardRuntime({
    mesh: running.mesh,
    shard: 0,
    shards,
    module: ctx.module,
    seed: ctx.seed(),
    serverInfo: ctx.serverInfo(0),
    local: {
      data: (id, view) => table.reply(id, view),
      close: (id) => table.end(id),
      flush: () => table.flush(),
    },
  });

  /** One engine call from a socket callback, then publish; a failure is fatal. */
  function call(fn: (rt: ShardRuntime) => void): void {
    if (dead) return;
    try {
      fn(runtime);
      runtime.flush();
    } catch (err) {
      dead = true;
      ctx.fatal(err);
    }
  }

  function relieve(): void {
    if (congested.length === 0) return;
    let keep = 0;
    for (const conn of congested) {
      if (io!.pending(conn.shard) > 0) congested[keep++] = conn;
      else table.resumeFor(conn, PAUSE_RING);
    }
    congested.length = keep;
  }

  // Publishing frames: once per event-loop turn; retried every millisecond while some wait for room.
  let flushQueued = false;
  let retry: NodeJS.Timeout | undefined;
  function flushNow(): void {
    flushQueued = false;
    retry = undefined;
    if (dead) return;
    if (io!.flush() > 0) retry ??= setTimeout(flushNow, 1);
    relieve();
  }
  function scheduleFlush(): void {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(flushNow);
  }

  const loop = startLoop(io === undefined
    ? {
      pump: runtime.pump,
      timers: runtime.timers,
      idleLimitMs: runtime.idleLimitMs,
      sleep: runtime.sleep,
      hasInput: () => running.mesh.hasInput(0),
    }
    : {
      pump: () => {
        const a = runtime.pump();
        const b = io.pump();
        return a || b;
      },
      timers(now) {
        relieve();
        return Math.min(runtime.timers(now), congested.length > 0 ? 1 : Infinity);
      },
      idleLimitMs: () => Math.min(runtime.idleLimitMs(), io.idleLimitMs()),
      sleep: sleepAny([runtime.sleep, io.sleep]),
      hasInput: () => running.mesh.hasInput(0) || io.hasInput(),
    }, ctx.mainLoop);
  loop.done.catch((err) => {
    if (!dead) {
      dead = true;
      ctx.fatal(err);
    }
  });

  return {
    accept(socket: net.Socket) {
      if (dead) socket.destroy();
      else table.accept(socket);
    },
    async stop() {
      dead = true;
      loop.stop();
      if (retry !== undefined) clearTimeout(retry);
      table.destroyAll();
      await running.stop();
    },
  };
}
