// List values: a sequence of byte strings with O(1) push and pop at both ends, in raw memory, packed
// like Redis's quicklist of listpacks.
//
// A list is a fixed 24-byte header (its address is the entry's value and never moves) over one of two
// forms; the commands never see which:
//   - COMPACT, for small lists: one chunk (store/list-chunk.ts: elements `[len][bytes][backlen]` back to
//     back, 2 bytes of lengths for an element under 128 bytes), hung from the header directly.
//   - CHUNKED, for big ones: a ring of chunks (store/list-ring.ts) with each chunk's element count beside
//     it. Push and pop at either end touch the end chunk only (its slack sits on that side, so they are
//     O(1) amortized); indexing walks the chunk counts, then the chunk (O(chunks), like Redis); an insert,
//     set or removal in the middle touches the chunks it hits.
// Every chunk holds at most CHUNK_MAX_BYTES element bytes and CHUNK_MAX_COUNT elements, except a chunk of
// one bigger element. An element that does not fit its chunk goes to a neighbour with room, or to a new
// chunk (at an end: the full chunk beside it gives its slack back), or the chunk splits where it goes.
// After a removal, two neighbours that fit in three quarters of a chunk merge (the quarter keeps an edge
// case from splitting and merging at every write) and an empty chunk is freed. A list is COMPACT exactly
// while it is one chunk: it turns CHUNKED when its chunk would split, and back when merges leave one.
// Redis 7.0 calls every list "quicklist" (OBJECT ENCODING), whatever its size; so do we.
//
// Reading: `listAt(l, i)` leaves the element in `elemPtr`/`elemLen`, valid until the list is next
// modified. Sequential walks (LRANGE, LPOS, LREM) are O(1) a step thanks to a one-entry cursor cache (the
// chunk and the element last read), which every write forgets. Header layout:
//   0 form u32   FORM_COMPACT | FORM_CHUNKED
//   4 count u32  elements
//   8 ..23       COMPACT: the chunk at 8; CHUNKED: the ring (store/list-ring.ts)
import { rawAlloc, rawFree, ByteBuf } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import {
  CHUNK_MAX_BYTES, CHUNK_MAX_COUNT, entrySize, readEntry, writeEntry, entryData, entryLen, chunkFirst,
  chunkUsed, chunkSlack, chunkAccepts, chunkNew, chunkFree, chunkOpen, chunkClose, chunkFit, chunkSplit,
  chunkAppend, chunkOffsetOf, chunkSpan, chunkRemoveEqual,
} from "./list-chunk";
import {
  ringChunks, slotChunk, slotCount, setSlotChunk, setSlotCount, ringNew, ringFree, slotInsert, slotsRemove,
} from "./list-ring";

export const FORM_COMPACT: u32 = 0;
export const FORM_CHUNKED: u32 = 1;

/** The compact form (one chunk) holds at most this many elements. */
export const COMPACT_MAX_COUNT: u32 = CHUNK_MAX_COUNT;
/** Two neighbour chunks merge when together they hold at most this many element bytes. */
const MERGE_MAX_BYTES: u32 = CHUNK_MAX_BYTES / 4 * 3;
/** A chunk gives its slack back when it has more than this beyond its element bytes. */
const SLACK_KEPT: u32 = 256;
const HEADER_SIZE: usize = 24;

/** The element read by the last listAt: valid until the list is modified. */
export let elemPtr: usize = 0;
export let elemLen: u32 = 0;

// @ts-ignore: decorator
@inline export function listForm(l: usize): u32 { return load<u32>(l); }
// @ts-ignore: decorator
@inline export function listLen(l: usize): u32 { return load<u32>(l, 4); }
// @ts-ignore: decorator
@inline function setCount(l: usize, n: u32): void { store<u32>(l, n, 4); }
// @ts-ignore: decorator
@inline function isCompact(l: usize): bool { return listForm(l) == FORM_COMPACT; }

// ---- chunk k over both forms (a compact list is chunk 0 alone) ----

// @ts-ignore: decorator
@inline function chunksOf(l: usize): u32 { return isCompact(l) ? 1 : ringChunks(l); }
// @ts-ignore: decorator
@inline function chunkAt(l: usize, k: u32): usize { return isCompact(l) ? <usize>load<u32>(l, 8) : slotChunk(l, k); }
// @ts-ignore: decorator
@inline function countAt(l: usize, k: u32): u32 { return isCompact(l) ? listLen(l) : slotCount(l, k); }

function setChunkAt(l: usize, k: u32, c: usize): void {
  if (isCompact(l)) store<u32>(l, <u32>c, 8);
  else setSlotChunk(l, k, c);
}

