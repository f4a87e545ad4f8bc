// A hash table of byte strings (the members of a large set, store/set.ts) in raw memory, with Redis's
// dict behaviour where a client can see it:
//   - incremental rehashing: two tables while growing or shrinking; every add and remove moves one
//     bucket along, so no single SADD pays for re-laying millions of members;
//   - growth when the table is full (one member per bucket on average), shrinking when less than 10%
//     full after a removal (t_set.c's htNeedsResize), so SPOP and SREM give memory back;
//   - SSCAN's reverse-binary cursor (dictScan): a member present for the whole scan is returned at least
//     once, even when the table is resized between calls or is mid-rehash during one;
//   - a random member (SPOP, SRANDMEMBER), fair by rejection sampling over buckets and chain slots.
// It is not the keyspace's store/dict.ts because a node here is only `[next u32][hash u32][len u32]
// [bytes]` (12 bytes of overhead against an entry's 36): a set of millions of members pays that per
// member. Lookups never move buckets, so a walk over one table can look members up in another freely.
//
// Header (28 bytes): 0 t0 buckets, 4 t0 size, 8 t0 used, 12 t1 buckets, 16 t1 size, 20 t1 used,
// 24 rehash index (i32; -1 when not rehashing). Sizes are powers of two.
import { scanStep, scanVisits } from "../util/scan-cursor";
import { rawAlloc, rawFree } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { hashBytes } from "../util/hash";
import { randomU32, randomBelow } from "../util/random";

const HEADER_SIZE: usize = 28;
const MIN_SIZE: u32 = 4;
const NODE_HEADER: usize = 12;
const SEED: u32 = 0x2f8a51c3;

// ---- nodes ----

// @ts-ignore: decorator
@inline export function nodeNext(n: usize): usize { return <usize>load<u32>(n); }
// @ts-ignore: decorator
@inline function nodeSetNext(n: usize, next: usize): void { store<u32>(n, <u32>next); }
// @ts-ignore: decorator
@inline function nodeHash(n: usize): u32 { return load<u32>(n, 4); }
// @ts-ignore: decorator
@inline export function nodeLen(n: usize): u32 { return load<u32>(n, 8); }
// @ts-ignore: decorator
@inline export function nodeData(n: usize): usize { return n + NODE_HEADER; }

function nodeNew(p: usize, len: u32, hash: u32): usize {
  const n = rawAlloc(NODE_HEADER + <usize>max<u32>(len, 1));
  store<u32>(n, 0);
  store<u32>(n, hash, 4);
  store<u32>(n, len, 8);
  memory.copy(n + NODE_HEADER, p, len);
  return n;
}

// ---- the two tables ----

// @ts-ignore: decorator
@inline function buckets(t: usize, which: i32): usize { return <usize>load<u32>(t + <usize>(which * 12)); }
// @ts-ignore: decorator
@inline function size(t: usize, which: i32): u32 { return load<u32>(t + <usize>(which * 12), 4); }
// @ts-ignore: decorator
@inline function used(t: usize, which: i32): u32 { return load<u32>(t + <usize>(which * 12), 8); }
// @ts-ignore: decorator
@inline function setUsed(t: usize, which: i32, n: u32): void { store<u32>(t + <usize>(which * 12), n, 8); }
// @ts-ignore: decorator
@inline function rehashIdx(t: usize): i32 { return load<i32>(t, 24); }
// @ts-ignore: decorator
@inline function setRehashIdx(t: usize, i: i32): void { store<i32>(t, i, 24); }
// @ts-ignore: decorator
@inline function head(t: usize, which: i32, b: u32): usize {
  return <usize>load<u32>(buckets(t, which) + (<usize>b << 2));
}
// @ts-ignore: decorator
@inline function setHead(t: usize, which: i32, b: u32, n: usize): void {
  store<u32>(buckets(t, which) + (<usize>b << 2), <u32>n);
}

function allocate(t: usize, which: i32, slots: u32): void {
  const at = t + <usize>(which * 12);
  const b = rawAlloc(<usize>slots << 2);
  memory.fill(b, 0, <usize>slots << 2);
  store<u32>(at, <u32>b);
  store<u32>(at, slots, 4);
  store<u32>(at, 0, 8);
}

