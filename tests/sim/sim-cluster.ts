/**
 * sim-cluster — N shard engines in one thread under a seeded scheduler (DESIGN.md, Testing).
 *
 * Owns: the engines (real build/shard.wasm instances), one FIFO queue per ordered pair of shards standing
 * in for the rings, a simulated clock, and virtual client connections. The scheduler, driven by a seeded
 * PRNG, decides everything that the real runtime leaves to timing: which pair's queue delivers next and
 * how many of its messages in one batch, when a client's bytes arrive and in how many pieces, when
 * connections close, when time passes. FIFO per pair is the one property the real rings guarantee, so it
 * is the one property kept; every other order is fair game.
 *
 * A test builds a cluster for a seed, drives clients through `send`/`await`-free steps, calls `settle()`
 * to deliver everything, and checks invariants. Any failure message carries the seed for replay.
 */
import { instantiateEngine, loadModule, OUT_MSG, type Engine } from '../../host/core/engine.js';
import { decode, type RespValue } from '../../host/core/resp-reader.js';

/** mulberry32: small, fast, good enough for scheduling decisions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimClient {
  readonly id: number;
  readonly shard: number;
  /** Bytes received and not yet taken as replies. */
  inbox: Buffer;
  /** Replies decoded so far, in order. */
  replies: RespValue[];
  closedByServer: boolean;
  closedByClient: boolean;
}

export interface SimCluster {
  readonly shards: number;
  readonly random: () => number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  connect(shard?: number): SimClient;
  /** Client bytes arrive, possibly split into several reads. */
  send(client: SimClient, bytes: Buffer): void;
  close(client: SimClient): void;
  /** Delivers one random batch of pending messages; false when none is pending. */
  step(): boolean;
  /** Delivers messages until none is pending (with occasional ticks). */
  settle(maxSteps?: number): void;
  /** Takes whatever complete replies a client has received. */
  drain(client: SimClient): RespValue[];
  pending(): number;
  advance(ms: number): void;
  readonly log: string[];
}

let modulePromise: Promise<WebAssembly.Module> | undefined;
export function engineModule(): Promise<WebAssembly.Module> {
  modulePromise ??= loadModule();
  return modulePromise;
}