/** Adjusts chunk k's element count (the list's own count is the caller's). */
function addCountAt(l: usize, k: u32, delta: i32): void {
  if (!isCompact(l)) setSlotCount(l, k, <u32>(<i32>slotCount(l, k) + delta));
}

// ---- the cursor cache, and finding element i ----

let cursorList: usize = 0;
let cursorChunk: u32 = 0;
let cursorStart: u32 = 0;
let cursorJ: u32 = 0;
let cursorOff: u32 = 0;
/** Offset of the element after the cursor's, once listAt has read the cursor's. */
let cursorNextOff: u32 = 0;

// @ts-ignore: decorator
@inline function forget(l: usize): void { if (cursorList == l) cursorList = 0; }

/** Where the last `locate` found its element: chunk `foundChunk` (whose first element is the list's
 *  element `foundStart`), its element `foundJ`, at byte offset `foundOff`. */
let foundChunk: u32 = 0;
let foundStart: u32 = 0;
let foundJ: u32 = 0;
let foundOff: u32 = 0;

/** Finds the chunk holding element i (< listLen) of a chunked list, from the nearest known chunk. */
function findChunk(l: usize, i: u32): void {
  const last = ringChunks(l) - 1;
  const lastStart = listLen(l) - slotCount(l, last);
  if (i >= lastStart) { foundChunk = last; foundStart = lastStart; return; }
  let k: u32 = 0;
  let start: u32 = 0;
  let distance = i;
  if (lastStart - i < distance) { k = last; start = lastStart; distance = lastStart - i; }
  if (cursorList == l) {
    const d = cursorStart > i ? cursorStart - i : i - cursorStart;
    if (d < distance) { k = cursorChunk; start = cursorStart; }
  }
  while (i < start) { k--; start -= slotCount(l, k); }
  while (i >= start + slotCount(l, k)) { start += slotCount(l, k); k++; }
  foundChunk = k;
  foundStart = start;
}

/** Finds element `i` (i == listLen: the end of the last chunk) and leaves the cursor on it. */
function locate(l: usize, i: u32): void {
  const count = listLen(l);
  if (isCompact(l)) { foundChunk = 0; foundStart = 0; }
  else if (cursorList == l && i >= cursorStart && i - cursorStart < slotCount(l, cursorChunk)) {
    foundChunk = cursorChunk;
    foundStart = cursorStart;
  } else if (i == count) { foundChunk = ringChunks(l) - 1; foundStart = count - slotCount(l, foundChunk); }
  else findChunk(l, i);
  foundJ = i - foundStart;
  const known: i32 = cursorList == l && cursorChunk == foundChunk ? <i32>cursorJ : -1;
  foundOff = chunkOffsetOf(chunkAt(l, foundChunk), countAt(l, foundChunk), foundJ, known, cursorOff);
  cursorList = l;
  cursorChunk = foundChunk;
  cursorStart = foundStart;
  cursorJ = foundJ;
  cursorOff = foundOff;
}

// ---- life ----

/** A new, empty list (compact). */
export function listNew(): usize {
  const l = rawAlloc(HEADER_SIZE);
  forget(l);
  store<u32>(l, FORM_COMPACT);
  setCount(l, 0);
  store<u32>(l, <u32>chunkNew(0, false), 8);
  store<u64>(l, 0, 12);
  store<u32>(l, 0, 20);
  return l;
}

export function listFree(l: usize): void {
  forget(l);
  const n = chunksOf(l);
  for (let k: u32 = 0; k < n; k++) chunkFree(chunkAt(l, k));
  if (!isCompact(l)) ringFree(l);
  rawFree(l);
}

function toChunked(l: usize): void {
  const c = <usize>load<u32>(l, 8);
  ringNew(l, c, listLen(l));
  store<u32>(l, FORM_CHUNKED);
}

/** A chunked list left with one chunk (or none) goes compact. */
function compactIfSingle(l: usize): void {
  const n = ringChunks(l);
  if (n > 1) return;
  const c = n == 1 ? slotChunk(l, 0) : chunkNew(0, false);
  ringFree(l);
  store<u32>(l, FORM_COMPACT);
  store<u32>(l, <u32>c, 8);
  store<u64>(l, 0, 12);
  store<u32>(l, 0, 20);
}

// ---- reading ----

/** Reads element `i` (0 ≤ i < listLen) into elemPtr/elemLen. */
export function listAt(l: usize, i: u32): void {
  let at: usize;
  if (cursorList == l && i == cursorStart + cursorJ + 1 && cursorJ + 1 < countAt(l, cursorChunk)) {
    // The element after the one read last (a walk forward): one step.
    cursorJ++;
    cursorOff = cursorNextOff;
    at = chunkFirst(chunkAt(l, cursorChunk)) + cursorOff;
  } else {
    locate(l, i);
    at = chunkFirst(chunkAt(l, foundChunk)) + foundOff;
  }
  cursorNextOff = cursorOff + <u32>(readEntry(at) - at);
  elemPtr = entryData;
  elemLen = entryLen;
}

