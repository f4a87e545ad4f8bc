// List commands: pushes and pops at both ends, indexed reads and writes, LINSERT, LREM, LTRIM, LPOS, and
// the moves between lists (LMOVE, RPOPLPUSH, LMPOP) when their keys live on this shard. The structure is
// store/list.ts; the entry holds a list's header address with TYPE_LIST. Replies, error texts and their
// order follow Redis 7.0's t_list.c: a command parses its numbers first or looks its key up first
// exactly where Redis does. A write that empties a list deletes the key; every write marks the key
// modified (WATCH). Moves whose keys span shards are lists-cross.ts; the blocking forms lists-blocking.ts.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import {
  replyBulk, replyNull, replyNullArray, replyOk, replyInt, replyErrorLit, replyArrayLen,
} from "../resp/writer";
import { parseMpopCount, MPOP_COUNT_ERROR, argIs, argToIntOrReply, argInt } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { parseI64, parsedI64 } from "../util/int";
import * as E from "../resp/errors";
import { lookup, lookupRead, insertKey, deleteEntry, entryModified } from "../store/keyspace";
import { entryType, entrySetType, entryValue, entrySetValue, TYPE_LIST } from "../store/entry";
import {
  listNew, listLen, listAt, listPush, listInsert, listSet, listRemove, listRemoveEqual, listEqualAt,
  elemPtr, elemLen,
} from "../store/list";
import { startLmove, startRpoplpush, startLmpop, registerListInternals } from "./lists-cross";
import { registerBlockingListCommands } from "./lists-blocking";
import { escrowRecordPop } from "../blocking/escrow";

/** The entry byte for a list's encoding: Redis 7.0 has one, "quicklist" (commands/keys-names.ts). */
export const ENC_QUICKLIST: u8 = 0;

// ---- shared pieces ----

/** The list entry of argument `i`: 0 when missing (nothing replied), -1 after replying WRONGTYPE. */
export function listEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_LIST) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

/** A new, empty list under `key` (absent); the caller fills it. */
export function createList(key: usize, keyLen: u32): usize {
  const e = insertKey(key, keyLen);
  entrySetType(e, TYPE_LIST, ENC_QUICKLIST);
  entrySetValue(e, listNew());
  return e;
}

/** After a write to list entry `e`: WATCH sees it, and an empty list is deleted. */
export function listWritten(e: usize): void {
  entryModified(e);
  if (listLen(entryValue(e)) == 0) deleteEntry(e);
}

/** LEFT → head (true), RIGHT → tail (false); -1 when argument `i` is neither. */
export function argWhere(i: i32): i32 {
  if (argIs(i, LEFT)) return 1;
  if (argIs(i, RIGHT)) return 0;
  return -1;
}

/** Replies `n` elements of `l` popped from one end (in pop order), then removes them. */
export function popAndReply(l: usize, n: u32, atHead: bool, asArray: bool): void {
  popAndReplyFrom(0, 0, l, n, atHead, asArray);
}

/** popAndReply for key `key` (0: untold): a blocking command's try for another shard's client also keeps
 *  the elements in escrow until that client has them (blocking/escrow.ts). */
export function popAndReplyFrom(key: usize, keyLen: u32, l: usize, n: u32, atHead: bool, asArray: bool): void {
  const len = listLen(l);
  if (asArray) replyArrayLen(n);
  for (let k: u32 = 0; k < n; k++) {
    listAt(l, atHead ? k : len - 1 - k);
    replyBulk(elemPtr, elemLen);
    if (key != 0) escrowRecordPop(key, keyLen, atHead, elemPtr, elemLen);
  }
  listRemove(l, atHead ? 0 : len - n, n);
}

// ---- pushes ----

function pushGeneric(atHead: bool, onlyIfExists: bool): void {
  let e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) {
    if (onlyIfExists) { replyInt(0); return; }
    e = <isize>createList(argPtr(1), argLen(1));
  } else {
    entryModified(<usize>e);
  }
  const l = entryValue(<usize>e);
  for (let j = 2; j < argc; j++) listPush(l, argPtr(j), argLen(j), atHead);
  replyInt(listLen(l));
}

function lpush(c: Conn): void { pushGeneric(true, false); }
function rpush(c: Conn): void { pushGeneric(false, false); }
function lpushx(c: Conn): void { pushGeneric(true, true); }
function rpushx(c: Conn): void { pushGeneric(false, true); }

