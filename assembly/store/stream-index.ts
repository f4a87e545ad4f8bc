// The entries of a stream, ordered by ID: Redis keeps them in a radix tree of listpacks; we keep the same
// two levels in raw memory — a directory of node pointers sorted by each node's first ID, and nodes that
// each hold up to NODE_MAX_ENTRIES records back to back. What that buys, as in Redis:
//   - XADD appends to the last node, or opens a new one (IDs only grow): O(1);
//   - a range starts with a binary search over the directory, then a short walk inside one node:
//     O(log n + node size), and every step after is O(1);
//   - trimming from the front drops whole nodes by advancing the directory's head: O(1) a node.
// XDEL and exact trims inside a node only mark records deleted (Redis's tombstones); a node whose records
// are all deleted by XDEL is freed and leaves the directory. Nodes are counted like Redis's listpacks
// (a new one after 100 records, deleted ones included, or when the listpack Redis would have built
// reaches 4096 bytes — its size is worked out, element by element, as records arrive), so nodes split
// where Redis's do, and trimming with `~` or LIMIT, which works in whole nodes, removes what Redis's
// does. XINFO's radix-tree-nodes is the node count of the radix tree Redis would hold over the nodes'
// first IDs (raxNodeCount).
//
// Layouts (little-endian):
//   index  [dir u32][head u32][count u32][cap u32]   dir: `cap` node pointers, live ones at head..head+count
//   node   [live u32][total u32][used u32][cap u32][listpack bytes u32][master pairs u32][records u32]
//          [first ms u64][first seq u64] at byte 28, then the master field list from byte 44, then the
//          records from byte `records` (store/stream-record.ts: IDs as deltas from the first ID, values
//          only when the names are the master's, varint lengths, a backlen). `used` counts the header;
//          the listpack size is Redis's for the same entries. A node that stops being the last one is
//          shrunk to its used bytes.
//
// Reading goes through one cursor (`curNode`, `curOff`) and the current record's decoded head (`curMs`,
// `curSeq`, `curNfields`; its fields and values through idxFieldsBegin and stream-record.ts's fieldNext),
// valid until the stream is next modified.
import { rawAlloc, rawRealloc, rawFree, ByteBuf } from "../util/mem";
import { idCompare } from "./stream-id";
import { parseI64, parsedI64 } from "../util/int";
import {
  REC_DELETED, masterSize, masterWrite, masterMatches, recordMaxSize, recordWrite, recordRead, recordStartBefore,
  recMs, recSeq, recFlags, recNfields, recBody, recEnd, fieldsBegin,
} from "./stream-record";

export const NODE_MAX_ENTRIES: u32 = 100;
export const NODE_MAX_BYTES: u32 = 4096;
const NODE_HDR: u32 = 44;
/** A closed node with more spare bytes than this is shrunk to fit. */
const SHRINK_SLACK: u32 = 32;

// ---- the index header ----

// @ts-ignore: decorator
@inline function dir(ix: usize): usize { return <usize>load<u32>(ix); }
// @ts-ignore: decorator
@inline function head(ix: usize): u32 { return load<u32>(ix, 4); }
// @ts-ignore: decorator
@inline export function idxNodeCount(ix: usize): u32 { return load<u32>(ix, 8); }
// @ts-ignore: decorator
@inline function dirCap(ix: usize): u32 { return load<u32>(ix, 12); }
// @ts-ignore: decorator
@inline export function idxNode(ix: usize, i: u32): usize { return <usize>load<u32>(dir(ix) + ((<usize>(head(ix) + i)) << 2)); }

export function idxNew(): usize {
  const ix = rawAlloc(16);
  store<u32>(ix, <u32>rawAlloc(4 * 4));
  store<u32>(ix, 0, 4);
  store<u32>(ix, 0, 8);
  store<u32>(ix, 4, 12);
  return ix;
}

export function idxFree(ix: usize): void {
  const n = idxNodeCount(ix);
  for (let i: u32 = 0; i < n; i++) rawFree(idxNode(ix, i));
  rawFree(dir(ix));
  rawFree(ix);
}

// ---- nodes ----

