// Consumer groups of a stream, their consumers, and the NACKs (pending entries) they share, in raw memory.
// Redis keeps groups and consumers in radix trees keyed by name, so XINFO GROUPS / CONSUMERS and XPENDING
// list them in byte order of the name (shorter first on a common prefix); a name table here is a sorted
// array of pointers, found by binary search, with the same order.
//
// Invariant: a NACK is in its group's PEL and in exactly one consumer's PEL — its `consumer`'s — under
// the same ID; acking, claiming, deleting a consumer or a group keeps both sides in step. (XCLAIM FORCE
// briefly makes a NACK with no consumer, and gives it one before the command ends.)
//
// Layouts:
//   name table [count u32][cap u32][data u32]           data: `cap` item pointers
//   group      [name u32][nameLen u32][lastMs u64][lastSeq u64][entriesRead i64][pel u32][consumers u32]
//   consumer   [name u32][nameLen u32][seenTime i64][pel u32]
//   nack       [deliveryTime i64][deliveryCount u64][consumer u32]
import { rawAlloc, rawRealloc, rawFree, rawCopy } from "../util/mem";
import { compareBytes } from "../util/bytes";
import { pelNew, pelFree, pelCount, pelValue, pelMs, pelSeq, pelRemove } from "./stream-pel";

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID: i64 = -1;

// ---- name tables ----

