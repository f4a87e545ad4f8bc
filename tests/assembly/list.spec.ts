// The list structure (store/list.ts over store/list-chunk.ts and store/list-ring.ts) against a plain
// reference (an array of value ids from a pool of byte strings): thousands of random pushes and pops at
// both ends, inserts, sets, range removals, trims, equal-removals with limits from either end, probes and
// encode/decode round trips, with every element compared after every step. The size swings between empty,
// the compact/chunked boundary and thousands of elements over tens of chunks, so both forms, both
// conversions, splits and merges are exercised (and counted); values range from empty to bigger than a
// chunk, across every length-field width (127/128, 16383/16384). Memory comes back to the byte on free.
import {
  listNew, listFree, listLen, listAt, listPush, listInsert, listSet, listRemove, listRemoveEqual,
  listEqualAt, listEncode, listDecode, listForm, elemPtr, elemLen, FORM_COMPACT, FORM_CHUNKED,
  COMPACT_MAX_COUNT,
} from "../../assembly/store/list";
import { ringChunks } from "../../assembly/store/list-ring";
import { CHUNK_MAX_BYTES } from "../../assembly/store/list-chunk";
import { randomSeed, randomBelow } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";
import { bytesEqual } from "../../assembly/util/bytes";

// ---- the value pool: id -> bytes, distinct contents ----

const SMALL_LENGTHS: u32[] = [1, 1, 2, 3, 5, 7, 9, 12, 12, 12, 12, 20, 40, 60];
const BIG_LENGTHS: u32[] = [127, 128, 300, 5000, 16383, 16384, 20000];
const poolPtr = new Array<usize>();
const poolLen = new Array<u32>();

function addValue(len: u32): void {
  const id = poolPtr.length;
  const p = heap.alloc(max<usize>(len, 1));
  for (let k: u32 = 0; k < len; k++) store<u8>(p + k, <u8>(id * 31 + k * 7 + (k >> 8)));
  poolPtr.push(p);
  poolLen.push(len);
}

function makePool(): void {
  if (poolPtr.length > 0) return;
  addValue(0);
  for (let i = 0; i < SMALL_LENGTHS.length; i++) addValue(SMALL_LENGTHS[i]);
  for (let i = 0; i < BIG_LENGTHS.length; i++) addValue(BIG_LENGTHS[i]);
}

const SMALL_COUNT = 1 + SMALL_LENGTHS.length;

/** A random value id: mostly small, now and then big (up to bigger than a chunk). */
function pick(): i32 {
  const r = randomBelow(1000);
  if (r < 15) return SMALL_COUNT + randomBelow(BIG_LENGTHS.length);
  if (r < 60) return SMALL_COUNT + randomBelow(3); // 127, 128, 300: frequent enough to fill chunks
  return randomBelow(SMALL_COUNT);
}

function sameValue(a: i32, b: i32): bool {
  return bytesEqual(poolPtr[a], poolLen[a], poolPtr[b], poolLen[b]);
}

// ---- comparing a list with the reference ----

function elementIs(l: usize, i: u32, id: i32): bool {
  listAt(l, i);
  return bytesEqual(elemPtr, elemLen, poolPtr[id], poolLen[id]);
}

/** Every element matches, walked forward and (`backward`) backward: the cursor goes both ways. */
function sameAs(l: usize, ref: Array<i32>, backward: bool): bool {
  if (listLen(l) != <u32>ref.length) return false;
  for (let i = 0; i < ref.length; i++) if (!elementIs(l, <u32>i, ref[i])) return false;
  if (backward) for (let i = ref.length - 1; i >= 0; i--) if (!elementIs(l, <u32>i, ref[i])) return false;
  return true;
}

/** Encodes, decodes, and checks the copy element by element; frees the copy. */
function roundTrips(l: usize, ref: Array<i32>): bool {
  const out = new ByteBuf();
  listEncode(l, out);
  const copy = listDecode(out.ptr, out.len);
  out.release();
  const same = sameAs(copy, ref, false);
  listFree(copy);
  return same;
}

function insertAt(ref: Array<i32>, i: u32, v: i32): void {
  ref.push(v);
  for (let j = ref.length - 1; j > <i32>i; j--) ref[j] = ref[j - 1];
  ref[i] = v;
}

function removeEqualInReference(ref: Array<i32>, v: i32, limit: u32, fromTail: bool): u32 {
  let removed: u32 = 0;
  if (!fromTail) {
    for (let i = 0; i < ref.length;) {
      if ((limit == 0 || removed < limit) && sameValue(ref[i], v)) { ref.splice(i, 1); removed++; } else i++;
    }
  } else {
    for (let i = ref.length - 1; i >= 0; i--) {
      if ((limit == 0 || removed < limit) && sameValue(ref[i], v)) { ref.splice(i, 1); removed++; }
    }
  }
  return removed;
}

