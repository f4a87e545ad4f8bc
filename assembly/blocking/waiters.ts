// The target side of blocking: who waits on which key of this shard, in the order they came (docs/blocking.md).
// A waiter is one blocked command of some origin shard (this one included), known by (origin, seq); it has
// one registration per key it waits on here, queued behind the earlier waiters of that key.
//
// This shard never decides who gets served: it tells the waiter at the head of a key's queue that the key
// is READY, and pops only when that waiter's origin asks (SERVE). FIFO per key holds across shards:
//   - a key with n units available notifies its first idle waiters, at most n at a time;
//   - SERVE requests run strictly in queue order: one from a waiter behind a notified waiter that has not
//     answered yet waits until that one is served, asks for nothing (empty) or is disarmed.
// Nothing here runs while the shard is locked by a transaction: pops wait until EXEC completes.
import { ByteBuf } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { hashBytes } from "../util/hash";
import { shardIndex } from "../shard/server-info";
import { sendBody, M_READY } from "../shard/messages";
import { lockHeld } from "../shard/lock";
import { unitsAvailable, isConsuming, armArg } from "./kinds";
import { executeServe } from "./serve";
import { traceKey, isTracing } from "./trace";

export const REG_IDLE: u8 = 0;
/** Told READY; its origin owes a SERVE or a DISARM. */
export const REG_NOTIFIED: u8 = 1;
/** Its origin asked for a serve; it runs when every waiter ahead has answered. */
export const REG_SERVE: u8 = 2;

export class Registration {
  state: u8 = REG_IDLE;
  /** What this waiter waits for on this key beyond "data" (kinds.ts): a stream ID …; empty for lists. */
  readonly arg: ByteBuf = new ByteBuf();
  /** The SERVE asked for the client's protocol (RESP3). */
  serveResp3: bool = false;
  /** The SERVE's argv ([key, how…] as `[len u32][bytes]…`) and attempt number, while REG_SERVE. */
  readonly serveArgs: ByteBuf = new ByteBuf();
  serveAttempt: u32 = 0;
  constructor(readonly waiter: Waiter, readonly queue: KeyQueue) {}
}

export class Waiter {
  readonly regs: Array<Registration> = new Array<Registration>();
  /** Served here without asking (no READY, no SERVE): the serve's arguments after the key, as
   *  `[len u32][bytes]…`, when every key of the waiter lives on this shard and a serve can be given back
   *  (a pop, a read) — there is no choice for its origin to make. Null: the origin chooses. */
  direct: ByteBuf | null = null;
  directResp3: bool = false;
  constructor(readonly origin: u32, readonly seq: u32, readonly conn: u32, readonly kind: u8) {}
}

/** Lets this shard serve waiter `w` on its own (see Waiter.direct) with these serve arguments. */
export function serveDirectly(w: Waiter, how: Array<ByteBuf>, resp3: bool): void {
  const b = new ByteBuf();
  for (let i = 0; i < how.length; i++) {
    const a = unchecked(how[i]);
    b.reserve(4 + a.len);
    store<u32>(b.ptr + b.len, a.len);
    memory.copy(b.ptr + b.len + 4, a.ptr, a.len);
    b.len += 4 + a.len;
  }
  w.direct = b;
  w.directResp3 = resp3;
}

export class KeyQueue {
  readonly key: ByteBuf;
  readonly regs: Array<Registration> = new Array<Registration>();
  /** In `readyQueues`, waiting for `serveReadyKeys`. */
  ready: bool = false;
  /** Forgotten (no waiters left): a new queue is made if someone waits on the key again. */
  dropped: bool = false;
  constructor(key: usize, len: u32, readonly hash: u32) {
    this.key = new ByteBuf();
    this.key.append(key, len);
  }
}

const HASH_SEED: u32 = 0x2f1b7c35;
const queuesByHash = new Map<u32, Array<KeyQueue>>();
const waiters = new Map<u64, Waiter>();
const readyQueues = new Array<KeyQueue>();
let queueCount: i32 = 0;

function waiterKey(origin: u32, seq: u32): u64 { return (<u64>origin << 32) | seq; }

export function waiterCount(): i32 { return waiters.size; }
export function keyQueueCount(): i32 { return queueCount; }

function findQueue(key: usize, len: u32, hash: u32): KeyQueue | null {
  if (!queuesByHash.has(hash)) return null;
  const list = queuesByHash.get(hash);
  for (let i = 0; i < list.length; i++) {
    const q = unchecked(list[i]);
    if (bytesEqual(q.key.ptr, q.key.len, key, len)) return q;
  }
  return null;
}

function queueFor(key: usize, len: u32): KeyQueue {
  const hash = hashBytes(key, len, HASH_SEED);
  const found = findQueue(key, len, hash);
  if (found != null) return found;
  const q = new KeyQueue(key, len, hash);
  if (!queuesByHash.has(hash)) queuesByHash.set(hash, new Array<KeyQueue>());
  queuesByHash.get(hash).push(q);
  queueCount++;
  return q;
}

