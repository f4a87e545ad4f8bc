/**
 * shard-runtime — one shard in the thread that runs it: its engine, the rings into and out of it, and
 * where its connections' replies go. Web-standard APIs only: Node workers, the Node main thread, Deno
 * workers and (later) browser workers all run shards through this file.
 *
 * Owns: the engine's outbox routing and one drain of everything waiting for the shard.
 *   - MSG records → `ring(shard, target)` through the thread's backlog (message-link.ts), so a full ring
 *     never blocks or drops and each (from, to) pair stays FIFO;
 *   - DATA / CLOSE records → either the thread's own sockets (`local`: Deno workers, the Node main thread
 *     in the main-shard design) or frames on `ring(shard, io)` to the I/O endpoint (io-frames.ts);
 *   - `pump()`: every frame from the I/O endpoint first (OPEN → open, DATA → feed, CLOSE → close), then
 *     for each shard ring into this one, one `deliver` with every published message (written
 *     straight into the instance). After each engine call, `flush()` publishes: one commit per touched ring per
 *     engine call, never one per message, and `local.flush()` writes each connection's replies once.
 *   - the 10 Hz `tick`.
 *   - with an `observer` (the browser demo): every message sent is reported, and inbound messages go
 *     through message-hold.ts (held for the observer's delay, reported, then delivered); TRACE records
 *     go to the observer. Without one, the zero-copy paths above are used and nothing is reported.
 * It does not own the loop that decides when to pump or sleep (loop.ts), the sockets, or the mesh layout.
 * Connection ids are the host's: unique across shards; the engine ignores bytes for ids it has closed.
 */
import { OUT_MSG, instantiateEngineCore, type Engine } from './engine-core.js';
import { createBacklog, type Ring, type WakeReason } from './ring.js';
import type { Mesh } from './mesh-memory.js';
import { createMessageReader, sendMessage, type MessageReader } from './message-link.js';
import { createHeldInbound, type HeldInbound, type ShardObserver } from './message-hold.js';
import { IO_CLOSE, IO_DATA, IO_OPEN, createFrameReader, createFrameWriter, type FrameWriter } from './io-frames.js';

/** The thread's own connections (sockets in this thread). */
export interface LocalConnections {
  /** Reply bytes for `conn`; `view` is valid only during the call (copy it, or write it at once). */
  data(conn: number, view: Uint8Array): void;
  /** The engine ended `conn`: close it after what was written before. */
  close(conn: number): void;
  /** Called after every engine call: write what `data` gathered, once per connection. */
  flush(): void;
}

export interface ShardRuntimeOptions {
  mesh: Mesh;
  /** This shard's index, which is also its endpoint number in the mesh. */
  shard: number;
  shards: number;
  module: WebAssembly.Module;
  seed: number;
  serverInfo?: Readonly<Record<string, string | number>>;
  /** The endpoint whose rings carry this shard's connections (the I/O thread), if any. */
  ioEndpoint?: number;
  /** This thread's own sockets, if any. (A shard with neither only serves other shards.) */
  local?: LocalConnections;
  /** Watches (and may slow) this shard's cross-shard traffic: the browser demo. */
  observer?: ShardObserver;
}

export interface ShardRuntime {
  readonly shard: number;
  /** For local connections: call open/feed/close, then `flush()`. */
  readonly engine: Engine;
  /** Publishes what the last engine call staged (one commit per ring) and writes local replies. */
  flush(): void;
  /** Drains everything waiting for this shard into the engine. True if anything was there. */
  pump(): boolean;
  /** Runs the tick if it is due; answers the ms until the next one (or until a held message is due). */
  timers(now: number): number;
  /** How long an idle loop may sleep: short while records wait in the backlog for room. */
  idleLimitMs(): number;
  /** Sleeps on this shard's doorbell (see Mesh.sleep). */
  sleep(timeoutMs: number): Promise<WakeReason>;
}

const TICK_MS = 100;
/** Poll interval while the backlog holds records: the consumer frees room without telling us. */
const BACKLOG_RETRY_MS = 1;