// ---- pops ----

function popGeneric(atHead: bool, arity: Lit): void {
  if (argc > 3) { replyErrorLit(arity); return; }
  const hasCount = argc == 3;
  let count: i64 = 0;
  if (hasCount) {
    if (!parseI64(argPtr(2), argLen(2)) || parsedI64 < 0) { replyErrorLit(E.ERR_MUST_BE_POSITIVE); return; }
    count = parsedI64;
  }
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) {
    if (hasCount) replyNullArray(); else replyNull();
    return;
  }
  if (hasCount && count == 0) { replyArrayLen(0); return; }
  const l = entryValue(<usize>e);
  const n = hasCount ? <u32>min<i64>(count, listLen(l)) : 1;
  popAndReply(l, n, atHead, hasCount);
  listWritten(<usize>e);
}

function lpop(c: Conn): void { popGeneric(true, LPOP_ARITY); }
function rpop(c: Conn): void { popGeneric(false, RPOP_ARITY); }

// ---- reads ----

function llen(c: Conn): void {
  const e = listEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : listLen(entryValue(<usize>e)));
}

function lindex(c: Conn): void {
  const e = listEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  if (!argToIntOrReply(2)) return;
  const l = entryValue(<usize>e);
  let index = argInt;
  if (index < 0) index += listLen(l);
  if (index < 0 || index >= <i64>listLen(l)) { replyNull(); return; }
  listAt(l, <u32>index);
  replyBulk(elemPtr, elemLen);
}

/** Redis's range clamp (addListRangeReply, LTRIM): false when the range is empty. */
let rangeStart: i64 = 0;
let rangeEnd: i64 = 0;

function clampRange(start: i64, end: i64, len: i64): bool {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  rangeStart = start;
  rangeEnd = end;
  return true;
}

function lrange(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  const start = argInt;
  if (!argToIntOrReply(3)) return;
  const end = argInt;
  const e = listEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyArrayLen(0); return; }
  const l = entryValue(<usize>e);
  if (!clampRange(start, end, listLen(l))) { replyArrayLen(0); return; }
  replyArrayLen(rangeEnd - rangeStart + 1);
  for (let i = <u32>rangeStart; i <= <u32>rangeEnd; i++) {
    listAt(l, i);
    replyBulk(elemPtr, elemLen);
  }
}

function lpos(c: Conn): void {
  let rank: i64 = 1;
  let count: i64 = -1;
  let maxlen: i64 = 0;
  for (let j = 3; j < argc; j++) {
    const more = j < argc - 1;
    if (more && argIs(j, RANK)) {
      j++;
      if (!argToIntOrReply(j)) return;
      rank = argInt;
      if (rank == 0) { replyErrorLit(E.ERR_LPOS_RANK_ZERO); return; }
    } else if (more && argIs(j, COUNT)) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedI64 < 0) { replyErrorLit(E.ERR_LPOS_COUNT_NEGATIVE); return; }
      count = parsedI64;
    } else if (more && argIs(j, MAXLEN)) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedI64 < 0) { replyErrorLit(E.ERR_LPOS_MAXLEN_NEGATIVE); return; }
      maxlen = parsedI64;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  // A negative rank searches from the tail. (-LONG_MIN wraps to itself, as in Redis: every match ranks.)
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const e = listEntry(1, true);
  if (e < 0) return;
  if (e == 0) {
    if (count != -1) replyArrayLen(0); else replyNull();
    return;
  }
  const l = entryValue(<usize>e);
  const len = <i64>listLen(l);
  const found = new Array<i64>();
  let matches: i64 = 0;
  for (let index: i64 = 0; index < len && (maxlen == 0 || index < maxlen); index++) {
    const at = fromTail ? len - index - 1 : index;
    if (!listEqualAt(l, <u32>at, argPtr(2), argLen(2))) continue;
    matches++;
    if (matches >= rank) {
      found.push(at);
      if (count == -1) break;
      if (count != 0 && matches - rank + 1 >= count) break;
    }
  }
  if (count == -1) {
    if (found.length > 0) replyInt(found[0]); else replyNull();
    return;
  }
  replyArrayLen(found.length);
  for (let i = 0; i < found.length; i++) replyInt(unchecked(found[i]));
}

