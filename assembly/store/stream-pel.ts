// A pending entries list: stream IDs in order, each with a u32 value (the NACK's address), in raw memory.
// Redis keeps a PEL as a radix tree keyed by the big-endian ID; we keep a sorted array of fixed records,
// found by binary search. Entries arrive in ID order almost always (XREADGROUP delivers ascending IDs),
// so inserting is an append; acks come mostly in delivery order, so the array keeps a head offset and a
// removal shifts the shorter side (the first record goes in O(1)). An out-of-order insert (XCLAIM, a
// group moved back by XGROUP SETID) shifts the tail with one memory.copy. A consumer group has one PEL for
// all its pending entries, and each consumer one for its own; both point at the same NACKs
// (stream-groups.ts).
//
// Layout: [count u32][cap u32][data u32][head u32]; data: `cap` records [ms u64][seq u64][value u32]
// [pad u32], the live ones at head … head+count-1.
import { rawAlloc, rawFree } from "../util/mem";
import { idCompare } from "./stream-id";

const REC: u32 = 24;

// @ts-ignore: decorator
@inline export function pelCount(p: usize): u32 { return load<u32>(p); }
// @ts-ignore: decorator
@inline function data(p: usize): usize { return <usize>load<u32>(p, 8); }
// @ts-ignore: decorator
@inline function head(p: usize): u32 { return load<u32>(p, 12); }
// @ts-ignore: decorator
@inline function rec(p: usize, i: u32): usize { return data(p) + <usize>(head(p) + i) * REC; }
// @ts-ignore: decorator
@inline export function pelMs(p: usize, i: u32): u64 { return load<u64>(rec(p, i)); }
// @ts-ignore: decorator
@inline export function pelSeq(p: usize, i: u32): u64 { return load<u64>(rec(p, i), 8); }
// @ts-ignore: decorator
@inline export function pelValue(p: usize, i: u32): usize { return <usize>load<u32>(rec(p, i), 16); }

export function pelNew(): usize {
  const p = rawAlloc(16);
  store<u32>(p, 0);
  store<u32>(p, 4, 4);
  store<u32>(p, <u32>rawAlloc(4 * REC), 8);
  store<u32>(p, 0, 12);
  return p;
}

export function pelFree(p: usize): void {
  rawFree(data(p));
  rawFree(p);
}

/** The position of the first record with ID ≥ (ms, seq) (pelCount when none). */
export function pelLowerBound(p: usize, ms: u64, seq: u64): u32 {
  let lo: u32 = 0;
  let hi = pelCount(p);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idCompare(pelMs(p, mid), pelSeq(p, mid), ms, seq) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The position of (ms, seq), or -1. */
export function pelFind(p: usize, ms: u64, seq: u64): i32 {
  const i = pelLowerBound(p, ms, seq);
  if (i < pelCount(p) && pelMs(p, i) == ms && pelSeq(p, i) == seq) return <i32>i;
  return -1;
}

/** The value stored under (ms, seq), or 0. */
export function pelGet(p: usize, ms: u64, seq: u64): usize {
  const i = pelFind(p, ms, seq);
  return i < 0 ? 0 : pelValue(p, <u32>i);
}

/** Inserts (ms, seq) → value; false (nothing changed) when the ID is already there. */
export function pelInsert(p: usize, ms: u64, seq: u64, value: usize): bool {
  const n = pelCount(p);
  let i = n;
  if (n > 0 && idCompare(pelMs(p, n - 1), pelSeq(p, n - 1), ms, seq) >= 0) {
    i = pelLowerBound(p, ms, seq);
    if (pelMs(p, i) == ms && pelSeq(p, i) == seq) return false;
  }
  makeRoom(p);
  const at = rec(p, i);
  memory.copy(at + REC, at, <usize>(n - i) * REC);
  store<u64>(at, ms);
  store<u64>(at, seq, 8);
  store<u32>(at, <u32>value, 16);
  store<u32>(at, 0, 20);
  store<u32>(p, n + 1);
  return true;
}

/** Room for one more record after the last: the records move to the front, or the array doubles. */
function makeRoom(p: usize): void {
  const n = pelCount(p);
  const cap = load<u32>(p, 4);
  if (head(p) + n < cap) return;
  if (head(p) > 0 && n < cap >> 1) {
    memory.copy(data(p), rec(p, 0), <usize>n * REC);
  } else {
    const fresh = rawAlloc(<usize>(cap << 1) * REC);
    memory.copy(fresh, rec(p, 0), <usize>n * REC);
    rawFree(data(p));
    store<u32>(p, <u32>fresh, 8);
    store<u32>(p, cap << 1, 4);
  }
  store<u32>(p, 0, 12);
}

/** Removes the record at position `i`, moving the shorter side. */
export function pelRemoveAt(p: usize, i: u32): void {
  const n = pelCount(p);
  const at = rec(p, i);
  if (i < n - 1 - i) {
    memory.copy(rec(p, 1), rec(p, 0), <usize>i * REC);
    store<u32>(p, head(p) + 1, 12);
  } else {
    memory.copy(at, at + REC, <usize>(n - i - 1) * REC);
  }
  store<u32>(p, n - 1);
  if (n == 1) store<u32>(p, 0, 12);
  const cap = load<u32>(p, 4);
  if (cap > 64 && n - 1 < cap >> 2) {
    const fresh = rawAlloc(<usize>(cap >> 1) * REC);
    memory.copy(fresh, rec(p, 0), <usize>(n - 1) * REC);
    rawFree(data(p));
    store<u32>(p, <u32>fresh, 8);
    store<u32>(p, cap >> 1, 4);
    store<u32>(p, 0, 12);
  }
}

/** Removes (ms, seq) if present. */
export function pelRemove(p: usize, ms: u64, seq: u64): bool {
  const i = pelFind(p, ms, seq);
  if (i < 0) return false;
  pelRemoveAt(p, <u32>i);
  return true;
}
