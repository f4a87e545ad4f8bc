/**
 * single-host — the `single` host design (shards = 1): one engine on the main thread, no workers, no
 * rings. Sockets feed the engine directly; after every engine call the replies it left are written,
 * once per connection (sockets.ts), and a CLOSE ends its socket. The 100 ms tick runs on a timer.
 * An engine failure is fatal (HostContext.fatal); after it, no call reaches the engine again and new
 * sockets are dropped.
 */
import type net from 'node:net';
import { instantiateEngine, type Engine } from '../core/engine.js';
import { createSocketTable } from './sockets.js';
import type { Host, HostContext } from './server.js';

const TICK_MS = 100;

export function startSingleHost(ctx: HostContext): Host {
  let dead = false;
  let engine: Engine | undefined;

  /** Run an engine call, then write what it answered; a failure is fatal to the server. */
  function call(fn: (e: Engine) => void): void {
    if (dead || engine === undefined) return;
    try {
      fn(engine);
      table.flush();
    } catch (err) {
      dead = true;
      ctx.fatal(err);
    }
  }

  const table = createSocketTable({
    log: ctx.log,
    assign: () => 0,
    onOpen: (conn, addr, laddr) => call((e) => e.open(conn.id, addr, laddr)),
    onData: (conn, chunk) => call((e) => e.feed(conn.id, chunk)),
    onGone: (conn) => call((e) => e.close(conn.id)),
  });

  engine = instantiateEngine(ctx.module, {
    shardIndex: 0,
    shardCount: 1,
    seed: ctx.seed(),
    serverInfo: ctx.serverInfo(0),
  }, {
    data: (id, payload) => table.replyOwned(id, payload),
    close: (id) => table.end(id),
  });

  const tick = setInterval(() => call((e) => e.tick()), TICK_MS);
  tick.unref();

  return {
    accept(socket: net.Socket) {
      if (dead) {
        socket.destroy();
        return;
      }
      table.accept(socket);
    },
    async stop() {
      dead = true;
      clearInterval(tick);
      table.destroyAll();
    },
  };
}