// ---- the random walk ----

/** Sizes the walk steers towards, in turn: empty, around the compact limit, and many chunks. */
const TARGETS: i32[] = [2000, 0, 150, 40, 300, 0, 100, 1200, 0, 10, 600, 200, 0, 60, 2500];

class Tally {
  toChunked: i32 = 0;
  toCompact: i32 = 0;
  chunkedSteps: i32 = 0;
  compactSteps: i32 = 0;
  mostChunks: u32 = 0;
  longest: i32 = 0;
}

/** One random operation on both the list and the reference; returns false if they disagreed on a count. */
function step(l: usize, ref: Array<i32>, growing: bool): bool {
  const n = <u32>ref.length;
  const op = randomBelow(100);
  if (op < 40) {
    // push at either end, or pop a few, steered by the target
    if (growing ? randomBelow(8) != 0 : randomBelow(4) == 0) {
      const v = pick();
      const atHead = randomBelow(2) == 0;
      listPush(l, poolPtr[v], poolLen[v], atHead);
      if (atHead) ref.unshift(v); else ref.push(v);
    } else if (n > 0) {
      const k: u32 = 1 + randomBelow(min<u32>(n, growing ? 2 : 30));
      const atHead = randomBelow(2) == 0;
      listRemove(l, atHead ? 0 : n - k, k);
      for (let j: u32 = 0; j < k; j++) { if (atHead) ref.shift(); else ref.pop(); }
    }
  } else if (op < 55) {
    if (growing || randomBelow(3) == 0) {
      const v = pick();
      const i = randomBelow(n + 1);
      listInsert(l, i, poolPtr[v], poolLen[v]);
      insertAt(ref, i, v);
    }
  } else if (op < 63) {
    if (n > 0 && (!growing || randomBelow(8) == 0)) {
      const i = randomBelow(n);
      const k: u32 = 1 + randomBelow(min<u32>(n - i, growing ? 3 : randomBelow(4) == 0 ? 2000 : 20));
      listRemove(l, i, k);
      ref.splice(i, k);
    }
  } else if (op < 75) {
    if (n > 0) {
      const i = randomBelow(n);
      const v = pick();
      listSet(l, i, poolPtr[v], poolLen[v]);
      ref[i] = v;
    }
  } else if (op < 82) {
    // remove-equal: all (limit 0) or a few, from either end; the count removed must agree
    const v = randomBelow(4) == 0 ? pick() : <i32>randomBelow(SMALL_COUNT);
    const limit = growing ? 1 : randomBelow(4) == 0 ? 0 : 1 + randomBelow(40);
    const fromTail = randomBelow(2) == 0;
    const got = listRemoveEqual(l, poolPtr[v], poolLen[v], <u64>limit, fromTail);
    if (got != removeEqualInReference(ref, v, limit, fromTail)) return false;
  } else if (op < 85) {
    // trim to a window (as LTRIM: the tail first, then the head)
    if (n > 0 && !growing) {
      const start = randomBelow(min<u32>(n, 60));
      const end = n - 1 - randomBelow(min<u32>(n - start, 60));
      listRemove(l, end + 1, n - end - 1);
      listRemove(l, 0, start);
      const kept = ref.slice(start, end + 1);
      ref.length = 0;
      for (let i = 0; i < kept.length; i++) ref.push(kept[i]);
    }
  } else if (op < 98) {
    // probes at random positions, equal and unequal
    for (let t = 0; t < 5 && n > 0; t++) {
      const i = randomBelow(n);
      const v = pick();
      if (!listEqualAt(l, i, poolPtr[ref[i]], poolLen[ref[i]])) return false;
      if (listEqualAt(l, i, poolPtr[v], poolLen[v]) != sameValue(ref[i], v)) return false;
    }
  } else {
    if (!roundTrips(l, ref)) return false;
  }
  return true;
}

function walk(seed: u64, steps: i32, tally: Tally): void {
  randomSeed(seed);
  const before = rawBytesInUse;
  const l = listNew();
  const ref = new Array<i32>();
  let target = 0;
  for (let s = 0; s < steps; s++) {
    const t = TARGETS[target % TARGETS.length];
    if ((t == 0 && ref.length == 0) || (t > 0 && abs<i32>(ref.length - t) < 20)) target++;
    const form = listForm(l);
    const agreed = step(l, ref, ref.length < TARGETS[target % TARGETS.length]);
    if (!agreed || !sameAs(l, ref, s % 8 == 0)) {
      expect(s).toBe(-1); // the step at which the list and the reference parted
      break;
    }
    tally.longest = max<i32>(tally.longest, ref.length);
    if (listForm(l) != form) { if (form == FORM_COMPACT) tally.toChunked++; else tally.toCompact++; }
    if (listForm(l) == FORM_CHUNKED) {
      tally.chunkedSteps++;
      tally.mostChunks = max<u32>(tally.mostChunks, ringChunks(l));
      expect(ringChunks(l) >= 2).toBe(true);
    } else {
      tally.compactSteps++;
      expect(listLen(l) <= COMPACT_MAX_COUNT).toBe(true);
    }
  }
  expect(roundTrips(l, ref)).toBe(true);
  listFree(l);
  expect(rawBytesInUse).toBe(before);
}

