// The kinds of blocking command, and what "ready" means for each: how many units a key holds for a
// waiter of that kind (elements of a list; sorted sets and streams plug in here). A waiter of one kind on
// a key holding another type sees nothing there and keeps waiting, as in Redis 7.0.
import { lookup } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST } from "../store/entry";
import { listLen } from "../store/list";

/** BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH: a list with elements. */
export const KIND_LIST: u8 = 1;

/** Units `key` holds for a waiter of `kind` (0 when missing or of another type). */
export function unitsAvailable(kind: u8, key: usize, len: u32): i64 {
  const e = lookup(key, len);
  if (e == 0) return 0;
  if (kind == KIND_LIST) return entryType(e) == TYPE_LIST ? <i64>listLen(entryValue(e)) : 0;
  return 0;
}
