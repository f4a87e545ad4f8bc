// List values: a sequence of byte strings with O(1) push and pop at both ends, in raw memory.
//
// A list is a fixed 24-byte header (its address is the entry's value and never moves) over one of two
// forms; the commands never see which:
//   - COMPACT, for small lists: one raw buffer of elements `[len u32][bytes][len u32]` back to back (the
//     trailing length lets a walk go backwards, like a listpack's backlen). Cheap in memory and in
//     allocations; pushing at the head moves the buffer, which is fine at this size.
//   - RING, for big ones: a power-of-two ring of u32 pointers to element blocks `[len u32][bytes]`. Push
//     and pop at either end are O(1), indexing is O(1), an insert or delete in the middle shifts the
//     shorter side's pointers only.
// A list turns RING when it passes COMPACT_MAX_COUNT elements or COMPACT_MAX_BYTES bytes, and turns back
// to COMPACT when it shrinks well below (half of each), so an edge case never flips at every write.
// Redis 7.0 calls every list "quicklist" (OBJECT ENCODING), whatever its size; so do we.
//
// Reading: `listAt(l, i)` leaves the element in `elemPtr`/`elemLen`, valid until the list is next
// modified. Sequential walks (LRANGE, LPOS, LREM) over the compact form are O(1) a step thanks to a one-
// entry cursor cache. Header layout:
//   0 form u32   FORM_COMPACT | FORM_RING
//   4 count u32  elements
//   8 data u32   COMPACT: the element buffer; RING: the slot array
//  12 cap u32    COMPACT: buffer bytes; RING: slots (a power of two)
//  16 aux u32    COMPACT: buffer bytes used; RING: slot index of element 0
//  20 bytes u32  element payload bytes (lengths excluded), both forms
import { rawAlloc, rawRealloc, rawFree, ByteBuf } from "../util/mem";
import { bytesEqual } from "../util/bytes";

export const FORM_COMPACT: u32 = 0;
export const FORM_RING: u32 = 1;

/** The compact form holds at most this many elements … */
export const COMPACT_MAX_COUNT: u32 = 128;
/** … and at most this many buffer bytes (Redis's list-max-listpack-size -2: 8 kB). */
export const COMPACT_MAX_BYTES: u32 = 8192;
const RING_MIN_SLOTS: u32 = 16;
const HEADER_SIZE: usize = 24;

/** The element read by the last listAt: valid until the list is modified. */
export let elemPtr: usize = 0;
export let elemLen: u32 = 0;

// @ts-ignore: decorator
@inline export function listForm(l: usize): u32 { return load<u32>(l); }
// @ts-ignore: decorator
@inline export function listLen(l: usize): u32 { return load<u32>(l, 4); }
// @ts-ignore: decorator
@inline function data(l: usize): usize { return <usize>load<u32>(l, 8); }
// @ts-ignore: decorator
@inline function cap(l: usize): u32 { return load<u32>(l, 12); }
// @ts-ignore: decorator
@inline function aux(l: usize): u32 { return load<u32>(l, 16); }
// @ts-ignore: decorator
@inline function payload(l: usize): u32 { return load<u32>(l, 20); }
// @ts-ignore: decorator
@inline function setCount(l: usize, n: u32): void { store<u32>(l, n, 4); }
// @ts-ignore: decorator
@inline function setAux(l: usize, v: u32): void { store<u32>(l, v, 16); }
// @ts-ignore: decorator
@inline function setPayload(l: usize, v: u32): void { store<u32>(l, v, 20); }

// ---- the compact cursor cache: (list, index, offset) of the last compact element read ----

let cacheList: usize = 0;
let cacheIdx: u32 = 0;
let cacheOff: u32 = 0;

// @ts-ignore: decorator
@inline function forget(l: usize): void { if (cacheList == l) cacheList = 0; }

/** A new, empty list (compact). */
export function listNew(): usize {
  const l = rawAlloc(HEADER_SIZE);
  forget(l);
  store<u32>(l, FORM_COMPACT);
  setCount(l, 0);
  const buf = rawAlloc(64);
  store<u32>(l, <u32>buf, 8);
  store<u32>(l, 64, 12);
  setAux(l, 0);
  setPayload(l, 0);
  return l;
}

export function listFree(l: usize): void {
  forget(l);
  if (listForm(l) == FORM_RING) {
    const n = listLen(l);
    for (let i: u32 = 0; i < n; i++) rawFree(ringGet(l, i));
  }
  rawFree(data(l));
  rawFree(l);
}

