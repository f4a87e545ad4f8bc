// One chunk of list elements: a raw block holding elements packed back to back, the whole of a small list
// and one piece of a big one (store/list.ts owns which chunk holds what; store/list-ring.ts the chunks'
// order). This file owns the bytes inside a chunk: the element encoding and the gap moves.
//
// An element is `[len][bytes][backlen]`, like a listpack entry: `len` and `backlen` both hold the byte
// length, in 1 byte below 128, 2 below 16 384, else 5, written so that the byte nearest the bytes' edge
// says how long the field is (0xxxxxxx: 1 byte; 10xxxxxx: 2, high bits here; 11000000: 5, a u32 follows
// or precedes). So a walk goes forward by `len` and backward by `backlen`, and an element of 7 to 127
// bytes costs 2 bytes beyond its own.
//
// A chunk is `[lo u32][hi u32][cap u32]` then `cap - 12` bytes; the elements fill [lo, hi) and the slack
// sits on either side, so pushing at either end of a chunk is O(1) until its side runs out: then the
// chunk is re-laid in place when its slack is generous, else into a bigger block (1.5x). Offsets given
// to and returned by these functions count from the first element (from `lo`), so they survive a move.
import { rawAlloc, rawRealloc, rawFree } from "../util/mem";
import { bytesEqual } from "../util/bytes";

export const CHUNK_HEADER: u32 = 12;
/** A chunk holds at most this many element bytes (Redis's list-max-listpack-size -2: 8 kB nodes) … */
export const CHUNK_MAX_BYTES: u32 = 8192 - CHUNK_HEADER;
/** … and at most this many elements (so a walk inside one stays short), unless it holds one bigger element. */
export const CHUNK_MAX_COUNT: u32 = 1024;
const CHUNK_MIN_CAP: u32 = 64;

/** The element read by the last readEntry. */
export let entryData: usize = 0;
export let entryLen: u32 = 0;

// ---- the element encoding ----

// @ts-ignore: decorator
@inline function lengthFieldSize(n: u32): u32 { return n < 0x80 ? 1 : n < 0x4000 ? 2 : 5; }

/** Bytes an element of `n` bytes takes in a chunk. */
// @ts-ignore: decorator
@inline export function entrySize(n: u32): u32 { return n + (lengthFieldSize(n) << 1); }

/** Decodes the element at `p` into entryData/entryLen; returns the address just past it. */
export function readEntry(p: usize): usize {
  const b = <u32>load<u8>(p);
  let field: u32 = 1;
  let n = b;
  if (b >= 0xc0) { n = load<u32>(p, 1); field = 5; }
  else if (b >= 0x80) { n = ((b & 0x3f) << 8) | <u32>load<u8>(p, 1); field = 2; }
  entryData = p + field;
  entryLen = n;
  return p + n + (field << 1);
}

/** The address just past the element at `p`. */
// @ts-ignore: decorator
@inline function entryAfter(p: usize): usize { return readEntry(p); }

/** The address of the element that ends at `end`, read from its backlen. */
function entryBefore(end: usize): usize {
  const b = <u32>load<u8>(end - 1);
  let field: u32 = 1;
  let n = b;
  if (b >= 0xc0) { n = load<u32>(end - 5); field = 5; }
  else if (b >= 0x80) { n = ((b & 0x3f) << 8) | <u32>load<u8>(end - 2); field = 2; }
  return end - n - (field << 1);
}

/** Writes the element `src[0..n)` at `p` (entrySize(n) bytes). */
export function writeEntry(p: usize, src: usize, n: u32): void {
  if (n < 0x80) {
    store<u8>(p, <u8>n);
    memory.copy(p + 1, src, n);
    store<u8>(p + 1 + n, <u8>n);
  } else if (n < 0x4000) {
    store<u8>(p, <u8>(0x80 | (n >> 8)));
    store<u8>(p, <u8>n, 1);
    memory.copy(p + 2, src, n);
    store<u8>(p + 2 + n, <u8>n);
    store<u8>(p + 3 + n, <u8>(0x80 | (n >> 8)));
  } else {
    store<u8>(p, 0xc0);
    store<u32>(p, n, 1);
    memory.copy(p + 5, src, n);
    store<u32>(p + 5 + n, n);
    store<u8>(p + 9 + n, 0xc0);
  }
}

// ---- the chunk block ----

