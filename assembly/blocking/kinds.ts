// The kinds of blocking command, and what each means for the arbiter (waiters.ts):
//   - units: how much a key holds for a waiter of that kind (elements of a list …); 0 keeps it waiting.
//     A waiter of one kind on a key holding another type sees nothing there, as in Redis 7.0.
//   - consuming: a serve takes what the next waiter would get (pops), so waiters are served one after
//     the other in queue order; a reading kind (XREAD) serves every waiter that has data, in any order.
//   - armArg: what the waiter's per-key argument becomes when it arms on the key's own shard (XREAD's `$`
//     is frozen there to the stream's last ID at that moment).
// Sorted sets and streams add their kinds here.
import { ByteBuf } from "../util/mem";
import { lookup } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST, TYPE_ZSET } from "../store/entry";
import { zsetLen } from "../store/zset";
import { TYPE_STREAM } from "../store/entry";
import { streamLastMs, streamLastSeq, streamGroups, streamIndex } from "../store/stream";
import { groupLookup, groupLastMs, groupLastSeq } from "../store/stream-groups";
import { idParse, idMs, idSeq, idCompare, idIncr } from "../store/stream-id";
import { idxSeekFirst, idxNext } from "../store/stream-index";
import { listLen } from "../store/list";

/** BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH: a list with elements. */
export const KIND_LIST: u8 = 1;
/** BZPOPMIN, BZPOPMAX, BZMPOP: a sorted set with members. */
export const KIND_ZSET: u8 = 2;
/** XREAD BLOCK: a stream whose last ID is past the waiter's (its argument: that ID, 16 bytes). Reading. */
export const KIND_STREAM: u8 = 3;
/** XREADGROUP BLOCK with `>`: entries its group has not delivered (its argument: the group's name); also
 *  "ready" when the stream or the group is gone, so the waiter gets Redis's error. */
export const KIND_STREAM_GROUP: u8 = 4;

/** Units `key` holds for a waiter of `kind` with per-key argument `arg` (0 when missing or another type). */
export function unitsAvailable(kind: u8, key: usize, len: u32, arg: usize, argLen: u32): i64 {
  const e = lookup(key, len);
  if (e == 0) return kind == KIND_STREAM_GROUP ? 1 : 0;
  if (kind == KIND_LIST) return entryType(e) == TYPE_LIST ? <i64>listLen(entryValue(e)) : 0;
  if (kind == KIND_ZSET) return entryType(e) == TYPE_ZSET ? <i64>zsetLen(entryValue(e)) : 0;
  if (kind == KIND_STREAM) return streamUnits(e, arg);
  if (kind == KIND_STREAM_GROUP) return groupUnits(e, arg, argLen);
  return 0;
}

export function isConsuming(kind: u8): bool {
  return kind != KIND_STREAM;
}

/** The registration's argument for `key`, from what the origin sent (`$` resolved here). */
export function armArg(kind: u8, key: usize, len: u32, arg: usize, argLen: u32, out: ByteBuf): void {
  out.len = 0;
  if (kind != KIND_STREAM) { out.append(arg, argLen); return; }
  // XREAD's ID: `$` is the stream's last ID right now, on the stream's own shard (0-0 if there is none).
  let ms: u64 = 0;
  let seq: u64 = 0;
  if (argLen == 1 && load<u8>(arg) == 0x24) {
    const e = lookup(key, len);
    if (e != 0 && entryType(e) == TYPE_STREAM) { ms = streamLastMs(entryValue(e)); seq = streamLastSeq(entryValue(e)); }
  } else if (idParse(arg, argLen, 0, true, false)) {
    ms = idMs;
    seq = idSeq;
  }
  out.reserve(16);
  store<u64>(out.ptr, ms);
  store<u64>(out.ptr, seq, 8);
  out.len = 16;
}

function streamUnits(e: usize, id: usize): i64 {
  if (entryType(e) != TYPE_STREAM) return 0;
  const s = entryValue(e);
  return idCompare(streamLastMs(s), streamLastSeq(s), load<u64>(id), load<u64>(id, 8)) > 0 ? 1 : 0;
}

/** Undelivered entries of the group (a few at most are counted), or 1 when it must hear of an error. */
function groupUnits(e: usize, group: usize, groupLen: u32): i64 {
  if (entryType(e) != TYPE_STREAM) return 1;
  const s = entryValue(e);
  const g = groupLookup(streamGroups(s), group, groupLen);
  if (g == 0) return 1;
  if (idCompare(streamLastMs(s), streamLastSeq(s), groupLastMs(g), groupLastSeq(g)) <= 0) return 0;
  idIncr(groupLastMs(g), groupLastSeq(g));
  let n: i64 = 0;
  let ok = idxSeekFirst(streamIndex(s), idMs, idSeq);
  while (ok && n < UNITS_COUNTED) { n++; ok = idxNext(); }
  return n;
}

const UNITS_COUNTED: i64 = 64;