function dropQueueIfEmpty(q: KeyQueue): void {
  if (q.regs.length > 0 || q.dropped) return;
  q.dropped = true;
  const list = queuesByHash.get(q.hash);
  const i = list.indexOf(q);
  if (i >= 0) list.splice(i, 1);
  if (list.length == 0) queuesByHash.delete(q.hash);
  q.key.release();
  queueCount--;
}

function markReady(q: KeyQueue): void {
  if (q.ready) return;
  q.ready = true;
  readyQueues.push(q);
}

// ---- registering and forgetting waiters ----

/** Registers waiter (origin, seq) of connection `conn` on `keys`, behind everyone already waiting. */
export function armWaiter(origin: u32, seq: u32, conn: u32, kind: u8, keys: Array<ByteBuf>,
                          args: Array<ByteBuf>): Waiter {
  const w = new Waiter(origin, seq, conn, kind);
  waiters.set(waiterKey(origin, seq), w);
  for (let i = 0; i < keys.length; i++) {
    const k = unchecked(keys[i]);
    const q = queueFor(k.ptr, k.len);
    if (hasRegistration(w, q)) continue; // BLPOP k k waits once on k
    const r = new Registration(w, q);
    const a = unchecked(args[i]);
    armArg(kind, k.ptr, k.len, a.ptr, a.len, r.arg);
    q.regs.push(r);
    w.regs.push(r);
    if (isTracing()) traceKey("arm", origin, conn, seq, q.key.ptr, q.key.len, q.regs.length, -1, queueConns(q));
    // The key may hold data already (a message raced the arm): let the pump look.
    markReady(q);
  }
  return w;
}

function hasRegistration(w: Waiter, q: KeyQueue): bool {
  for (let i = 0; i < w.regs.length; i++) if (unchecked(w.regs[i]).queue === q) return true;
  return false;
}

export function findWaiter(origin: u32, seq: u32): Waiter | null {
  const k = waiterKey(origin, seq);
  return waiters.has(k) ? waiters.get(k) : null;
}

/** Forgets a waiter everywhere on this shard; queues it was holding up get another look. */
export function removeWaiter(w: Waiter): void {
  waiters.delete(waiterKey(w.origin, w.seq));
  const d = w.direct;
  if (d != null) d.release();
  for (let i = 0; i < w.regs.length; i++) {
    const r = unchecked(w.regs[i]);
    const q = r.queue;
    const at = q.regs.indexOf(r);
    if (at >= 0) q.regs.splice(at, 1);
    r.serveArgs.release();
    r.arg.release();
    if (r.state != REG_IDLE) markReady(q);
    dropQueueIfEmpty(q);
  }
  w.regs.length = 0;
}

/** DISARM: the origin is done with this waiter (served elsewhere, timed out, gone). */
export function disarmWaiter(origin: u32, seq: u32): void {
  const w = findWaiter(origin, seq);
  if (w == null) return;
  if (isTracing()) {
    for (let i = 0; i < w.regs.length; i++) {
      const q = unchecked(w.regs[i]).queue;
      traceKey("disarm", origin, w.conn, seq, q.key.ptr, q.key.len, 0, -1, queueConns(q, w));
    }
  }
  removeWaiter(w);
}

/** SERVE: the origin picked `key` for waiter (origin, seq); runs when its turn comes. */
export function serveRequested(origin: u32, seq: u32, attempt: u32, resp3: bool, argv: usize, argvLen: u32): bool {
  const w = findWaiter(origin, seq);
  if (w == null) return false;
  const keyLen = load<u32>(argv);
  for (let i = 0; i < w.regs.length; i++) {
    const r = unchecked(w.regs[i]);
    if (!bytesEqual(r.queue.key.ptr, r.queue.key.len, argv + 4, keyLen)) continue;
    r.state = REG_SERVE;
    r.serveAttempt = attempt;
    r.serveResp3 = resp3;
    r.serveArgs.len = 0;
    r.serveArgs.append(argv, argvLen);
    markReady(r.queue);
    return true;
  }
  return false;
}

// ---- readiness ----

/** A write touched `key` (keyspace hook): if someone waits on it, look at it after the command. */
export function keyTouched(key: usize, len: u32): void {
  if (queueCount == 0) return;
  const q = findQueue(key, len, hashBytes(key, len, HASH_SEED));
  if (q != null) markReady(q);
}

export function readyPending(): bool { return readyQueues.length > 0 && !lockHeld(); }

/** After a command (or a transaction) completes: notify and serve in every queue that may move. */
export function serveReadyKeys(): void {
  while (readyQueues.length > 0 && !lockHeld()) {
    const q = readyQueues.shift();
    q.ready = false;
    if (!q.dropped) pumpQueue(q);
  }
}