// @ts-ignore: decorator
@inline function lo(c: usize): u32 { return load<u32>(c); }
// @ts-ignore: decorator
@inline function hi(c: usize): u32 { return load<u32>(c, 4); }
// @ts-ignore: decorator
@inline function capOf(c: usize): u32 { return load<u32>(c, 8); }
// @ts-ignore: decorator
@inline function setLo(c: usize, v: u32): void { store<u32>(c, v); }
// @ts-ignore: decorator
@inline function setHi(c: usize, v: u32): void { store<u32>(c, v, 4); }

/** Address of the chunk's first element. */
// @ts-ignore: decorator
@inline export function chunkFirst(c: usize): usize { return c + lo(c); }
/** Element bytes in the chunk. */
// @ts-ignore: decorator
@inline export function chunkUsed(c: usize): u32 { return hi(c) - lo(c); }
/** Free bytes in the chunk's block. */
// @ts-ignore: decorator
@inline export function chunkSlack(c: usize): u32 { return capOf(c) - CHUNK_HEADER - chunkUsed(c); }

/** A chunk with `count` elements could take one more of `size` bytes (an empty one takes anything). */
export function chunkAccepts(c: usize, count: u32, size: u32): bool {
  return count == 0 || (count < CHUNK_MAX_COUNT && chunkUsed(c) + size <= CHUNK_MAX_BYTES);
}

/** An empty chunk with room for `room` bytes; `headward`, the room is in front (it grows at its head). */
export function chunkNew(room: u32, headward: bool): usize {
  const cap = max<u32>(CHUNK_HEADER + room, CHUNK_MIN_CAP);
  const c = rawAlloc(cap);
  const at = headward ? cap : CHUNK_HEADER;
  setLo(c, at);
  setHi(c, at);
  store<u32>(c, cap, 8);
  return c;
}

export function chunkFree(c: usize): void { rawFree(c); }

/**
 * Opens a gap of `size` bytes at offset `off`; returns the chunk, which may have moved. Bytes before `off`
 * keep their offsets; those after move up by `size`.
 */
export function chunkOpen(c: usize, off: u32, size: u32): usize {
  const l = lo(c);
  const h = hi(c);
  const used = h - l;
  const front = l - CHUNK_HEADER;
  const back = capOf(c) - h;
  const headward = off == 0 && (used > 0 || front > back);
  if (headward && front >= size) { setLo(c, l - size); return c; }
  if (!headward && off == used && back >= size) { setHi(c, h + size); return c; }
  if (off > 0 && off < used) {
    // In the middle: shift the shorter side that has room.
    if (back >= size && (used - off <= off || front < size)) {
      memory.copy(c + l + off + size, c + l + off, used - off);
      setHi(c, h + size);
      return c;
    }
    if (front >= size) {
      memory.copy(c + l - size, c + l, off);
      setLo(c, l - size);
      return c;
    }
  }
  return chunkRelay(c, off, size, headward);
}

/**
 * Re-lays the chunk with a gap of `size` bytes at `off` and the slack where it grows (in front if
 * `headward`, else behind): in place when its slack is generous (so the move buys many pushes), else into
 * a block 1.5 times what it needs.
 */
function chunkRelay(c: usize, off: u32, size: u32, headward: bool): usize {
  const l = lo(c);
  const used = chunkUsed(c);
  const grown = used + size;
  let cap = capOf(c);
  let to = c;
  if (cap - CHUNK_HEADER < grown + (used >> 2)) {
    cap = max<u32>(CHUNK_HEADER + grown + (grown >> 1), CHUNK_MIN_CAP);
    to = rawAlloc(cap);
    store<u32>(to, cap, 8);
  }
  const newLo = headward ? cap - grown : CHUNK_HEADER;
  const from = c + l;
  const dest = to + newLo;
  // Two moves; the order keeps either from overwriting the other's source when relaying in place.
  if (dest <= from) {
    memory.copy(dest, from, off);
    memory.copy(dest + off + size, from + off, used - off);
  } else {
    memory.copy(dest + off + size, from + off, used - off);
    memory.copy(dest, from, off);
  }
  if (to != c) rawFree(c);
  setLo(to, newLo);
  setHi(to, newLo + grown);
  return to;
}