/** Element `i` equals the bytes `p[0..n)`. */
export function listEqualAt(l: usize, i: u32, p: usize, n: u32): bool {
  listAt(l, i);
  return bytesEqual(elemPtr, elemLen, p, n);
}

// ---- writing: chunk-level steps ----

/** Writes an element at offset `off` of chunk k. */
function putAt(l: usize, k: u32, off: u32, p: usize, n: u32): void {
  const c = chunkOpen(chunkAt(l, k), off, entrySize(n));
  setChunkAt(l, k, c);
  writeEntry(chunkFirst(c) + off, p, n);
  addCountAt(l, k, 1);
}

/** A new chunk holding one element, becoming chunk k; `headward`, it keeps room in front. */
function newChunkAt(l: usize, k: u32, p: usize, n: u32, headward: bool): void {
  const c = chunkOpen(chunkNew(entrySize(n), headward), 0, entrySize(n));
  writeEntry(chunkFirst(c), p, n);
  slotInsert(l, k, c, 1);
}

/** Chunk k gives its slack back if it holds much. */
function tidy(l: usize, k: u32): void {
  const c = chunkAt(l, k);
  if (chunkSlack(c) > max<u32>(chunkUsed(c), SLACK_KEPT)) setChunkAt(l, k, chunkFit(c));
}

/** A chunk that a new neighbour now stands beyond gives back all its slack. */
function seal(l: usize, k: u32): void {
  const c = slotChunk(l, k);
  if (chunkSlack(c) > 0) setSlotChunk(l, k, chunkFit(c));
}

function accepts(l: usize, k: u32, size: u32): bool { return chunkAccepts(chunkAt(l, k), countAt(l, k), size); }

/** Chunk k, full, cannot take the element at its element j (offset off): a neighbour or a new chunk does. */
function insertBeyond(l: usize, k: u32, j: u32, off: u32, p: usize, n: u32): void {
  const size = entrySize(n);
  const cnt = slotCount(l, k);
  if (j == 0 && k > 0 && accepts(l, k - 1, size)) { putAt(l, k - 1, chunkUsed(slotChunk(l, k - 1)), p, n); return; }
  if (j == cnt && k + 1 < ringChunks(l) && accepts(l, k + 1, size)) { putAt(l, k + 1, 0, p, n); return; }
  if (j == 0) { newChunkAt(l, k, p, n, k == 0); seal(l, k + 1); return; }
  if (j == cnt) { newChunkAt(l, k + 1, p, n, false); seal(l, k); return; }
  // In the middle: split chunk k where the element goes, then it joins a half or sits between them.
  slotInsert(l, k + 1, chunkSplit(slotChunk(l, k), off), cnt - j);
  setSlotCount(l, k, j);
  if (accepts(l, k, size)) putAt(l, k, chunkUsed(slotChunk(l, k)), p, n);
  else if (accepts(l, k + 1, size)) putAt(l, k + 1, 0, p, n);
  else newChunkAt(l, k + 1, p, n, false);
  tidy(l, k);
}

/** Merges chunk a+1 into chunk a if together they are small; returns whether it did. */
function tryMerge(l: usize, a: u32): bool {
  if (a + 1 >= ringChunks(l)) return false;
  const left = slotChunk(l, a);
  const right = slotChunk(l, a + 1);
  const count = slotCount(l, a) + slotCount(l, a + 1);
  if (count > CHUNK_MAX_COUNT || chunkUsed(left) + chunkUsed(right) > MERGE_MAX_BYTES) return false;
  setSlotChunk(l, a, chunkAppend(left, right));
  setSlotCount(l, a, count);
  chunkFree(right);
  slotsRemove(l, a + 1, 1);
  tidy(l, a);
  return true;
}

/** After a removal that ended at chunk k: merges small neighbours around it, tidies, maybe goes compact. */
function rebalance(l: usize, k: u32): void {
  if (isCompact(l)) { tidy(l, 0); return; }
  let a = k >= 2 ? k - 2 : 0;
  let end = k + 1;
  while (a < end && a + 1 < ringChunks(l)) {
    if (tryMerge(l, a)) end--;
    else { tidy(l, a); a++; }
  }
  if (a < ringChunks(l)) tidy(l, a);
  compactIfSingle(l);
}