function release(t: usize, which: i32): void {
  const b = buckets(t, which);
  if (b != 0) rawFree(b);
  const at = t + <usize>(which * 12);
  store<u32>(at, 0);
  store<u32>(at, 0, 4);
  store<u32>(at, 0, 8);
}

/** A new, empty table (no buckets until the first add). */
export function mtNew(): usize {
  const t = rawAlloc(HEADER_SIZE);
  memory.fill(t, 0, HEADER_SIZE);
  setRehashIdx(t, -1);
  return t;
}

/** Frees every node, the buckets and the header. */
export function mtFree(t: usize): void {
  for (let w = 0; w < 2; w++) {
    const n = size(t, w);
    for (let b: u32 = 0; b < n; b++) {
      let node = head(t, w, b);
      while (node != 0) {
        const next = nodeNext(node);
        rawFree(node);
        node = next;
      }
    }
    release(t, w);
  }
  rawFree(t);
}

export function mtSize(t: usize): u32 { return used(t, 0) + used(t, 1); }

export function mtHash(p: usize, len: u32): u32 { return hashBytes(p, len, SEED); }

// ---- rehashing ----

function nextPowerOfTwo(n: u32): u32 {
  let s = MIN_SIZE;
  while (s < n) s <<= 1;
  return s;
}

function resize(t: usize, slots: u32): void {
  if (rehashIdx(t) >= 0 || slots == size(t, 0)) return;
  allocate(t, 1, slots);
  setRehashIdx(t, 0);
}

/** Moves up to `steps` buckets from the old table to the new; visits at most 10 empty ones a step. */
function mtRehashStep(t: usize, steps: i32): void {
  let idx = rehashIdx(t);
  if (idx < 0) return;
  let emptyVisits = steps * 10;
  while (steps-- > 0 && used(t, 0) != 0) {
    while (head(t, 0, <u32>idx) == 0) {
      idx++;
      if (--emptyVisits == 0) { setRehashIdx(t, idx); return; }
    }
    let n = head(t, 0, <u32>idx);
    const mask = size(t, 1) - 1;
    while (n != 0) {
      const next = nodeNext(n);
      const b = nodeHash(n) & mask;
      nodeSetNext(n, head(t, 1, b));
      setHead(t, 1, b, n);
      setUsed(t, 0, used(t, 0) - 1);
      setUsed(t, 1, used(t, 1) + 1);
      n = next;
    }
    setHead(t, 0, <u32>idx, 0);
    idx++;
  }
  setRehashIdx(t, idx);
  if (used(t, 0) == 0) {
    // The new table becomes table 0.
    release(t, 0);
    memory.copy(t, t + 12, 12);
    store<u32>(t, 0, 12);
    store<u32>(t, 0, 16);
    store<u32>(t, 0, 20);
    setRehashIdx(t, -1);
  }
}

// ---- lookups and writes ----

function findIn(t: usize, which: i32, p: usize, len: u32, hash: u32): usize {
  let n = head(t, which, hash & (size(t, which) - 1));
  while (n != 0) {
    if (nodeHash(n) == hash && bytesEqual(nodeData(n), nodeLen(n), p, len)) return n;
    n = nodeNext(n);
  }
  return 0;
}

/** The node holding `p[0..len)`, or 0. Never moves buckets. */
export function mtFind(t: usize, p: usize, len: u32): usize {
  if (size(t, 0) == 0) return 0;
  const hash = mtHash(p, len);
  const found = findIn(t, 0, p, len, hash);
  if (found != 0 || rehashIdx(t) < 0) return found;
  return findIn(t, 1, p, len, hash);
}

/** Inserts a member the caller knows is absent. */
export function mtAddNew(t: usize, p: usize, len: u32): void {
  if (rehashIdx(t) < 0) {
    if (size(t, 0) == 0) allocate(t, 0, MIN_SIZE);
    else if (used(t, 0) >= size(t, 0)) resize(t, nextPowerOfTwo(used(t, 0) + 1));
  }
  if (rehashIdx(t) >= 0) mtRehashStep(t, 1);
  const which = rehashIdx(t) >= 0 ? 1 : 0;
  const hash = mtHash(p, len);
  const n = nodeNew(p, len, hash);
  const b = hash & (size(t, which) - 1);
  nodeSetNext(n, head(t, which, b));
  setHead(t, which, b, n);
  setUsed(t, which, used(t, which) + 1);
}