/** Removes the bytes [off, off + size), moving the shorter side. Bytes before `off` keep their offsets. */
export function chunkClose(c: usize, off: u32, size: u32): void {
  const l = lo(c);
  const after = chunkUsed(c) - off - size;
  if (off < after) {
    memory.copy(c + l + size, c + l, off);
    setLo(c, l + size);
  } else {
    memory.copy(c + l + off, c + l + off + size, after);
    setHi(c, hi(c) - size);
  }
}

/** Gives the chunk's slack back (its block shrinks to fit); returns the chunk, which may have moved. */
export function chunkFit(c: usize): usize {
  const used = chunkUsed(c);
  memory.copy(c + CHUNK_HEADER, chunkFirst(c), used);
  setLo(c, CHUNK_HEADER);
  setHi(c, CHUNK_HEADER + used);
  const cap = max<u32>(CHUNK_HEADER + used, CHUNK_MIN_CAP);
  const fitted = rawRealloc(c, cap);
  store<u32>(fitted, cap, 8);
  return fitted;
}

/** Moves the elements from offset `off` on into a new chunk, returned. */
export function chunkSplit(c: usize, off: u32): usize {
  const moved = chunkUsed(c) - off;
  const right = chunkNew(moved, false);
  memory.copy(right + CHUNK_HEADER, chunkFirst(c) + off, moved);
  setHi(right, CHUNK_HEADER + moved);
  setHi(c, lo(c) + off);
  return right;
}

/** Appends a copy of `src`'s elements to `dst`'s; returns `dst`, which may have moved. */
export function chunkAppend(dst: usize, src: usize): usize {
  const off = chunkUsed(dst);
  const n = chunkUsed(src);
  const to = chunkOpen(dst, off, n);
  memory.copy(chunkFirst(to) + off, chunkFirst(src), n);
  return to;
}

// ---- walking ----

/**
 * Offset of element `j` of a chunk holding `count` elements (j == count: the end), walking from the
 * nearest of its first element, its end, and a known element `knownJ` at `knownOff` (knownJ < 0: none).
 */
export function chunkOffsetOf(c: usize, count: u32, j: u32, knownJ: i32, knownOff: u32): u32 {
  const base = chunkFirst(c);
  let idx: u32 = 0;
  let at: usize = base;
  if (count - j < j) { idx = count; at = base + chunkUsed(c); }
  if (knownJ >= 0) {
    const k = <u32>knownJ;
    const viaKnown = k > j ? k - j : j - k;
    const viaEdge = idx > j ? idx - j : j - idx;
    if (viaKnown < viaEdge) { idx = k; at = base + knownOff; }
  }
  while (idx < j) { at = entryAfter(at); idx++; }
  while (idx > j) { at = entryBefore(at); idx--; }
  return <u32>(at - base);
}

/** Bytes taken by the `k` elements starting at offset `off`. */
export function chunkSpan(c: usize, off: u32, k: u32): u32 {
  const from = chunkFirst(c) + off;
  let at = from;
  for (let i: u32 = 0; i < k; i++) at = entryAfter(at);
  return <u32>(at - from);
}

/**
 * Removes the elements equal to `p[0..n)`, at most `most`, scanning from the first element or, `fromTail`,
 * from the last; the kept ones close up in one pass. Returns how many went.
 */
export function chunkRemoveEqual(c: usize, p: usize, n: u32, most: u64, fromTail: bool): u32 {
  let removed: u32 = 0;
  const first = chunkFirst(c);
  const end = first + chunkUsed(c);
  if (!fromTail) {
    let w = first;
    let r = first;
    while (r < end && <u64>removed < most) {
      const next = readEntry(r);
      if (bytesEqual(entryData, entryLen, p, n)) removed++;
      else { if (w != r) memory.copy(w, r, next - r); w += next - r; }
      r = next;
    }
    if (w != r) memory.copy(w, r, end - r);
    setHi(c, <u32>(w + (end - r) - c));
  } else {
    let w = end;
    let r = end;
    while (r > first && <u64>removed < most) {
      const start = entryBefore(r);
      readEntry(start);
      if (bytesEqual(entryData, entryLen, p, n)) removed++;
      else { w -= r - start; if (w != start) memory.copy(w, start, r - start); }
      r = start;
    }
    if (w != r) memory.copy(w - (r - first), first, r - first);
    setLo(c, <u32>(w - (r - first) - c));
  }
  return removed;
}