/** Removes `take` elements of chunk k from its element at offset `off`. */
function removeInChunk(l: usize, k: u32, off: u32, take: u32): void {
  const c = chunkAt(l, k);
  chunkClose(c, off, chunkSpan(c, off, take));
  addCountAt(l, k, -<i32>take);
}

// ---- writing: the API ----

/** Adds an element at the head or the tail. */
export function listPush(l: usize, p: usize, n: u32, atHead: bool): void {
  listInsert(l, atHead ? 0 : listLen(l), p, n);
}

/** Inserts an element so that it becomes element `i` (0 ≤ i ≤ listLen). */
export function listInsert(l: usize, i: u32, p: usize, n: u32): void {
  locate(l, i);
  forget(l);
  if (accepts(l, foundChunk, entrySize(n))) putAt(l, foundChunk, foundOff, p, n);
  else {
    if (isCompact(l)) toChunked(l);
    insertBeyond(l, foundChunk, foundJ, foundOff, p, n);
  }
  setCount(l, listLen(l) + 1);
}

/** Replaces element `i` (0 ≤ i < listLen). */
export function listSet(l: usize, i: u32, p: usize, n: u32): void {
  locate(l, i);
  forget(l);
  const k = foundChunk;
  const off = foundOff;
  let c = chunkAt(l, k);
  const old = <u32>(readEntry(chunkFirst(c) + off) - (chunkFirst(c) + off));
  const size = entrySize(n);
  if (countAt(l, k) > 1 && chunkUsed(c) - old + size > CHUNK_MAX_BYTES) {
    listRemove(l, i, 1);
    listInsert(l, i, p, n);
    return;
  }
  if (size > old) { c = chunkOpen(c, off + old, size - old); setChunkAt(l, k, c); }
  else if (size < old) chunkClose(c, off + size, old - size);
  writeEntry(chunkFirst(c) + off, p, n);
}

/** Removes `n` elements from index `i` (i + n ≤ listLen). */
export function listRemove(l: usize, i: u32, n: u32): void {
  if (n == 0) return;
  locate(l, i);
  forget(l);
  setCount(l, listLen(l) - n);
  if (isCompact(l)) { removeInChunk(l, 0, foundOff, n); rebalance(l, 0); return; }
  let k = foundChunk;
  let left = n;
  // The first chunk hit, unless it goes whole; then the chunks that go whole; then the last, in part.
  const first = slotCount(l, k);
  if (foundJ > 0 || left < first) {
    const take = min<u32>(first - foundJ, left);
    removeInChunk(l, k, foundOff, take);
    left -= take;
    k++;
  }
  let whole: u32 = 0;
  while (left > 0 && slotCount(l, k + whole) <= left) {
    left -= slotCount(l, k + whole);
    chunkFree(slotChunk(l, k + whole));
    whole++;
  }
  slotsRemove(l, k, whole);
  if (left > 0) removeInChunk(l, k, 0, left);
  rebalance(l, k);
}

/**
 * Removes elements equal to `p[0..n)`, at most `limit` of them (0: all), scanning from the head or,
 * `fromTail`, from the tail. One pass whatever the number removed. Returns how many went.
 */
export function listRemoveEqual(l: usize, p: usize, n: u32, limit: u64, fromTail: bool): u32 {
  forget(l);
  const most: u64 = limit == 0 ? u64.MAX_VALUE : limit;
  const chunks = chunksOf(l);
  let removed: u32 = 0;
  for (let t: u32 = 0; t < chunks && <u64>removed < most; t++) {
    const k = fromTail ? chunks - 1 - t : t;
    const got = chunkRemoveEqual(chunkAt(l, k), p, n, most - removed, fromTail);
    addCountAt(l, k, -<i32>got);
    removed += got;
  }
  if (removed == 0) return 0;
  setCount(l, listLen(l) - removed);
  if (isCompact(l)) { tidy(l, 0); return removed; }
  dropEmptyChunks(l);
  for (let a: u32 = 0; a < ringChunks(l);) {
    if (!tryMerge(l, a)) { tidy(l, a); a++; }
  }
  compactIfSingle(l);
  return removed;
}

/** Frees the chunks left empty and closes up their slots, in one pass. */
function dropEmptyChunks(l: usize): void {
  const chunks = ringChunks(l);
  let kept: u32 = 0;
  for (let k: u32 = 0; k < chunks; k++) {
    const c = slotChunk(l, k);
    const cnt = slotCount(l, k);
    if (cnt == 0) { chunkFree(c); continue; }
    setSlotChunk(l, kept, c);
    setSlotCount(l, kept, cnt);
    kept++;
  }
  slotsRemove(l, kept, chunks - kept);
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