export function createSimCluster(module: WebAssembly.Module, shards: number, seed: number): SimCluster {
  const random = rng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  let now = 1_700_000_000_000;
  const clock = (): number => now;
  const clients = new Map<number, SimClient>();
  /** queues[from][to]: messages waiting to be delivered, FIFO. */
  const queues: Buffer[][][] = [];
  const engines: Engine[] = [];
  const log: string[] = [];
  let nextId = 1;

  for (let i = 0; i < shards; i++) {
    queues.push([]);
    for (let j = 0; j < shards; j++) queues[i].push([]);
  }
  for (let i = 0; i < shards; i++) {
    const from = i;
    engines.push(instantiateEngine(module, { shardIndex: i, shardCount: shards, seed: seed ^ (i * 7919), clock }, {
      data(conn, payload) {
        const c = clients.get(conn);
        if (c && !c.closedByClient) c.inbox = c.inbox.length ? Buffer.concat([c.inbox, payload]) : payload;
      },
      close(conn) {
        const c = clients.get(conn);
        if (c) c.closedByServer = true;
      },
      // With KEVY_SIM_TRACE, the engine's own trace of the blocking arbiter is printed too.
      ...(TRACE ? { trace(record: Uint8Array) { console.log(`    ${Buffer.from(record).toString()}`); } } : {}),
      other(kind, to, payload) {
        if (kind !== OUT_MSG) throw new Error(`sim: unexpected outbox record kind ${kind}`);
        queues[from][to].push(Buffer.from(payload));
      },
    }));
  }

  function pending(): number {
    let n = 0;
    for (const row of queues) for (const q of row) n += q.length;
    return n;
  }

  function step(): boolean {
    const candidates: [number, number][] = [];
    for (let i = 0; i < shards; i++) for (let j = 0; j < shards; j++) if (queues[i][j].length) candidates.push([i, j]);
    if (candidates.length === 0) return false;
    const [from, to] = candidates[int(candidates.length)];
    const q = queues[from][to];
    const count = 1 + int(Math.min(q.length, 4));
    const batch = q.splice(0, count);
    let size = 0;
    for (const m of batch) size += 4 + m.length;
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    for (const m of batch) {
      bytes.writeUInt32LE(m.length, at);
      m.copy(bytes, at + 4);
      at += 4 + m.length;
    }
    if (int(8) === 0) now += int(3);
    if (TRACE) for (const m of batch) console.log(`  ${from}→${to} ${describeMessage(m)}`);
    engines[to].deliver(from, bytes);
    return true;
  }

  return {
    shards,
    random,
    int,
    log,
    connect(shard?: number): SimClient {
      const c: SimClient = {
        id: nextId++, shard: shard ?? int(shards), inbox: Buffer.alloc(0), replies: [],
        closedByServer: false, closedByClient: false,
      };
      clients.set(c.id, c);
      engines[c.shard].open(c.id, `127.0.0.1:${40000 + c.id}`, '127.0.0.1:6379');
      if (TRACE) console.log(`client ${c.id} on shard ${c.shard}`);
      return c;
    },
    send(client, bytes) {
      if (client.closedByClient || client.closedByServer) return;
      let at = 0;
      while (at < bytes.length) {
        const piece = int(4) === 0 ? 1 + int(Math.max(1, bytes.length - at)) : bytes.length - at;
        if (TRACE) console.log(`client ${client.id} sends ${JSON.stringify(bytes.subarray(at, at + piece).toString('latin1').replace(/\*\d+\r\n|\$\d+\r\n/g, '').replace(/\r\n/g, ' '))}`);
        engines[client.shard].feed(client.id, bytes.subarray(at, at + piece));
        at += piece;
        // Other shards' messages may be delivered between two reads of one client.
        if (int(3) === 0) step();
      }
    },
    close(client) {
      if (client.closedByClient) return;
      client.closedByClient = true;
      if (!client.closedByServer) engines[client.shard].close(client.id);
    },
    step,
    settle(maxSteps = 1_000_000) {
      let steps = 0;
      while (step()) {
        if (++steps > maxSteps) throw new Error(`sim seed ${seed}: messages still flowing after ${maxSteps} steps`);
        if (int(64) === 0) { now += 100; for (const e of engines) e.tick(); }
      }
    },
    drain(client) {
      const out: RespValue[] = [];
      let at = 0;
      for (;;) {
        const r = decode(client.inbox, at);
        if (!r) break;
        out.push(r.value);
        at = r.end;
      }
      client.inbox = client.inbox.subarray(at);
      client.replies.push(...out);
      return out;
    },
    pending,
    advance(ms) {
      now += ms;
      for (const e of engines) e.tick();
    },
  };
}

const TRACE = !!process.env.KEVY_SIM_TRACE;
const TYPES = ['?', 'REQ', 'REP', 'LOCK', 'LOCKED', 'UNLOCK', 'DIRTY', 'UNWATCH'];

/** One message in words (docs/runtime.md header layout), for tracing a seed. */
export function describeMessage(m: Buffer): string {
  const type = TYPES[m[0]] ?? String(m[0]);
  const head = `${type} op=${m.readUInt32LE(4)} part=${m.readUInt32LE(8)} conn=${m.readUInt32LE(12)} ` +
    `holder=${m.readUInt32LE(16)} flags=${m[1]}`;
  if (m[0] === 1) {
    const argc = m.readUInt32LE(20);
    const args: string[] = [];
    let at = 24;
    for (let i = 0; i < argc; i++) {
      const len = m.readUInt32LE(at);
      args.push(m.subarray(at + 4, at + 4 + len).toString('latin1').replace(/\0/g, '\\0'));
      at += 4 + len;
    }
    return `${head} [${args.join(' ')}]`;
  }
  if (m[0] === 2) return `${head} ${JSON.stringify(m.subarray(20).toString('latin1'))}`;
  return head;
}

/** A RESP2 multibulk request. */
export function cmd(...args: (string | number)[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return Buffer.from(out);
}

/** A reply as a plain comparable string: bulk → text, error → `ERR…` prefixed with '!', nil → null. */
export function show(v: RespValue): unknown {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (v instanceof Error) return '!' + v.message;
  if (Array.isArray(v)) return v.map(show);
  return v;
}