// @ts-ignore: decorator
@inline export function nodeLive(n: usize): u32 { return load<u32>(n); }
// @ts-ignore: decorator
@inline export function nodeTotal(n: usize): u32 { return load<u32>(n, 4); }
// @ts-ignore: decorator
@inline function nodeUsed(n: usize): u32 { return load<u32>(n, 8); }
// @ts-ignore: decorator
@inline function nodeCap(n: usize): u32 { return load<u32>(n, 12); }
// @ts-ignore: decorator
@inline function nodeLpBytes(n: usize): u32 { return load<u32>(n, 16); }
// @ts-ignore: decorator
@inline function nodeMasterPairs(n: usize): u32 { return load<u32>(n, 20); }
// @ts-ignore: decorator
@inline function nodeRecords(n: usize): u32 { return load<u32>(n, 24); }
// @ts-ignore: decorator
@inline function nodeFirstMs(n: usize): u64 { return load<u64>(n, 28); }
// @ts-ignore: decorator
@inline function nodeFirstSeq(n: usize): u64 { return load<u64>(n, 36); }
// @ts-ignore: decorator
@inline function nodeMaster(n: usize): usize { return n + NODE_HDR; }

/** Decodes the record at `off` of node `n` into stream-record.ts's `rec*`. */
// @ts-ignore: decorator
@inline function readAt(n: usize, off: u32): void {
  recordRead(n + off, nodeFirstMs(n), nodeFirstSeq(n), nodeMasterPairs(n));
}

/** The offset of the record before the one at `off` (which is not the node's first). */
// @ts-ignore: decorator
@inline function prevOff(n: usize, off: u32): u32 { return <u32>(recordStartBefore(n + off) - n); }

function dirPush(ix: usize, node: usize): void {
  let h = head(ix);
  const n = idxNodeCount(ix);
  if (h + n == dirCap(ix)) {
    if (h > 0 && h >= dirCap(ix) >> 1) {
      memory.copy(dir(ix), dir(ix) + (<usize>h << 2), <usize>n << 2);
      h = 0;
      store<u32>(ix, 0, 4);
    } else {
      const cap = dirCap(ix) << 1;
      store<u32>(ix, <u32>rawRealloc(dir(ix), <usize>cap << 2));
      store<u32>(ix, cap, 12);
    }
  }
  store<u32>(dir(ix) + (<usize>(h + n) << 2), <u32>node);
  store<u32>(ix, n + 1, 8);
}

/** Frees node `i` and closes the gap in the directory (the front one just advances the head). */
export function idxRemoveNode(ix: usize, i: u32): void {
  rawFree(idxNode(ix, i));
  const n = idxNodeCount(ix);
  if (i == 0) {
    store<u32>(ix, head(ix) + 1, 4);
  } else {
    const at = dir(ix) + (<usize>(head(ix) + i) << 2);
    memory.copy(at, at + 4, <usize>(n - i - 1) << 2);
  }
  store<u32>(ix, n - 1, 8);
  if (n == 1) store<u32>(ix, 0, 4);
}

// ---- Redis's listpack size, for splitting nodes where Redis does ----

/** Bytes of a listpack integer element, backlen included. */
function lpIntBytes(v: i64): u32 {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function lpBacklen(l: u32): u32 {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes of a listpack element holding `n` bytes at `p` (an integer text is stored as an integer). */
function lpStrBytes(p: usize, n: u32): u32 {
  if (parseI64(p, n)) return lpIntBytes(parsedI64);
  const l = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return l + lpBacklen(l);
}

/** The listpack bytes of a master entry (Redis's first entry of a listpack) for these fields. */
function lpMasterBytes(nfields: u32, fields: usize): u32 {
  let bytes: u32 = 7 + lpIntBytes(1) + lpIntBytes(0) + lpIntBytes(nfields >> 1) + lpIntBytes(0);
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) {
    const n = load<u32>(at);
    if ((i & 1) == 0) bytes += lpStrBytes(at + 4, n);
    at += 4 + n;
  }
  return bytes;
}

/** The listpack bytes Redis adds for an entry whose ID is (dms, dseq) past its node's master ID. */
function lpEntryBytes(same: bool, dms: u64, dseq: u64, nfields: u32, fields: usize): u32 {
  const pairs = nfields >> 1;
  let bytes = lpIntBytes(same ? 2 : 0) + lpIntBytes(<i64>dms) + lpIntBytes(<i64>dseq);
  if (!same) bytes += lpIntBytes(pairs);
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) {
    const n = load<u32>(at);
    if ((i & 1) == 1 || !same) bytes += lpStrBytes(at + 4, n);
    at += 4 + n;
  }
  return bytes + lpIntBytes(same ? pairs + 3 : pairs * 2 + 4);
}

