// The chunk ring of a big list: which chunks (store/list-chunk.ts) hold its elements, in order, and how
// many each holds. store/list.ts owns when chunks are made, split, merged and freed; this file only keeps
// their order, so that adding or dropping a chunk at either end is O(1) and in the middle moves the shorter
// side's slots.
//
// The ring lives in the list header's fields 8..23 while the list is chunked:
//   8 slots u32  the slot array: a power of two of `[chunk u32][count u32]` slots
//  12 cap u32    slots in the array
//  16 head u32   the slot holding chunk 0
//  20 chunks u32 chunks in use
// Counts sit beside the pointers so that finding element i walks one small array, not every chunk.
import { rawAlloc, rawFree } from "../util/mem";

const RING_MIN_SLOTS: u32 = 16;

// @ts-ignore: decorator
@inline function slots(l: usize): usize { return <usize>load<u32>(l, 8); }
// @ts-ignore: decorator
@inline function capOf(l: usize): u32 { return load<u32>(l, 12); }
// @ts-ignore: decorator
@inline function head(l: usize): u32 { return load<u32>(l, 16); }
// @ts-ignore: decorator
@inline export function ringChunks(l: usize): u32 { return load<u32>(l, 20); }
// @ts-ignore: decorator
@inline function setChunks(l: usize, n: u32): void { store<u32>(l, n, 20); }

// @ts-ignore: decorator
@inline function slotAddr(l: usize, k: u32): usize {
  return slots(l) + (<usize>((head(l) + k) & (capOf(l) - 1)) << 3);
}
// @ts-ignore: decorator
@inline export function slotChunk(l: usize, k: u32): usize { return <usize>load<u32>(slotAddr(l, k)); }
// @ts-ignore: decorator
@inline export function slotCount(l: usize, k: u32): u32 { return load<u32>(slotAddr(l, k), 4); }
// @ts-ignore: decorator
@inline export function setSlotChunk(l: usize, k: u32, c: usize): void { store<u32>(slotAddr(l, k), <u32>c); }
// @ts-ignore: decorator
@inline export function setSlotCount(l: usize, k: u32, n: u32): void { store<u32>(slotAddr(l, k), n, 4); }
// @ts-ignore: decorator
@inline function copySlot(l: usize, to: u32, from: u32): void { store<u64>(slotAddr(l, to), load<u64>(slotAddr(l, from))); }

/** Sets up the ring in the header with one chunk. */
export function ringNew(l: usize, c: usize, count: u32): void {
  store<u32>(l, <u32>rawAlloc(<usize>RING_MIN_SLOTS << 3), 8);
  store<u32>(l, RING_MIN_SLOTS, 12);
  store<u32>(l, 0, 16);
  setChunks(l, 1);
  setSlotChunk(l, 0, c);
  setSlotCount(l, 0, count);
}

/** Frees the slot array (not the chunks). */
export function ringFree(l: usize): void { rawFree(slots(l)); }

/** Re-lays the ring into `cap` slots, chunk 0 at slot 0. */
function ringResize(l: usize, cap: u32): void {
  const n = ringChunks(l);
  const fresh = rawAlloc(<usize>cap << 3);
  for (let k: u32 = 0; k < n; k++) store<u64>(fresh + (<usize>k << 3), load<u64>(slotAddr(l, k)));
  rawFree(slots(l));
  store<u32>(l, <u32>fresh, 8);
  store<u32>(l, cap, 12);
  store<u32>(l, 0, 16);
}

/** Inserts chunk `c` holding `count` elements so that it becomes chunk `k`. */
export function slotInsert(l: usize, k: u32, c: usize, count: u32): void {
  const n = ringChunks(l);
  if (n == capOf(l)) ringResize(l, capOf(l) << 1);
  if (k < n - k) {
    store<u32>(l, (head(l) - 1) & (capOf(l) - 1), 16);
    for (let t: u32 = 0; t < k; t++) copySlot(l, t, t + 1);
  } else {
    for (let t = n; t > k; t--) copySlot(l, t, t - 1);
  }
  setSlotChunk(l, k, c);
  setSlotCount(l, k, count);
  setChunks(l, n + 1);
}

/** Drops the slots of chunks k..k+m-1 (the chunks themselves are the caller's). */
export function slotsRemove(l: usize, k: u32, m: u32): void {
  if (m == 0) return;
  const n = ringChunks(l);
  const after = n - k - m;
  if (k < after) {
    for (let t = k; t > 0; t--) copySlot(l, t - 1 + m, t - 1);
    store<u32>(l, (head(l) + m) & (capOf(l) - 1), 16);
  } else {
    for (let t: u32 = 0; t < after; t++) copySlot(l, k + t, k + m + t);
  }
  setChunks(l, n - m);
  const cap = capOf(l);
  if (cap > RING_MIN_SLOTS && n - m < cap >> 2) ringResize(l, cap >> 1);
}