/** Adds a member; false when it was there already. */
export function mtAdd(t: usize, p: usize, len: u32): bool {
  if (mtFind(t, p, len) != 0) return false;
  mtAddNew(t, p, len);
  return true;
}

function unlinkFrom(t: usize, which: i32, p: usize, len: u32, hash: u32): bool {
  const b = hash & (size(t, which) - 1);
  let prev: usize = 0;
  let n = head(t, which, b);
  while (n != 0) {
    if (nodeHash(n) == hash && bytesEqual(nodeData(n), nodeLen(n), p, len)) {
      if (prev == 0) setHead(t, which, b, nodeNext(n)); else nodeSetNext(prev, nodeNext(n));
      setUsed(t, which, used(t, which) - 1);
      rawFree(n);
      return true;
    }
    prev = n;
    n = nodeNext(n);
  }
  return false;
}

/** Removes a member; false when it was not there. A table left less than 10% full starts shrinking. */
export function mtRemove(t: usize, p: usize, len: u32): bool {
  if (size(t, 0) == 0) return false;
  if (rehashIdx(t) >= 0) mtRehashStep(t, 1);
  const hash = mtHash(p, len);
  let removed = unlinkFrom(t, 0, p, len, hash);
  if (!removed && rehashIdx(t) >= 0) removed = unlinkFrom(t, 1, p, len, hash);
  if (removed && rehashIdx(t) < 0) {
    const s = size(t, 0);
    if (s > MIN_SIZE && <u64>used(t, 0) * 100 / <u64>s < 10) resize(t, nextPowerOfTwo(used(t, 0)));
  }
  return removed;
}

// ---- walks, scans and random picks ----

/** Bucket access for whole-table walks: tables 0 and 1 (1 is empty unless rehashing). */
export function mtBucketCount(t: usize, which: i32): u32 {
  return which == 0 ? size(t, 0) : (rehashIdx(t) >= 0 ? size(t, 1) : 0);
}
export function mtBucketHead(t: usize, which: i32, b: u32): usize { return head(t, which, b); }


function pushChain(n: usize, out: Array<usize>): void {
  while (n != 0) {
    out.push(n);
    n = nodeNext(n);
  }
}

/** One dictScan step: pushes the nodes of the visited buckets, returns the next cursor (0: done). */
export function mtScan(t: usize, cursor: u64, out: Array<usize>): u64 {
  if (mtSize(t) == 0) return 0;
  const next = scanStep(cursor, size(t, 0), rehashIdx(t) >= 0 ? size(t, 1) : 0);
  for (let i = 0; i < scanVisits.length; i++) {
    const visit = unchecked(scanVisits[i]);
    pushChain(head(t, <i32>(visit >> 32), <u32>visit), out);
  }
  return next;
}

/** The chain length up to which mtRandom is exactly fair (longer chains are rare at load <= 1). */
const FAIR_CHAIN: u32 = 4;

/**
 * A random node, or 0 when empty. Rejection sampling keeps it fair (SRANDMEMBER's distribution): pick a
 * random bucket and a slot 0..FAIR_CHAIN-1 in it; a slot past the chain's end is a miss and we try again.
 * Every node of a chain up to FAIR_CHAIN long is then equally likely; a longer chain (rare) gives its
 * nodes slightly less. The expected tries are FAIR_CHAIN × buckets / members.
 */
export function mtRandom(t: usize): usize {
  if (mtSize(t) == 0) return 0;
  const idx = rehashIdx(t);
  while (true) {
    let n: usize = 0;
    if (idx >= 0) {
      const s0 = size(t, 0);
      const span = s0 + size(t, 1) - <u32>idx;
      const i = <u32>idx + randomBelow(span);
      n = i >= s0 ? head(t, 1, i - s0) : head(t, 0, i);
    } else {
      n = head(t, 0, randomU32() & (size(t, 0) - 1));
    }
    if (n == 0) continue;
    let chain: u32 = 0;
    for (let p = n; p != 0; p = nodeNext(p)) chain++;
    let pick = randomBelow(max<u32>(chain, FAIR_CHAIN));
    if (pick >= chain) continue;
    while (pick-- > 0) n = nodeNext(n);
    return n;
  }
  return 0;
}
