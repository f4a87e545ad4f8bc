// Stream values: the entries (store/stream-index.ts), the consumer groups (store/stream-groups.ts) and
// Redis 7.0's bookkeeping around them, in one raw header whose address is the key's value:
//
//    0 length u64           live entries
//    8 last id (ms, seq)    the top ID ever given (XADD, XSETID); new IDs must be above it
//   24 first id             the first live entry's ID, 0-0 when empty
//   40 max deleted id       the highest ID removed by XDEL (trimming does not count), for lag
//   56 entries added u64    every entry ever added (XSETID ENTRIESADDED can set it)
//   64 index u32, 68 groups u32 (a name table)
//
// This file owns appending, trimming (MAXLEN / MINID, exact or `~`, with LIMIT) and deleting, the
// counters above, the logical-read estimate XINFO's lag and XREADGROUP's entries-read use
// (streamEstimateDistanceFromFirstEverEntry, streamRangeHasTombstones), freeing, and the byte encoding
// that moves a stream — groups, consumers and PELs included — to another shard (store/value-codec.ts).
// A stream is never deleted for being empty: Redis keeps empty streams.
import { rawAlloc, rawFree, ByteBuf } from "../util/mem";
import { ID_MAX, idCompare } from "./stream-id";
import {
  idxNew, idxFree, idxAppend, idxNodeCount, idxNode, idxRemoveNode, idxSeekFirst, idxSeekLast, idxNext,
  idxFind, idxDeleteCurrent, nodeLive, nodeLastId, idxRawFirst, idxRawValid, idxRawLoad, idxRawStep,
  idxEncode, idxDecode, curMs, curSeq,
} from "./stream-index";
import {
  namesNew, namesCount, namesAt, namesFind, itemName, itemNameLen, groupsFree, groupCreate, groupLastMs, groupLastSeq,
  groupEntriesRead, groupPel, groupConsumers, consumerCreate, consumerSeen, nackNew, nackTime, nackCount,
  nackConsumer, nackSetCount, ENTRIES_READ_INVALID,
} from "./stream-groups";
import { pelCount, pelMs, pelSeq, pelValue, pelInsert } from "./stream-pel";
import { consumerPel } from "./stream-groups";

// @ts-ignore: decorator
@inline export function streamLength(s: usize): u64 { return load<u64>(s); }
// @ts-ignore: decorator
@inline export function streamLastMs(s: usize): u64 { return load<u64>(s, 8); }
// @ts-ignore: decorator
@inline export function streamLastSeq(s: usize): u64 { return load<u64>(s, 16); }
// @ts-ignore: decorator
@inline export function streamFirstMs(s: usize): u64 { return load<u64>(s, 24); }
// @ts-ignore: decorator
@inline export function streamFirstSeq(s: usize): u64 { return load<u64>(s, 32); }
// @ts-ignore: decorator
@inline export function streamMaxDelMs(s: usize): u64 { return load<u64>(s, 40); }
// @ts-ignore: decorator
@inline export function streamMaxDelSeq(s: usize): u64 { return load<u64>(s, 48); }
// @ts-ignore: decorator
@inline export function streamEntriesAdded(s: usize): u64 { return load<u64>(s, 56); }
// @ts-ignore: decorator
@inline export function streamIndex(s: usize): usize { return <usize>load<u32>(s, 64); }
// @ts-ignore: decorator
@inline export function streamGroups(s: usize): usize { return <usize>load<u32>(s, 68); }

// @ts-ignore: decorator
@inline function setLength(s: usize, n: u64): void { store<u64>(s, n); }
export function streamSetLast(s: usize, ms: u64, seq: u64): void { store<u64>(s, ms, 8); store<u64>(s, seq, 16); }
function setFirst(s: usize, ms: u64, seq: u64): void { store<u64>(s, ms, 24); store<u64>(s, seq, 32); }
export function streamSetMaxDel(s: usize, ms: u64, seq: u64): void { store<u64>(s, ms, 40); store<u64>(s, seq, 48); }
export function streamSetEntriesAdded(s: usize, n: u64): void { store<u64>(s, n, 56); }

export function streamNew(): usize {
  const s = rawAlloc(72);
  memory.fill(s, 0, 64);
  store<u32>(s, <u32>idxNew(), 64);
  store<u32>(s, <u32>namesNew(), 68);
  return s;
}

export function streamFree(s: usize): void {
  idxFree(streamIndex(s));
  groupsFree(streamGroups(s));
  rawFree(s);
}

/** The number of index nodes (XINFO's radix-tree-keys). */
export function streamNodeCount(s: usize): u32 { return idxNodeCount(streamIndex(s)); }

// ---- adding ----

/** Appends an entry with an ID above the last one; `fields` holds nfields × [len u32][bytes]. */
export function streamAppend(s: usize, ms: u64, seq: u64, nfields: u32, fields: usize, fieldsLen: u32): void {
  idxAppend(streamIndex(s), ms, seq, nfields, fields, fieldsLen);
  if (streamLength(s) == 0) setFirst(s, ms, seq);
  setLength(s, streamLength(s) + 1);
  streamSetEntriesAdded(s, streamEntriesAdded(s) + 1);
  streamSetLast(s, ms, seq);
}