// @ts-ignore: decorator
@inline export function namesCount(t: usize): u32 { return load<u32>(t); }
// @ts-ignore: decorator
@inline export function namesAt(t: usize, i: u32): usize { return <usize>load<u32>(<usize>load<u32>(t, 8) + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function itemName(item: usize): usize { return <usize>load<u32>(item); }
// @ts-ignore: decorator
@inline export function itemNameLen(item: usize): u32 { return load<u32>(item, 4); }

export function namesNew(): usize {
  const t = rawAlloc(12);
  store<u32>(t, 0);
  store<u32>(t, 4, 4);
  store<u32>(t, <u32>rawAlloc(16), 8);
  return t;
}

/** The position of `name`, or -(insertion point) - 1. */
export function namesFind(t: usize, p: usize, n: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>namesCount(t) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const item = namesAt(t, <u32>mid);
    const c = compareBytes(itemName(item), itemNameLen(item), p, n);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

function namesInsertAt(t: usize, i: u32, item: usize): void {
  const n = namesCount(t);
  const cap = load<u32>(t, 4);
  if (n == cap) {
    store<u32>(t, <u32>rawRealloc(<usize>load<u32>(t, 8), <usize>(cap << 1) << 2), 8);
    store<u32>(t, cap << 1, 4);
  }
  const at = <usize>load<u32>(t, 8) + (<usize>i << 2);
  memory.copy(at + 4, at, <usize>(n - i) << 2);
  store<u32>(at, <u32>item);
  store<u32>(t, n + 1);
}

function namesRemoveAt(t: usize, i: u32): void {
  const n = namesCount(t);
  const at = <usize>load<u32>(t, 8) + (<usize>i << 2);
  memory.copy(at, at + 4, <usize>(n - i - 1) << 2);
  store<u32>(t, n - 1);
}

function namesFree(t: usize): void {
  rawFree(<usize>load<u32>(t, 8));
  rawFree(t);
}

function itemLookup(t: usize, p: usize, n: u32): usize {
  const i = namesFind(t, p, n);
  return i < 0 ? 0 : namesAt(t, <u32>i);
}

// ---- NACKs ----

// @ts-ignore: decorator
@inline export function nackTime(k: usize): i64 { return load<i64>(k); }
// @ts-ignore: decorator
@inline export function nackSetTime(k: usize, t: i64): void { store<i64>(k, t); }
// @ts-ignore: decorator
@inline export function nackCount(k: usize): u64 { return load<u64>(k, 8); }
// @ts-ignore: decorator
@inline export function nackSetCount(k: usize, n: u64): void { store<u64>(k, n, 8); }
// @ts-ignore: decorator
@inline export function nackConsumer(k: usize): usize { return <usize>load<u32>(k, 16); }
// @ts-ignore: decorator
@inline export function nackSetConsumer(k: usize, c: usize): void { store<u32>(k, <u32>c, 16); }

/** A NACK delivered now, once, to `consumer` (0 for XCLAIM FORCE's ownerless one). */
export function nackNew(consumer: usize, now: i64): usize {
  const k = rawAlloc(24);
  store<i64>(k, now);
  store<u64>(k, 1, 8);
  store<u32>(k, <u32>consumer, 16);
  store<u32>(k, 0, 20);
  return k;
}

export function nackFree(k: usize): void { rawFree(k); }

// ---- consumers ----

// @ts-ignore: decorator
@inline export function consumerSeen(c: usize): i64 { return load<i64>(c, 8); }
// @ts-ignore: decorator
@inline export function consumerSetSeen(c: usize, t: i64): void { store<i64>(c, t, 8); }
// @ts-ignore: decorator
@inline export function consumerPel(c: usize): usize { return <usize>load<u32>(c, 16); }

function consumerNew(p: usize, n: u32, now: i64): usize {
  const c = rawAlloc(20);
  store<u32>(c, <u32>rawCopy(p, n));
  store<u32>(c, n, 4);
  store<i64>(c, now, 8);
  store<u32>(c, <u32>pelNew(), 16);
  return c;
}

function consumerFree(c: usize): void {
  pelFree(consumerPel(c));
  rawFree(itemName(c));
  rawFree(c);
}

// ---- groups ----

// @ts-ignore: decorator
@inline export function groupLastMs(g: usize): u64 { return load<u64>(g, 8); }
// @ts-ignore: decorator
@inline export function groupLastSeq(g: usize): u64 { return load<u64>(g, 16); }
// @ts-ignore: decorator
@inline export function groupSetLast(g: usize, ms: u64, seq: u64): void { store<u64>(g, ms, 8); store<u64>(g, seq, 16); }
// @ts-ignore: decorator
@inline export function groupEntriesRead(g: usize): i64 { return load<i64>(g, 24); }
// @ts-ignore: decorator
@inline export function groupSetEntriesRead(g: usize, v: i64): void { store<i64>(g, v, 24); }
// @ts-ignore: decorator
@inline export function groupPel(g: usize): usize { return <usize>load<u32>(g, 32); }
// @ts-ignore: decorator
@inline export function groupConsumers(g: usize): usize { return <usize>load<u32>(g, 36); }

/** A new group in table `t`; 0 when the name is taken. */
export function groupCreate(t: usize, p: usize, n: u32, ms: u64, seq: u64, entriesRead: i64): usize {
  const i = namesFind(t, p, n);
  if (i >= 0) return 0;
  const g = rawAlloc(40);
  store<u32>(g, <u32>rawCopy(p, n));
  store<u32>(g, n, 4);
  groupSetLast(g, ms, seq);
  groupSetEntriesRead(g, entriesRead);
  store<u32>(g, <u32>pelNew(), 32);
  store<u32>(g, <u32>namesNew(), 36);
  namesInsertAt(t, <u32>(-i - 1), g);
  return g;
}

export function groupLookup(t: usize, p: usize, n: u32): usize { return itemLookup(t, p, n); }

function groupFree(g: usize): void {
  const pel = groupPel(g);
  for (let i: u32 = 0; i < pelCount(pel); i++) nackFree(pelValue(pel, i));
  pelFree(pel);
  const cs = groupConsumers(g);
  for (let i: u32 = 0; i < namesCount(cs); i++) consumerFree(namesAt(cs, i));
  namesFree(cs);
  rawFree(itemName(g));
  rawFree(g);
}

/** XGROUP DESTROY: removes and frees group `name`; false when there was none. */
export function groupDestroy(t: usize, p: usize, n: u32): bool {
  const i = namesFind(t, p, n);
  if (i < 0) return false;
  const g = namesAt(t, <u32>i);
  namesRemoveAt(t, <u32>i);
  groupFree(g);
  return true;
}

/** Frees a stream's whole group table. */
export function groupsFree(t: usize): void {
  for (let i: u32 = 0; i < namesCount(t); i++) groupFree(namesAt(t, i));
  namesFree(t);
}

export function consumerLookup(g: usize, p: usize, n: u32): usize { return itemLookup(groupConsumers(g), p, n); }

/** A new consumer seen now; 0 when the name is taken. */
export function consumerCreate(g: usize, p: usize, n: u32, now: i64): usize {
  const t = groupConsumers(g);
  const i = namesFind(t, p, n);
  if (i >= 0) return 0;
  const c = consumerNew(p, n, now);
  namesInsertAt(t, <u32>(-i - 1), c);
  return c;
}

/**
 * XGROUP DELCONSUMER: drops the consumer and its pending entries (from the group's PEL too); returns
 * how many it had, or -1 when there was no such consumer.
 */
export function consumerDelete(g: usize, p: usize, n: u32): i64 {
  const t = groupConsumers(g);
  const i = namesFind(t, p, n);
  if (i < 0) return -1;
  const c = namesAt(t, <u32>i);
  const pel = consumerPel(c);
  const pending = pelCount(pel);
  for (let k: u32 = 0; k < pending; k++) {
    pelRemove(groupPel(g), pelMs(pel, k), pelSeq(pel, k));
    nackFree(pelValue(pel, k));
  }
  namesRemoveAt(t, <u32>i);
  consumerFree(c);
  return pending;
}