function rawFieldBytes(nfields: u32, fields: usize): u32 {
  let total: u32 = 0;
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) { const n = load<u32>(at); total += n; at += 4 + n; }
  return total;
}

/** Replaces directory slot `i`'s node by `moved` (after a realloc). */
function dirSet(ix: usize, i: u32, moved: usize): void {
  store<u32>(dir(ix) + (<usize>(head(ix) + i) << 2), <u32>moved);
}

/** Gives a node's spare bytes back once it is no longer appended to. */
function nodeShrink(ix: usize, i: u32): void {
  const n = idxNode(ix, i);
  const used = nodeUsed(n);
  if (nodeCap(n) - used <= SHRINK_SLACK) return;
  const moved = rawRealloc(n, used);
  store<u32>(moved, used, 12);
  dirSet(ix, i, moved);
}

/** Opens a node whose master entry is (ms, seq) with these fields, with room for `room` record bytes. */
function nodeOpen(ix: usize, ms: u64, seq: u64, nfields: u32, fields: usize, room: u32): usize {
  const records = NODE_HDR + masterSize(nfields, fields);
  let cap: u32 = 256;
  while (cap < records + room) cap <<= 1;
  const n = rawAlloc(cap);
  store<u32>(n, 0);
  store<u32>(n, 0, 4);
  store<u32>(n, records, 8);
  store<u32>(n, cap, 12);
  store<u32>(n, lpMasterBytes(nfields, fields), 16);
  store<u32>(n, nfields >> 1, 20);
  store<u32>(n, records, 24);
  store<u64>(n, ms, 28);
  store<u64>(n, seq, 36);
  masterWrite(nodeMaster(n), nfields, fields);
  dirPush(ix, n);
  return n;
}

/** Appends a record (the caller checked that the ID is above every other). `fields` is encoded. */
export function idxAppend(ix: usize, ms: u64, seq: u64, nfields: u32, fields: usize, fieldsLen: u32): void {
  const room = recordMaxSize(nfields, fieldsLen);
  let node: usize = 0;
  const count = idxNodeCount(ix);
  if (count > 0) {
    node = idxNode(ix, count - 1);
    if (nodeLpBytes(node) + rawFieldBytes(nfields, fields) >= NODE_MAX_BYTES || nodeTotal(node) >= NODE_MAX_ENTRIES) {
      nodeShrink(ix, count - 1);
      node = 0;
    }
  }
  if (node == 0) {
    node = nodeOpen(ix, ms, seq, nfields, fields, room);
  } else if (nodeUsed(node) + room > nodeCap(node)) {
    let cap = nodeCap(node);
    while (cap < nodeUsed(node) + room) cap <<= 1;
    node = rawRealloc(node, cap);
    store<u32>(node, cap, 12);
    dirSet(ix, count - 1, node);
  }
  const same = nodeTotal(node) == 0 || masterMatches(nodeMaster(node), nfields, fields);
  const dms = ms - nodeFirstMs(node);
  const dseq = seq - nodeFirstSeq(node);
  const size = recordWrite(node + nodeUsed(node), dms, dseq, same, nfields, fields);
  store<u32>(node, nodeLive(node) + 1);
  store<u32>(node, nodeTotal(node) + 1, 4);
  store<u32>(node, nodeUsed(node) + size, 8);
  store<u32>(node, nodeLpBytes(node) + lpEntryBytes(same, dms, dseq, nfields, fields), 16);
}

// ---- moving between shards: the nodes as they are (tombstones, listpack sizes and all) ----
// [nodes u32] nodes × ([used u32][the node's first `used` bytes]); a node holds no pointers.