function pumpQueue(q: KeyQueue): void {
  // Consuming kinds (a pop takes what the next waiter would get) serve in queue order, at most as many
  // waiters at a time as there are units; a reading kind (XREAD) serves every waiter that has data.
  // Waiters compete only within their line: the same kind and argument (one consumer group's readers).
  lines.length = 0;
  outstanding.length = 0;
  waitingAhead.length = 0;
  let i = 0;
  while (i < q.regs.length) {
    const r = unchecked(q.regs[i]);
    const consuming = isConsuming(r.waiter.kind);
    const line = consuming ? lineOf(r) : -1;
    if (r.state == REG_SERVE) {
      if (line >= 0 && waitingAhead[line]) { outstanding[line]++; i++; continue; }
      if (serveNow(r)) continue; // the waiter left every queue, this one included
      i++;
      continue;
    }
    if (r.state == REG_NOTIFIED) {
      if (line >= 0) { waitingAhead[line] = true; outstanding[line]++; }
    } else if (unitsFor(r) > (line >= 0 ? outstanding[line] : 0)) {
      if (r.waiter.direct != null) { serveWithoutAsking(r); continue; } // now REG_SERVE: handled above
      notify(r);
      if (line >= 0) { waitingAhead[line] = true; outstanding[line]++; }
    }
    i++;
  }
  if (q.regs.length == 0) dropQueueIfEmpty(q);
}

/** The lines met in the queue being pumped: a registration standing for each, its counts. */
const lines = new Array<Registration>();
const outstanding = new Array<i64>();
const waitingAhead = new Array<bool>();

function lineOf(r: Registration): i32 {
  for (let i = 0; i < lines.length; i++) {
    const o = unchecked(lines[i]);
    if (o.waiter.kind == r.waiter.kind && bytesEqual(o.arg.ptr, o.arg.len, r.arg.ptr, r.arg.len)) return i;
  }
  lines.push(r);
  outstanding.push(0);
  waitingAhead.push(false);
  return lines.length - 1;
}

function unitsFor(r: Registration): i64 {
  const q = r.queue;
  return unitsAvailable(r.waiter.kind, q.key.ptr, q.key.len, r.arg.ptr, r.arg.len);
}

/** A waiter the origin has no choice to make for: its serve is requested here, as SERVE would (attempt 0). */
function serveWithoutAsking(r: Registration): void {
  const q = r.queue;
  const how = r.waiter.direct!;
  r.state = REG_SERVE;
  r.serveAttempt = 0;
  r.serveResp3 = r.waiter.directResp3;
  r.serveArgs.len = 0;
  r.serveArgs.reserve(4 + q.key.len + how.len);
  store<u32>(r.serveArgs.ptr, q.key.len);
  memory.copy(r.serveArgs.ptr + 4, q.key.ptr, q.key.len);
  memory.copy(r.serveArgs.ptr + 4 + q.key.len, how.ptr, how.len);
  r.serveArgs.len = 4 + q.key.len + how.len;
}

function notify(r: Registration): void {
  r.state = REG_NOTIFIED;
  const w = r.waiter;
  const q = r.queue;
  if (isTracing()) traceKey("ready", w.origin, w.conn, w.seq, q.key.ptr, q.key.len, q.regs.indexOf(r), -1, queueConns(q));
  sendBody(w.origin, M_READY, 0, w.seq, 0, w.conn, false, 0, q.key.ptr, q.key.len);
}

/** Runs a requested serve; true when it took something (the waiter is then gone from this shard). */
function serveNow(r: Registration): bool {
  const w = r.waiter;
  const served = executeServe(w.origin, w.seq, w.conn, r.serveAttempt, r.serveResp3, r.serveArgs.ptr,
                              r.serveArgs.len, r.arg.ptr, r.arg.len);
  if (isTracing()) {
    const q = r.queue;
    traceKey(served ? "served" : "empty", w.origin, w.conn, w.seq, q.key.ptr, q.key.len, 0, -1,
             queueConns(q, served ? w : null));
  }
  if (served) {
    removeWaiter(w);
    return true;
  }
  r.state = REG_IDLE;
  r.serveArgs.len = 0;
  return false;
}

/** The connection ids waiting on `q`, in queue order (trace events). */
export function queueConns(q: KeyQueue, leaving: Waiter | null = null): Array<u32> {
  const out = new Array<u32>();
  if (q.dropped) return out;
  for (let i = 0; i < q.regs.length; i++) {
    const w = unchecked(q.regs[i]).waiter;
    if (w !== leaving) out.push(w.conn);
  }
  return out;
}

/** Is this shard the origin of waiter `w`? */
export function isLocal(w: Waiter): bool { return w.origin == shardIndex; }
