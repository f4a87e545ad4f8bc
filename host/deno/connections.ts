/**
 * connections — one Deno shard worker's own client sockets (the worker accepts them itself, on a
 * listener shared by every worker through SO_REUSEPORT): reading, feeding its engine, writing replies.
 *
 * Per connection:
 *   1. accept: an id unique across workers (`shard + 1 + k·shards`), `setNoDelay`, `engine.open`.
 *   2. read loop: each read goes to `engine.feed` (the engine keeps partial frames), then the runtime
 *      publishes what that call staged for other shards and writes the replies (`flush`).
 *   3. replies: `data()` copies bytes out of the engine's memory into the connection's pending output;
 *      `flush()` queues it for writing, once per connection per engine call. One write is in flight per
 *      connection at a time; what queues meanwhile goes out as one write after it, in order.
 *   4. backpressure: while more than HIGH_WATER bytes wait to be written, the read loop stops reading
 *      until the writes drain below LOW_WATER.
 *   5. end: a CLOSE from the engine closes the socket after the queued writes; the peer going away (read
 *      answers null or fails) → `engine.close`, once, if the engine still knows the connection.
 * Socket errors never escape; an engine failure inside a callback is reported through `fatal`.
 */
import type { LocalConnections, ShardRuntime } from '../core/shard-runtime.js';

const READ_BYTES = 64 * 1024;
const HIGH_WATER = 1 << 20;
const LOW_WATER = 256 * 1024;

/** Invariant: `live` is true exactly while the engine knows this connection. */
interface DenoConn {
  readonly id: number;
  readonly socket: Deno.TcpConn;
  live: boolean;
  /** Gathered during the current engine call. */
  out: Uint8Array[];
  /** Queued for writing, and its byte count (the write in flight included). */
  queue: Uint8Array[];
  queued: number;
  writing: boolean;
  /** Close the socket once the queue is written (the engine ended the connection). */
  ending: boolean;
  /** Wakes a read loop waiting for the writes to drain. */
  drained: (() => void) | undefined;
}

export interface DenoConnections {
  readonly local: LocalConnections;
  /** Set once the runtime exists (the local connections are needed to create it). */
  attach(runtime: ShardRuntime): void;
  serve(socket: Deno.TcpConn): void;
}

function addr(a: Deno.NetAddr): string {
  return a.hostname.includes(':') ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function createDenoConnections(shard: number, shards: number, fatal: (err: unknown) => void): DenoConnections {
  const conns = new Map<number, DenoConn>();
  const touched: DenoConn[] = [];
  let runtime: ShardRuntime | undefined;
  let nextK = 0;

  /** One engine call, then publish and write; a failure is fatal to the worker. */
  function call(fn: (rt: ShardRuntime) => void): void {
    if (runtime === undefined) return;
    try {
      fn(runtime);
      runtime.flush();
    } catch (err) {
      fatal(err);
    }
  }

  async function writeQueue(c: DenoConn): Promise<void> {
    c.writing = true;
    try {
      while (c.queue.length > 0) {
        const chunk = concat(c.queue);
        c.queue = [];
        let off = 0;
        while (off < chunk.length) off += await c.socket.write(off === 0 ? chunk : chunk.subarray(off));
        c.queued -= chunk.length;
        if (c.drained !== undefined && c.queued <= LOW_WATER) {
          const wake = c.drained;
          c.drained = undefined;
          wake();
        }
      }
    } catch {
      c.queue = [];
      c.queued = 0;
      c.ending = true; // the peer is gone: the read loop sees it too
    } finally {
      c.writing = false;
      if (c.ending) close(c);
      c.drained?.();
    }
  }

  function close(c: DenoConn): void {
    conns.delete(c.id);
    try {
      c.socket.close();
    } catch {
      // already closed
    }
  }

  function gone(c: DenoConn): void {
    if (!c.live) return;
    c.live = false;
    call((rt) => rt.engine.close(c.id));
  }

  async function readLoop(c: DenoConn): Promise<void> {
    const buf = new Uint8Array(READ_BYTES);
    try {
      for (;;) {
        if (c.queued > HIGH_WATER) await new Promise<void>((resolve) => { c.drained = resolve; });
        if (!c.live) break;
        const n = await c.socket.read(buf);
        if (n === null || !c.live) break;
        call((rt) => rt.engine.feed(c.id, buf, 0, n));
      }
    } catch {
      // reset, or closed by us: either way the connection is over
    }
    gone(c);
    if (!c.writing) close(c);
    else c.ending = true;
  }

  const local: LocalConnections = {
    data(id, view) {
      const c = conns.get(id);
      if (c === undefined || c.ending) return;
      if (c.out.length === 0) touched.push(c);
      c.out.push(view.slice());
    },
    close(id) {
      const c = conns.get(id);
      if (c === undefined) return;
      c.live = false;
      c.ending = true;
      if (c.out.length > 0) local.flush();
      if (!c.writing) close(c);
    },
    flush() {
      for (let i = 0; i < touched.length; i++) {
        const c = touched[i];
        if (c.out.length === 0) continue;
        for (const part of c.out) {
          c.queue.push(part);
          c.queued += part.length;
        }
        c.out = [];
        if (!c.writing) void writeQueue(c);
      }
      touched.length = 0;
    },
  };

  return {
    local,
    attach(rt) {
      runtime = rt;
    },
    serve(socket) {
      const id = (shard + 1 + nextK++ * shards) >>> 0;
      const c: DenoConn = {
        id, socket, live: true, out: [], queue: [], queued: 0, writing: false, ending: false, drained: undefined,
      };
      conns.set(id, c);
      try {
        socket.setNoDelay(true);
      } catch {
        // not a TCP socket option here: fine
      }
      call((rt) => rt.engine.open(id, addr(socket.remoteAddr), addr(socket.localAddr)));
      void readLoop(c);
    },
  };
}