describe("list", () => {
  it("matches a plain array over thousands of random operations, across both forms and many chunks", () => {
    makePool();
    const tally = new Tally();
    walk(42, 15000, tally);
    walk(7, 10000, tally);
    expect(tally.toChunked > 5).toBe(true);
    expect(tally.toCompact > 5).toBe(true);
    expect(tally.chunkedSteps > 3000).toBe(true);
    expect(tally.compactSteps > 1000).toBe(true);
    expect(tally.mostChunks > 30).toBe(true);
    expect(tally.longest > 1500).toBe(true);
  });

  it("encodes and decodes a list byte for byte, in either form", () => {
    makePool();
    for (let size = 0; size < 3000; size += 137) {
      const before = rawBytesInUse;
      const l = listNew();
      const ref = new Array<i32>();
      for (let i = 0; i < size; i++) {
        const v = <i32>(i % poolPtr.length);
        listPush(l, poolPtr[v], poolLen[v], i % 2 == 0);
        if (i % 2 == 0) ref.unshift(v); else ref.push(v);
      }
      expect(roundTrips(l, ref)).toBe(true);
      listFree(l);
      expect(rawBytesInUse).toBe(before);
    }
  });

  it("holds single elements bigger than a chunk, alone or among small ones", () => {
    makePool();
    const before = rawBytesInUse;
    const l = listNew();
    const ref = new Array<i32>();
    const huge = poolPtr.length - 1; // 20000 bytes
    expect(poolLen[huge] > CHUNK_MAX_BYTES).toBe(true);
    listPush(l, poolPtr[huge], poolLen[huge], false); ref.push(huge);
    expect(listForm(l)).toBe(FORM_COMPACT);
    for (let i = 0; i < 5; i++) {
      listPush(l, poolPtr[1], poolLen[1], true); ref.unshift(1);
      listPush(l, poolPtr[2], poolLen[2], false); ref.push(2);
      listInsert(l, <u32>ref.length / 2, poolPtr[huge], poolLen[huge]); insertAt(ref, <u32>ref.length / 2, huge);
    }
    expect(listForm(l)).toBe(FORM_CHUNKED);
    expect(sameAs(l, ref, true)).toBe(true);
    listSet(l, 0, poolPtr[huge], poolLen[huge]); ref[0] = huge;
    listSet(l, 1, poolPtr[0], poolLen[0]); ref[1] = 0;
    expect(sameAs(l, ref, true)).toBe(true);
    expect(listRemoveEqual(l, poolPtr[huge], poolLen[huge], 0, true)).toBe(7);
    expect(removeEqualInReference(ref, huge, 0, true)).toBe(7);
    expect(sameAs(l, ref, true)).toBe(true);
    expect(listForm(l)).toBe(FORM_COMPACT);
    listFree(l);
    expect(rawBytesInUse).toBe(before);
  });

  it("packs short values in about their own size plus two bytes", () => {
    makePool();
    const before = rawBytesInUse;
    const l = listNew();
    const v = 8; // 12 bytes, like `value:123456`
    expect(poolLen[v]).toBe(12);
    for (let i = 0; i < 100000; i++) listPush(l, poolPtr[v], poolLen[v], (i & 1) == 0);
    const perElement = <f64>(rawBytesInUse - before) / 100000.0;
    expect(perElement < 14.5).toBe(true);
    listFree(l);
    expect(rawBytesInUse).toBe(before);
  });

  it("keeps O(1) ends for a million elements", () => {
    makePool();
    const before = rawBytesInUse;
    const l = listNew();
    const v = 4; // 3 bytes
    for (let i = 0; i < 1000000; i++) listPush(l, poolPtr[v], poolLen[v], (i & 1) == 0);
    expect(listLen(l)).toBe(1000000);
    expect(listForm(l)).toBe(FORM_CHUNKED);
    for (let i = 0; i < 999990; i++) listRemove(l, (i & 1) == 0 ? 0 : listLen(l) - 1, 1);
    expect(listLen(l)).toBe(10);
    expect(listForm(l)).toBe(FORM_COMPACT);
    listFree(l);
    expect(rawBytesInUse).toBe(before);
  });
});