// ---- compact form ----

/** Byte offset of element `i` (i == count: the end) in a compact list. */
function compactOffset(l: usize, i: u32): u32 {
  const n = listLen(l);
  const buf = data(l);
  if (i >= n) return aux(l);
  let idx: u32 = 0;
  let off: u32 = 0;
  // Start from the nearest of: the front, the end, the cached cursor.
  if (n - i < i) { idx = n; off = aux(l); }
  if (cacheList == l) {
    const d = cacheIdx > i ? cacheIdx - i : i - cacheIdx;
    const best = idx > i ? idx - i : i - idx;
    if (d < best) { idx = cacheIdx; off = cacheOff; }
  }
  while (idx < i) { off += load<u32>(buf + off) + 8; idx++; }
  while (idx > i) { off -= load<u32>(buf + off - 4) + 8; idx--; }
  cacheList = l; cacheIdx = i; cacheOff = off;
  return off;
}

/** Makes room for `extra` more bytes in a compact buffer. */
function compactReserve(l: usize, extra: u32): void {
  const need = aux(l) + extra;
  let c = cap(l);
  if (need <= c) return;
  while (c < need) c <<= 1;
  store<u32>(l, <u32>rawRealloc(data(l), c), 8);
  store<u32>(l, c, 12);
}

function compactFits(l: usize, addCount: u32, addBytes: u32): bool {
  return listLen(l) + addCount <= COMPACT_MAX_COUNT && aux(l) + addBytes <= COMPACT_MAX_BYTES;
}

/** Opens a gap of `size` bytes at `off` and writes one element there. */
function compactPut(l: usize, off: u32, p: usize, n: u32): void {
  compactReserve(l, n + 8);
  const buf = data(l);
  memory.copy(buf + off + n + 8, buf + off, aux(l) - off);
  store<u32>(buf + off, n);
  memory.copy(buf + off + 4, p, n);
  store<u32>(buf + off + 4 + n, n);
  setAux(l, aux(l) + n + 8);
}

function compactShrinkBuffer(l: usize): void {
  const c = cap(l);
  if (c > 256 && aux(l) < c >> 2) {
    store<u32>(l, <u32>rawRealloc(data(l), c >> 1), 8);
    store<u32>(l, c >> 1, 12);
  }
}

// ---- ring form ----

// @ts-ignore: decorator
@inline function slotAddr(l: usize, i: u32): usize {
  return data(l) + (<usize>((aux(l) + i) & (cap(l) - 1)) << 2);
}
// @ts-ignore: decorator
@inline function ringGet(l: usize, i: u32): usize { return <usize>load<u32>(slotAddr(l, i)); }
// @ts-ignore: decorator
@inline function ringSet(l: usize, i: u32, block: usize): void { store<u32>(slotAddr(l, i), <u32>block); }

function blockNew(p: usize, n: u32): usize {
  const b = rawAlloc(4 + max<u32>(n, 1));
  store<u32>(b, n);
  memory.copy(b + 4, p, n);
  return b;
}

/** Re-lays the ring into `slots` slots, element 0 at slot 0. */
function ringResize(l: usize, slots: u32): void {
  const n = listLen(l);
  const fresh = rawAlloc(<usize>slots << 2);
  for (let i: u32 = 0; i < n; i++) store<u32>(fresh + (<usize>i << 2), <u32>ringGet(l, i));
  rawFree(data(l));
  store<u32>(l, <u32>fresh, 8);
  store<u32>(l, slots, 12);
  setAux(l, 0);
}

function toRing(l: usize): void {
  forget(l);
  const n = listLen(l);
  let slots = RING_MIN_SLOTS;
  while (slots < n * 2) slots <<= 1;
  const fresh = rawAlloc(<usize>slots << 2);
  const buf = data(l);
  let off: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(buf + off);
    store<u32>(fresh + (<usize>i << 2), <u32>blockNew(buf + off + 4, len));
    off += len + 8;
  }
  rawFree(buf);
  store<u32>(l, FORM_RING);
  store<u32>(l, <u32>fresh, 8);
  store<u32>(l, slots, 12);
  setAux(l, 0);
}