// ---- the first and last live entries ----

/** The first live entry's ID into curMs/curSeq (the stream is not empty). */
function refreshFirst(s: usize): void {
  if (streamLength(s) == 0) { setFirst(s, 0, 0); return; }
  idxSeekFirst(streamIndex(s), 0, 0);
  setFirst(s, curMs, curSeq);
}

/** Positions the index cursor on the last live entry; false when the stream is empty. */
export function streamSeekLastEntry(s: usize): bool {
  return streamLength(s) > 0 && idxSeekLast(streamIndex(s), ID_MAX, ID_MAX);
}

// ---- deleting ----

/** XDEL of one ID: true when a live entry went. Keeps first id and max deleted id current. */
export function streamDelete(s: usize, ms: u64, seq: u64): bool {
  if (!idxFind(streamIndex(s), ms, seq)) return false;
  idxDeleteCurrent(true);
  setLength(s, streamLength(s) - 1);
  if (idCompare(ms, seq, streamMaxDelMs(s), streamMaxDelSeq(s)) > 0) streamSetMaxDel(s, ms, seq);
  if (ms == streamFirstMs(s) && seq == streamFirstSeq(s)) refreshFirst(s);
  else if (streamLength(s) == 0) setFirst(s, 0, 0);
  return true;
}

// ---- trimming (streamTrim) ----

export const TRIM_NONE: i32 = 0;
export const TRIM_MAXLEN: i32 = 1;
export const TRIM_MINID: i32 = 2;

/**
 * Removes entries from the front: while more than `maxlen` (TRIM_MAXLEN) or below (minMs, minSeq)
 * (TRIM_MINID). Whole nodes go first; `approx` stops at the first node that cannot go whole; `limit`
 * (0: none) caps the entries removed, counted in whole nodes as Redis does. Returns how many went.
 */
export function streamTrim(s: usize, strategy: i32, maxlen: u64, minMs: u64, minSeq: u64, approx: bool, limit: i64): i64 {
  if (strategy == TRIM_NONE) return 0;
  const ix = streamIndex(s);
  let deleted: i64 = 0;
  while (idxNodeCount(ix) > 0) {
    if (strategy == TRIM_MAXLEN && streamLength(s) <= maxlen) break;
    const node = idxNode(ix, 0);
    const entries = <i64>nodeLive(node);
    if (limit != 0 && deleted + entries > limit) break;
    let removeNode = false;
    if (strategy == TRIM_MAXLEN) {
      removeNode = streamLength(s) - <u64>entries >= maxlen;
    } else {
      nodeLastId(node);
      removeNode = idCompare(curMs, curSeq, minMs, minSeq) < 0;
    }
    if (removeNode) {
      idxRemoveNode(ix, 0);
      setLength(s, streamLength(s) - <u64>entries);
      deleted += entries;
      continue;
    }
    if (approx) break;
    // Mark entries deleted inside this node until the condition holds.
    idxRawFirst(ix, 0);
    while (idxRawValid()) {
      const live = idxRawLoad();
      const stop = strategy == TRIM_MAXLEN
        ? streamLength(s) <= maxlen
        : idCompare(curMs, curSeq, minMs, minSeq) >= 0;
      if (stop) break;
      if (live) {
        idxDeleteCurrent(false);
        setLength(s, streamLength(s) - 1);
        deleted++;
      }
      idxRawStep();
    }
    break;
  }
  refreshFirst(s);
  return deleted;
}

// ---- logical read counters (XINFO GROUPS lag, XREADGROUP's entries-read) ----

function idIsZero(ms: u64, seq: u64): bool { return ms == 0 && seq == 0; }