export function createShardRuntime(options: ShardRuntimeOptions): ShardRuntime {
  const { mesh, shard, shards, ioEndpoint, local, observer } = options;
  const backlog = createBacklog();
  const toShard: Ring[] = [];
  const readers: MessageReader[] = [];
  const held: HeldInbound[] = []; // with an observer: one per reader, in the same order
  for (let s = 0; s < shards; s++) {
    if (s === shard) continue;
    toShard[s] = mesh.ring(shard, s);
    const reader = createMessageReader(mesh.ring(s, shard), s);
    readers.push(reader);
    if (observer !== undefined) held.push(createHeldInbound(reader, s, observer));
  }
  const io: FrameWriter | undefined = ioEndpoint === undefined
    ? undefined
    : createFrameWriter(mesh.ring(shard, ioEndpoint), backlog);

  const engine = instantiateEngineCore(options.module, {
    shardIndex: shard,
    shardCount: shards,
    seed: options.seed,
    serverInfo: options.serverInfo,
  }, {
    data() {
      throw new Error('unreachable: dataView is set');
    },
    dataView: local !== undefined
      ? (conn, view) => local.data(conn, view)
      : (conn, view) => io?.frame(conn, IO_DATA, view),
    close: local !== undefined
      ? (conn) => local.close(conn)
      : (conn) => io?.frame(conn, IO_CLOSE),
    other(kind, target, payload) {
      if (kind !== OUT_MSG) throw new Error(`shard ${shard}: unknown outbox record kind ${kind}`);
      const ring = toShard[target];
      if (ring === undefined) throw new Error(`shard ${shard}: message for shard ${target} of ${shards}`);
      observer?.sent(target, payload);
      sendMessage(backlog, ring, payload);
    },
    trace: observer?.trace === undefined ? undefined : (record) => observer.trace!(record),
  });

  function flush(): void {
    if (io !== undefined) io.commit();
    backlog.flush(); // commits every outbound ring it has touched; moves backlogged records that fit now
    if (io !== undefined) io.refresh();
    if (local !== undefined) local.flush();
  }

  const latin1 = new TextDecoder('latin1');
  const readIo = ioEndpoint === undefined ? undefined : createFrameReader(mesh.ring(ioEndpoint, shard),
    (conn, kind, bytes, start, end) => {
      if (kind === IO_DATA) {
        engine.feed(conn, bytes, start, end);
      } else if (kind === IO_OPEN) {
        // A copy: browsers' TextDecoder refuses views of a SharedArrayBuffer (the ring).
        const text = latin1.decode(bytes.slice(start, end));
        const nl = text.indexOf('\n');
        engine.open(conn, nl < 0 ? text : text.slice(0, nl), nl < 0 ? '' : text.slice(nl + 1));
      } else if (kind === IO_CLOSE) {
        engine.close(conn);
      } else {
        throw new Error(`shard ${shard}: unknown I/O frame kind ${kind}`);
      }
      flush();
    });

  let nextTick = Date.now() + TICK_MS;

  return {
    shard,
    engine,
    flush,
    pump() {
      // Sockets' frames first: a connection's close then reaches the engine before messages that other
      // shards sent after it (a push must not serve a blocked client that already left).
      let worked = readIo !== undefined && readIo() > 0;
      for (let i = 0; i < readers.length; i++) {
        if (observer !== undefined ? held[i].pump(engine, Date.now()) : readers[i].drainInto(engine)) {
          worked = true;
          flush();
        }
      }
      if (backlog.pending() > 0) flush();
      return worked;
    },
    timers(now) {
      if (now >= nextTick) {
        engine.tick();
        flush();
        nextTick = now + TICK_MS;
      }
      let next = nextTick;
      for (let i = 0; i < held.length; i++) next = Math.min(next, held[i].nextDue());
      return next - now;
    },
    idleLimitMs() {
      return backlog.pending() > 0 ? BACKLOG_RETRY_MS : Infinity;
    },
    sleep(timeoutMs) {
      return mesh.sleep(shard, timeoutMs);
    },
  };
}