export function idxEncode(ix: usize, out: ByteBuf): void {
  const n = idxNodeCount(ix);
  out.reserve(4);
  store<u32>(out.ptr + out.len, n);
  out.len += 4;
  for (let i: u32 = 0; i < n; i++) {
    const node = idxNode(ix, i);
    const used = nodeUsed(node);
    out.reserve(4 + used);
    store<u32>(out.ptr + out.len, used);
    memory.copy(out.ptr + out.len + 4, node, used);
    out.len += 4 + used;
  }
}

/** Fills an empty index from idxEncode's bytes at `at`; returns the address just past them. */
export function idxDecode(ix: usize, at: usize): usize {
  const n = load<u32>(at);
  at += 4;
  for (let i: u32 = 0; i < n; i++) {
    const used = load<u32>(at);
    const node = rawAlloc(used);
    memory.copy(node, at + 4, used);
    store<u32>(node, used, 12);
    dirPush(ix, node);
    at += 4 + used;
  }
  return at;
}

// ---- radix-tree-nodes ----

function idByte(n: usize, d: u32): u32 {
  const v = d < 8 ? nodeFirstMs(n) : nodeFirstSeq(n);
  return <u32>((v >> (<u64>(7 - (d & 7)) << 3)) & 0xff);
}

/** Nodes of the radix tree over the first IDs of nodes [lo, hi) below depth `d` (big-endian bytes). */
function raxCount(ix: usize, lo: u32, hi: u32, d: u32): i64 {
  if (d == 16) return 1;
  const a = idxNode(ix, lo);
  const b = idxNode(ix, hi - 1);
  let p: u32 = 0;
  while (d + p < 16 && idByte(a, d + p) == idByte(b, d + p)) p++;
  if (p > 0) return 1 + raxCount(ix, lo, hi, d + p);
  let total: i64 = 1;
  let from = lo;
  while (from < hi) {
    const byte = idByte(idxNode(ix, from), d);
    let to = from + 1;
    while (to < hi && idByte(idxNode(ix, to), d) == byte) to++;
    total += raxCount(ix, from, to, d + 1);
    from = to;
  }
  return total;
}

/** How many nodes Redis's radix tree holds over this index's nodes (XINFO radix-tree-nodes). */
export function raxNodeCount(ix: usize): i64 {
  const n = idxNodeCount(ix);
  return n == 0 ? 1 : raxCount(ix, 0, n, 0);
}

// ---- the cursor ----

export let curNode: u32 = 0;
export let curOff: u32 = 0;
export let curMs: u64 = 0;
export let curSeq: u64 = 0;
export let curNfields: u32 = 0;
let curIx: usize = 0;
let curFlags: u8 = 0;
let curBody: usize = 0;
/** The offset of the record after the current one (its node's `used` at the end). */
let curNext: u32 = 0;

/** Decodes the record under the cursor; true when it is live. */
function loadCurrent(): bool {
  const n = idxNode(curIx, curNode);
  readAt(n, curOff);
  curMs = recMs;
  curSeq = recSeq;
  curNfields = recNfields;
  curFlags = recFlags;
  curBody = recBody;
  curNext = <u32>(recEnd - n);
  return (recFlags & REC_DELETED) == 0;
}

/** Starts an iteration over the current entry's fields and values (stream-record.ts fieldNext). */
export function idxFieldsBegin(): void {
  fieldsBegin(curBody, curFlags, nodeMaster(idxNode(curIx, curNode)));
}