function toCompact(l: usize): void {
  forget(l);
  const n = listLen(l);
  const size = payload(l) + n * 8;
  let c: u32 = 64;
  while (c < size) c <<= 1;
  const buf = rawAlloc(c);
  let off: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const b = ringGet(l, i);
    const len = load<u32>(b);
    store<u32>(buf + off, len);
    memory.copy(buf + off + 4, b + 4, len);
    store<u32>(buf + off + 4 + len, len);
    off += len + 8;
    rawFree(b);
  }
  rawFree(data(l));
  store<u32>(l, FORM_COMPACT);
  store<u32>(l, <u32>buf, 8);
  store<u32>(l, c, 12);
  setAux(l, off);
}

/** After a removal: a ring that became small goes back to compact; a sparse ring gives slots back. */
function afterShrink(l: usize): void {
  if (listForm(l) == FORM_COMPACT) { compactShrinkBuffer(l); return; }
  const n = listLen(l);
  if (n <= COMPACT_MAX_COUNT / 2 && payload(l) + n * 8 <= COMPACT_MAX_BYTES / 2) { toCompact(l); return; }
  const c = cap(l);
  if (c > RING_MIN_SLOTS && n < c >> 2) ringResize(l, c >> 1);
}

// ---- reading ----

/** Reads element `i` (0 ≤ i < listLen) into elemPtr/elemLen. */
export function listAt(l: usize, i: u32): void {
  if (listForm(l) == FORM_RING) {
    const b = ringGet(l, i);
    elemLen = load<u32>(b);
    elemPtr = b + 4;
    return;
  }
  const off = compactOffset(l, i);
  const at = data(l) + off;
  elemLen = load<u32>(at);
  elemPtr = at + 4;
}

/** Element `i` equals the bytes `p[0..n)`. */
export function listEqualAt(l: usize, i: u32, p: usize, n: u32): bool {
  listAt(l, i);
  return bytesEqual(elemPtr, elemLen, p, n);
}

// ---- writing ----

/** Adds an element at the head or the tail. */
export function listPush(l: usize, p: usize, n: u32, atHead: bool): void {
  listInsert(l, atHead ? 0 : listLen(l), p, n);
}

/** Inserts an element so that it becomes element `i` (0 ≤ i ≤ listLen). */
export function listInsert(l: usize, i: u32, p: usize, n: u32): void {
  const count = listLen(l);
  if (listForm(l) == FORM_COMPACT) {
    if (compactFits(l, 1, n + 8)) {
      const off = compactOffset(l, i);
      forget(l);
      compactPut(l, off, p, n);
      setCount(l, count + 1);
      setPayload(l, payload(l) + n);
      return;
    }
    toRing(l);
  }
  if (count == cap(l)) ringResize(l, cap(l) << 1);
  const block = blockNew(p, n);
  if (i < count - i) {
    // Shift elements 0..i-1 one slot towards the front.
    setAux(l, (aux(l) - 1) & (cap(l) - 1));
    for (let k: u32 = 0; k < i; k++) ringSet(l, k, ringGet(l, k + 1));
  } else {
    for (let k = count; k > i; k--) ringSet(l, k, ringGet(l, k - 1));
  }
  ringSet(l, i, block);
  setCount(l, count + 1);
  setPayload(l, payload(l) + n);
}

/** Replaces element `i` (0 ≤ i < listLen). */
export function listSet(l: usize, i: u32, p: usize, n: u32): void {
  if (listForm(l) == FORM_COMPACT) {
    const off = compactOffset(l, i);
    const old = load<u32>(data(l) + off);
    if (aux(l) - old + n <= COMPACT_MAX_BYTES) {
      forget(l);
      if (n > old) compactReserve(l, n - old);
      const buf = data(l);
      const tail = off + old + 8;
      memory.copy(buf + off + n + 8, buf + tail, aux(l) - tail);
      store<u32>(buf + off, n);
      memory.copy(buf + off + 4, p, n);
      store<u32>(buf + off + 4 + n, n);
      setAux(l, aux(l) - old + n);
      setPayload(l, payload(l) - old + n);
      return;
    }
    toRing(l);
  }
  const b = ringGet(l, i);
  setPayload(l, payload(l) - load<u32>(b) + n);
  rawFree(b);
  ringSet(l, i, blockNew(p, n));
}