/** streamRangeHasTombstones with no end: is there a deleted ID at or after (ms, seq)? */
export function streamHasTombstonesFrom(s: usize, ms: u64, seq: u64): bool {
  if (streamLength(s) == 0 || idIsZero(streamMaxDelMs(s), streamMaxDelSeq(s))) return false;
  if (idCompare(streamFirstMs(s), streamFirstSeq(s), streamMaxDelMs(s), streamMaxDelSeq(s)) > 0) return false;
  return idCompare(ms, seq, streamMaxDelMs(s), streamMaxDelSeq(s)) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry: the logical read counter of an ID, or -1 when unknown. */
export function streamEstimateDistance(s: usize, ms: u64, seq: u64): i64 {
  const added = <i64>streamEntriesAdded(s);
  if (added == 0) return 0;
  const lastMs = streamLastMs(s);
  const lastSeq = streamLastSeq(s);
  if (streamLength(s) == 0 && idCompare(ms, seq, lastMs, lastSeq) < 1) return added;
  const cmpLast = idCompare(ms, seq, lastMs, lastSeq);
  if (cmpLast == 0) return added;
  if (cmpLast > 0) return ENTRIES_READ_INVALID;
  const cmpFirst = idCompare(ms, seq, streamFirstMs(s), streamFirstSeq(s));
  const cmpDelFirst = idCompare(streamMaxDelMs(s), streamMaxDelSeq(s), streamFirstMs(s), streamFirstSeq(s));
  if (idIsZero(streamMaxDelMs(s), streamMaxDelSeq(s)) || cmpDelFirst < 0) {
    if (cmpFirst < 0) return added - <i64>streamLength(s);
    if (cmpFirst == 0) return added - <i64>streamLength(s) + 1;
  }
  return ENTRIES_READ_INVALID;
}

/** XINFO's lag of a group: entries added but not read by it; false (nil) when it cannot be known. */
export let lagValue: i64 = 0;
export function streamGroupLag(s: usize, g: usize): bool {
  const added = <i64>streamEntriesAdded(s);
  if (added == 0) { lagValue = 0; return true; }
  const read = groupEntriesRead(g);
  if (read != ENTRIES_READ_INVALID && !streamHasTombstonesFrom(s, groupLastMs(g), groupLastSeq(g))) {
    lagValue = added - read;
    return true;
  }
  const est = streamEstimateDistance(s, groupLastMs(g), groupLastSeq(g));
  if (est == ENTRIES_READ_INVALID) return false;
  lagValue = added - est;
  return true;
}

// ---- moving between shards (store/value-codec.ts) ----
// [64 header bytes][the index's nodes, as stream-index.ts idxEncode writes them]
// [groups u32] groups × ([nameLen u32][name][lastMs u64][lastSeq u64][entriesRead i64]
//   [consumers u32] consumers × ([nameLen u32][name][seen i64])
//   [pending u32] pending × ([ms u64][seq u64][time i64][count u64][consumer index i32]))

function putU32(out: ByteBuf, v: u32): void { out.reserve(4); store<u32>(out.ptr + out.len, v); out.len += 4; }
function putU64(out: ByteBuf, v: u64): void { out.reserve(8); store<u64>(out.ptr + out.len, v); out.len += 8; }

export function streamEncode(s: usize, out: ByteBuf): void {
  out.append(s, 64);
  idxEncode(streamIndex(s), out);
  const t = streamGroups(s);
  putU32(out, namesCount(t));
  for (let i: u32 = 0; i < namesCount(t); i++) {
    const g = namesAt(t, i);
    putU32(out, itemNameLen(g));
    out.append(itemName(g), itemNameLen(g));
    putU64(out, groupLastMs(g));
    putU64(out, groupLastSeq(g));
    putU64(out, <u64>groupEntriesRead(g));
    const cs = groupConsumers(g);
    putU32(out, namesCount(cs));
    for (let k: u32 = 0; k < namesCount(cs); k++) {
      const c = namesAt(cs, k);
      putU32(out, itemNameLen(c));
      out.append(itemName(c), itemNameLen(c));
      putU64(out, <u64>consumerSeen(c));
    }
    const pel = groupPel(g);
    putU32(out, pelCount(pel));
    for (let k: u32 = 0; k < pelCount(pel); k++) {
      const nack = pelValue(pel, k);
      putU64(out, pelMs(pel, k));
      putU64(out, pelSeq(pel, k));
      putU64(out, <u64>nackTime(nack));
      putU64(out, nackCount(nack));
      const c = nackConsumer(nack);
      putU32(out, <u32>(c == 0 ? -1 : namesFind(cs, itemName(c), itemNameLen(c))));
    }
  }
}

export function streamDecode(ptr: usize, len: u32): usize {
  const s = streamNew();
  memory.copy(s, ptr, 64);
  let at = idxDecode(streamIndex(s), ptr + 64);
  const groups = load<u32>(at); at += 4;
  for (let i: u32 = 0; i < groups; i++) {
    const nameLen = load<u32>(at);
    const name = at + 4;
    at += 4 + nameLen;
    const g = groupCreate(streamGroups(s), name, nameLen, load<u64>(at), load<u64>(at, 8), load<i64>(at, 16));
    at += 24;
    const consumers = load<u32>(at); at += 4;
    const made = new Array<usize>();
    for (let k: u32 = 0; k < consumers; k++) {
      const cl = load<u32>(at);
      const c = consumerCreate(g, at + 4, cl, load<i64>(at + 4 + cl));
      made.push(c);
      at += 4 + cl + 8;
    }
    const pending = load<u32>(at); at += 4;
    for (let k: u32 = 0; k < pending; k++) {
      const ms = load<u64>(at);
      const seq = load<u64>(at, 8);
      const owner = load<i32>(at, 32);
      const c = owner >= 0 ? made[owner] : 0;
      const nack = nackNew(c, load<i64>(at, 16));
      nackSetCount(nack, load<u64>(at, 24));
      pelInsert(groupPel(g), ms, seq, nack);
      if (c != 0) pelInsert(consumerPel(c), ms, seq, nack);
      at += 36;
    }
  }
  return s;
}