/** The directory position of the last node whose first ID is ≤ (ms, seq); -1 when none. */
function nodeAtOrBefore(ix: usize, ms: u64, seq: u64): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>idxNodeCount(ix) - 1;
  let found: i32 = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const n = idxNode(ix, <u32>mid);
    if (idCompare(nodeFirstMs(n), nodeFirstSeq(n), ms, seq) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** Moves to the first live record at or after (curNode, curOff); false at the end. */
function settleForward(): bool {
  const count = idxNodeCount(curIx);
  while (curNode < count) {
    const used = nodeUsed(idxNode(curIx, curNode));
    while (curOff < used) {
      if (loadCurrent()) return true;
      curOff = curNext;
    }
    curNode++;
    if (curNode < count) curOff = nodeRecords(idxNode(curIx, curNode));
  }
  return false;
}

/** Positions on the first live entry with ID ≥ (ms, seq). */
export function idxSeekFirst(ix: usize, ms: u64, seq: u64): bool {
  curIx = ix;
  let i = nodeAtOrBefore(ix, ms, seq);
  if (i < 0) i = 0;
  curNode = <u32>i;
  if (curNode >= idxNodeCount(ix)) return false;
  const n = idxNode(ix, curNode);
  const used = nodeUsed(n);
  curOff = nodeRecords(n);
  while (curOff < used) {
    readAt(n, curOff);
    if (idCompare(recMs, recSeq, ms, seq) >= 0) break;
    curOff = <u32>(recEnd - n);
  }
  return settleForward();
}

/** The next live entry after the current one. */
export function idxNext(): bool {
  curOff = curNext;
  return settleForward();
}

/** Moves curOff to the last record of node curNode. */
function toNodeEnd(): void {
  const n = idxNode(curIx, curNode);
  curOff = prevOff(n, nodeUsed(n));
}

/** Moves to the last live record at or before (curNode, curOff); false before the start. */
function settleBackward(): bool {
  for (;;) {
    const n = idxNode(curIx, curNode);
    const first = nodeRecords(n);
    for (;;) {
      if (loadCurrent()) return true;
      if (curOff == first) break;
      curOff = prevOff(n, curOff);
    }
    if (curNode == 0) return false;
    curNode--;
    toNodeEnd();
  }
  return false;
}

/** Positions on the last live entry with ID ≤ (ms, seq). */
export function idxSeekLast(ix: usize, ms: u64, seq: u64): bool {
  curIx = ix;
  const i = nodeAtOrBefore(ix, ms, seq);
  if (i < 0) return false;
  curNode = <u32>i;
  const n = idxNode(ix, curNode);
  // The last record of the node whose ID is ≤ the target (the first one is, by the search).
  let off = nodeRecords(n);
  const used = nodeUsed(n);
  readAt(n, off);
  for (;;) {
    const next = <u32>(recEnd - n);
    if (next >= used) break;
    readAt(n, next);
    if (idCompare(recMs, recSeq, ms, seq) > 0) break;
    off = next;
  }
  curOff = off;
  return settleBackward();
}

/** The live entry before the current one. */
export function idxPrev(): bool {
  const n = idxNode(curIx, curNode);
  if (curOff == nodeRecords(n)) {
    if (curNode == 0) return false;
    curNode--;
    toNodeEnd();
  } else {
    curOff = prevOff(n, curOff);
  }
  return settleBackward();
}

/** Positions on the live entry with exactly this ID. */
export function idxFind(ix: usize, ms: u64, seq: u64): bool {
  return idxSeekFirst(ix, ms, seq) && curMs == ms && curSeq == seq;
}

/**
 * Marks the current entry deleted. With `freeEmpty` (XDEL) a node left with no live record is freed.
 * The cursor is not valid afterwards.
 */
export function idxDeleteCurrent(freeEmpty: bool): void {
  const n = idxNode(curIx, curNode);
  const r = n + curOff;
  store<u8>(r, load<u8>(r) | REC_DELETED);
  store<u32>(n, nodeLive(n) - 1);
  if (freeEmpty && nodeLive(n) == 0) idxRemoveNode(curIx, curNode);
}

// ---- node-level walks, for trimming (store/stream.ts) ----

/** The ID of a node's last record (deleted or not) into curMs/curSeq. */
export function nodeLastId(n: usize): void {
  readAt(n, prevOff(n, nodeUsed(n)));
  curMs = recMs;
  curSeq = recSeq;
}

/** Positions the cursor on record 0 of node `i` (deleted or not) without skipping. */
export function idxRawFirst(ix: usize, i: u32): void {
  curIx = ix;
  curNode = i;
  curOff = nodeRecords(idxNode(ix, i));
}

/** The raw cursor is on a record (not past the node's end). */
export function idxRawValid(): bool {
  return curOff < nodeUsed(idxNode(curIx, curNode));
}

/** Loads the record under the raw cursor; says if it is live. */
export function idxRawLoad(): bool {
  return loadCurrent();
}

/** Steps the raw cursor to the next record (idxRawLoad first). */
export function idxRawStep(): void {
  curOff = curNext;
}