// ---- writes in place ----

function lset(c: Conn): void {
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyErrorLit(E.ERR_NO_KEY); return; }
  if (!argToIntOrReply(2)) return;
  const l = entryValue(<usize>e);
  let index = argInt;
  if (index < 0) index += listLen(l);
  if (index < 0 || index >= <i64>listLen(l)) { replyErrorLit(E.ERR_INDEX_RANGE); return; }
  listSet(l, <u32>index, argPtr(3), argLen(3));
  entryModified(<usize>e);
  replyOk();
}

function linsert(c: Conn): void {
  let after = false;
  if (argIs(2, AFTER)) after = true;
  else if (!argIs(2, BEFORE)) { replyErrorLit(E.ERR_SYNTAX); return; }
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const l = entryValue(<usize>e);
  const len = listLen(l);
  for (let i: u32 = 0; i < len; i++) {
    if (!listEqualAt(l, i, argPtr(3), argLen(3))) continue;
    listInsert(l, after ? i + 1 : i, argPtr(4), argLen(4));
    entryModified(<usize>e);
    replyInt(listLen(l));
    return;
  }
  replyInt(-1);
}

function lrem(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  const toRemove = argInt;
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  // |LONG_MIN| wraps to itself; as u64 it is 2^63, a limit never reached: remove all, as Redis does.
  const limit = toRemove < 0 ? <u64>(-toRemove) : <u64>toRemove;
  const removed = listRemoveEqual(entryValue(<usize>e), argPtr(3), argLen(3), limit, toRemove < 0);
  if (removed > 0) listWritten(<usize>e);
  replyInt(removed);
}

function ltrim(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  const start = argInt;
  if (!argToIntOrReply(3)) return;
  const end = argInt;
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyOk(); return; }
  const l = entryValue(<usize>e);
  const len = listLen(l);
  if (!clampRange(start, end, len)) {
    listRemove(l, 0, len);
  } else {
    listRemove(l, <u32>rangeEnd + 1, len - <u32>rangeEnd - 1);
    listRemove(l, 0, <u32>rangeStart);
  }
  listWritten(<usize>e);
  replyOk();
}

// ---- moves between lists on this shard ----

const moved = new ByteBuf();

/** LMOVE's body once the directions are known; source and destination are arguments 1 and 2. */
function lmoveGeneric(fromHead: bool, toHead: bool): void {
  const se = listEntry(1, false);
  if (se < 0) return;
  if (se == 0) { replyNull(); return; }
  let de = lookup(argPtr(2), argLen(2));
  if (de != 0 && entryType(de) != TYPE_LIST) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  const sl = entryValue(<usize>se);
  const at = fromHead ? 0 : listLen(sl) - 1;
  listAt(sl, at);
  moved.len = 0;
  moved.append(elemPtr, elemLen);
  listRemove(sl, at, 1);
  if (de == 0) de = createList(argPtr(2), argLen(2));
  else entryModified(de);
  listPush(entryValue(de), moved.ptr, moved.len, toHead);
  // Source and destination may be one key (a rotation): then it is not empty now.
  listWritten(<usize>se);
  replyBulk(moved.ptr, moved.len);
  moved.len = 0;
  moved.shrinkIfIdle();
}

export function lmove(c: Conn): void {
  const from = argWhere(3);
  const to = argWhere(4);
  if (from < 0 || to < 0) { replyErrorLit(E.ERR_SYNTAX); return; }
  lmoveGeneric(from == 1, to == 1);
}

export function rpoplpush(c: Conn): void { lmoveGeneric(false, true); }

// ---- LMPOP numkeys key [key …] LEFT|RIGHT [COUNT count] ----

/** What parseLmpop read: the key count, the end to pop from, and how many elements at most. */
export let mpopKeys: i32 = 0;
export let mpopHead: bool = true;
export let mpopCount: i64 = 1;

/** Parses LMPOP's arguments (keys from 2); false after replying Redis's error. */
export function parseLmpop(): bool { return parseMpopAt(1); }

/** The first key's index, as parseMpopAt found it. */
export let mpopFirstKey: i32 = 2;

