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
import { listLen } from "../store/list";

/** BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH: a list with elements. */
export const KIND_LIST: u8 = 1;
/** BZPOPMIN, BZPOPMAX, BZMPOP: a sorted set with members. */
export const KIND_ZSET: u8 = 2;

/** Units `key` holds for a waiter of `kind` with per-key argument `arg` (0 when missing or another type). */
export function unitsAvailable(kind: u8, key: usize, len: u32, arg: usize, argLen: u32): i64 {
  const e = lookup(key, len);
  if (e == 0) return 0;
  if (kind == KIND_LIST) return entryType(e) == TYPE_LIST ? <i64>listLen(entryValue(e)) : 0;
  if (kind == KIND_ZSET) return entryType(e) == TYPE_ZSET ? <i64>zsetLen(entryValue(e)) : 0;
  return 0;
}

export function isConsuming(kind: u8): bool {
  return true;
}

/** The registration's argument for `key`, from what the origin sent (`$` resolved here). */
export function armArg(kind: u8, key: usize, len: u32, arg: usize, argLen: u32, out: ByteBuf): void {
  out.len = 0;
  out.append(arg, argLen);
}