/** Removes `n` elements from index `i` (i + n ≤ listLen). */
export function listRemove(l: usize, i: u32, n: u32): void {
  if (n == 0) return;
  const count = listLen(l);
  if (listForm(l) == FORM_COMPACT) {
    const from = compactOffset(l, i);
    const to = compactOffset(l, i + n);
    forget(l);
    const buf = data(l);
    let removed: u32 = 0;
    for (let off = from; off < to; off += load<u32>(buf + off) + 8) removed += load<u32>(buf + off);
    memory.copy(buf + from, buf + to, aux(l) - to);
    setAux(l, aux(l) - (to - from));
    setPayload(l, payload(l) - removed);
    setCount(l, count - n);
    afterShrink(l);
    return;
  }
  let removed: u32 = 0;
  for (let k = i; k < i + n; k++) {
    const b = ringGet(l, k);
    removed += load<u32>(b);
    rawFree(b);
  }
  const after = count - i - n;
  if (i < after) {
    // Move the i elements before the hole n slots towards the back, then advance the head.
    for (let k = i; k > 0; k--) ringSet(l, k - 1 + n, ringGet(l, k - 1));
    setAux(l, (aux(l) + n) & (cap(l) - 1));
  } else {
    for (let k: u32 = 0; k < after; k++) ringSet(l, i + k, ringGet(l, i + n + k));
  }
  setCount(l, count - n);
  setPayload(l, payload(l) - removed);
  afterShrink(l);
}

/**
 * Removes elements equal to `p[0..n)`, at most `limit` of them (0: all), scanning from the head or,
 * `fromTail`, from the tail. One pass whatever the number removed. Returns how many went.
 */
export function listRemoveEqual(l: usize, p: usize, n: u32, limit: u64, fromTail: bool): u32 {
  const count = listLen(l);
  let removed: u32 = 0;
  let removedBytes: u32 = 0;
  if (listForm(l) == FORM_RING) {
    // Compact the kept pointers towards the scan's start.
    let w: u32 = 0;
    for (let r: u32 = 0; r < count; r++) {
      const ri = fromTail ? count - 1 - r : r;
      const b = ringGet(l, ri);
      if ((limit == 0 || <u64>removed < limit) && bytesEqual(b + 4, load<u32>(b), p, n)) {
        removed++;
        removedBytes += load<u32>(b);
        rawFree(b);
      } else {
        ringSet(l, fromTail ? count - 1 - w : w, b);
        w++;
      }
    }
    if (fromTail) setAux(l, (aux(l) + removed) & (cap(l) - 1));
  } else {
    forget(l);
    const buf = data(l);
    const used = aux(l);
    if (!fromTail) {
      let w: u32 = 0;
      for (let r: u32 = 0; r < used;) {
        const len = load<u32>(buf + r);
        const size = len + 8;
        if ((limit == 0 || <u64>removed < limit) && bytesEqual(buf + r + 4, len, p, n)) {
          removed++;
          removedBytes += len;
        } else {
          if (w != r) memory.copy(buf + w, buf + r, size);
          w += size;
        }
        r += size;
      }
      setAux(l, w);
    } else {
      // Walk back from the end, packing kept elements against the end; then slide them to the front.
      let w = used;
      for (let r = used; r > 0;) {
        const len = load<u32>(buf + r - 4);
        const size = len + 8;
        r -= size;
        if ((limit == 0 || <u64>removed < limit) && bytesEqual(buf + r + 4, len, p, n)) {
          removed++;
          removedBytes += len;
        } else {
          w -= size;
          if (w != r) memory.copy(buf + w, buf + r, size);
        }
      }
      memory.copy(buf, buf + w, used - w);
      setAux(l, used - w);
    }
  }
  if (removed > 0) {
    setCount(l, count - removed);
    setPayload(l, payload(l) - removedBytes);
    afterShrink(l);
  }
  return removed;
}

// ---- moving a list between shards (store/value-codec.ts): [count u32] then [len u32][bytes] each ----

export function listEncode(l: usize, out: ByteBuf): void {
  const n = listLen(l);
  out.reserve(4);
  store<u32>(out.ptr + out.len, n);
  out.len += 4;
  for (let i: u32 = 0; i < n; i++) {
    listAt(l, i);
    out.reserve(4 + elemLen);
    store<u32>(out.ptr + out.len, elemLen);
    memory.copy(out.ptr + out.len + 4, elemPtr, elemLen);
    out.len += 4 + elemLen;
  }
}

export function listDecode(ptr: usize, len: u32): usize {
  const l = listNew();
  const n = load<u32>(ptr);
  let at: usize = ptr + 4;
  for (let i: u32 = 0; i < n; i++) {
    const el = load<u32>(at);
    listPush(l, at + 4, el, false);
    at += 4 + el;
  }
  return l;
}