/** Parses `numkeys key [key …] LEFT|RIGHT [COUNT count]` from argument `at` (BLMPOP's is 2). */
export function parseMpopAt(at: i32): bool {
  if (!parseI64(argPtr(at), argLen(at)) || parsedI64 < 1) { replyErrorLit(E.ERR_NUMKEYS_POSITIVE); return false; }
  const numkeys = parsedI64;
  if (numkeys >= <i64>argc - at - 1) { replyErrorLit(E.ERR_SYNTAX); return false; }
  const whereIdx = <i32>numkeys + at + 1;
  const where = argWhere(whereIdx);
  if (where < 0) { replyErrorLit(E.ERR_SYNTAX); return false; }
  const count = parseMpopCount(whereIdx + 1);
  if (count == MPOP_COUNT_ERROR) return false;
  mpopKeys = <i32>numkeys;
  mpopFirstKey = at + 1;
  mpopHead = where == 1;
  mpopCount = count == -1 ? 1 : count;
  return true;
}

/** Pops from the first non-empty list among the parsed keys: `[key, [elements]]`; false if all empty. */
export function mpopTry(): bool {
  for (let k = mpopFirstKey; k < mpopFirstKey + mpopKeys; k++) {
    const e = listEntry(k, false);
    if (e < 0) return true;
    if (e == 0) continue;
    const l = entryValue(<usize>e);
    const n = <u32>min<i64>(mpopCount, listLen(l));
    replyArrayLen(2);
    replyBulk(argPtr(k), argLen(k));
    popAndReplyFrom(argPtr(k), argLen(k), l, n, mpopHead, true);
    listWritten(<usize>e);
    return true;
  }
  return false;
}

/** Pops from the first non-empty list among keys 2 … ; `[key, [elements]]`, or a null array. */
export function lmpop(c: Conn): void {
  if (!parseLmpop()) return;
  if (!mpopTry()) replyNullArray();
}

export function registerListCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  defineCommand("lpush", -3, W | F_FAST, 1, 1, 1, "write list fast", lpush);
  defineCommand("rpush", -3, W | F_FAST, 1, 1, 1, "write list fast", rpush);
  defineCommand("lpushx", -3, W | F_FAST, 1, 1, 1, "write list fast", lpushx);
  defineCommand("rpushx", -3, W | F_FAST, 1, 1, 1, "write list fast", rpushx);
  defineCommand("lpop", -2, F_WRITE | F_FAST, 1, 1, 1, "write list fast", lpop);
  defineCommand("rpop", -2, F_WRITE | F_FAST, 1, 1, 1, "write list fast", rpop);
  defineCommand("llen", 2, F_READONLY | F_FAST, 1, 1, 1, "read list fast", llen);
  defineCommand("lindex", 3, F_READONLY, 1, 1, 1, "read list slow", lindex);
  defineCommand("linsert", 5, W, 1, 1, 1, "write list slow", linsert);
  defineCommand("lrange", 4, F_READONLY, 1, 1, 1, "read list slow", lrange);
  defineCommand("lset", 4, W, 1, 1, 1, "write list slow", lset);
  defineCommand("lrem", 4, F_WRITE, 1, 1, 1, "write list slow", lrem);
  defineCommand("ltrim", 4, F_WRITE, 1, 1, 1, "write list slow", ltrim);
  defineCommand("lpos", -3, F_READONLY, 1, 1, 1, "read list slow", lpos);
  crossShard(defineCommand("lmove", 5, W, 1, 2, 1, "write list slow", lmove), startLmove, false, true);
  crossShard(defineCommand("rpoplpush", 3, W, 1, 2, 1, "write list slow", rpoplpush), startRpoplpush, false, true);
  // Movable keys (numkeys): the table cannot place them, so the starter always decides where it runs.
  crossShard(defineCommand("lmpop", -4, F_WRITE, 0, 0, 0, "write list slow", lmpop), startLmpop, true, false);
  registerListInternals();
  registerBlockingListCommands();
}

const LEFT = new Lit("left");
const RIGHT = new Lit("right");
const BEFORE = new Lit("before");
const AFTER = new Lit("after");
const RANK = new Lit("rank");
const COUNT = new Lit("count");
const MAXLEN = new Lit("maxlen");
const LPOP_ARITY = new Lit("ERR wrong number of arguments for 'lpop' command");
const RPOP_ARITY = new Lit("ERR wrong number of arguments for 'rpop' command");
