// Sorted set commands, the core: the helpers every zset command file shares (finding a key's set,
// creating one, what a write must do after), and ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK,
// ZREVRANK. The structure is store/zset.ts; the entry holds the set's header with TYPE_ZSET and the
// set's form as its encoding byte (kept in step by zsetWritten: OBJECT ENCODING reads it). Ranges are
// zset-range.ts, pops zset-pop.ts, the set algebra zset-algebra.ts, ZRANDMEMBER and ZSCAN
// zset-sample.ts, and commands whose keys span shards zsets-cross.ts. Replies, error texts and their
// order follow Redis 7.0's t_zset.c.
//
// Two seams let a cross-shard op run these handlers at its origin on sets fetched from other shards
// (zsets-cross.ts): `zsetSource` reads a source key from `sourceOverride` when one is set, and
// `storeResult` leaves the set to write as a payload in `storePayload` instead of writing the keyspace.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import {
  replyNull, replyInt, replyErrorLit, replyArrayLen, replyDouble, replyBulk,
} from "../resp/writer";
import { argIs } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { parseDouble, parsedF64 } from "../util/float";
import * as E from "../resp/errors";
import { lookup, lookupRead, insertKey, deleteEntry, entryModified } from "../store/keyspace";
import {
  entryType, entrySetType, entryValue, entrySetValue, entryEncoding, TYPE_ZSET, NO_EXPIRY,
} from "../store/entry";
import {
  zsetNew, zsetLen, zsetForm, zsetScore, foundScore, zsetInsert, zsetUpdate, zsetDelete, zsetRank,
  zsetFree, zsetEncode, FORM_LISTPACK, FORM_SKIPLIST, MAX_LISTPACK_VALUE,
} from "../store/zset";
import { SetIter } from "../store/set";
import { TYPE_SET } from "../store/entry";
import { registerZsetRangeCommands } from "./zset-range";
import { registerZsetPopCommands } from "./zset-pop";
import { registerZsetAlgebraCommands } from "./zset-algebra";
import { registerBlockingZsetCommands } from "./zsets-blocking";
import { registerZsetSampleCommands } from "./zset-sample";
import { registerZsetInternals } from "./zsets-cross";

// ---- shared pieces ----

/** The zset entry of argument `i`: 0 when missing (nothing replied), -1 after replying WRONGTYPE. */
export function zsetEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_ZSET) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

/** A new, empty set under `key` (absent) in the given form; the caller fills it. */
export function createZset(key: usize, keyLen: u32, form: u32): usize {
  const e = insertKey(key, keyLen);
  entrySetType(e, TYPE_ZSET, <u8>form);
  entrySetValue(e, zsetNew(form));
  return e;
}

/** After a write to zset entry `e`: WATCH sees it, the encoding byte follows the form, empty is deleted. */
export function zsetWritten(e: usize): void {
  entryModified(e);
  const z = entryValue(e);
  if (zsetLen(z) == 0) { deleteEntry(e); return; }
  if (entryEncoding(e) != <u8>zsetForm(z)) entrySetType(e, TYPE_ZSET, <u8>zsetForm(z));
}

/**
 * Sets fetched from other shards by a cross-shard op, by argument index: a set's header, SOURCE_MISSING
 * or SOURCE_WRONGTYPE. Null outside such an op (sources are read from the keyspace).
 */
export let sourceOverride: Array<usize> | null = null;
export const SOURCE_MISSING: usize = 0;
export const SOURCE_WRONGTYPE: usize = 1;

export function setSourceOverride(o: Array<usize> | null): void { sourceOverride = o; }

/** The set named by argument `i` for reading: its header, SOURCE_MISSING or SOURCE_WRONGTYPE. */
export function zsetSource(i: i32): usize {
  const o = sourceOverride;
  if (o != null) return i < o.length ? o[i] : SOURCE_MISSING;
  return zsetSourceOf(lookupRead(argPtr(i), argLen(i)));
}

function zsetSourceOf(e: usize): usize {
  if (e == 0) return SOURCE_MISSING;
  if (entryType(e) != TYPE_ZSET) return SOURCE_WRONGTYPE;
  return entryValue(e);
}

/** A sorted set holding a plain set's members, every score 1 (a source of ZUNION and friends). */
export function zsetOfSet(s: usize): usize {
  const z = zsetNew(FORM_LISTPACK);
  const it = new SetIter(s);
  while (it.next()) zsetInsert(z, 1.0, it.ptr, it.len);
  return z;
}

/** Sorted sets made from plain sets for the command running now; freed when it is done. */
const madeFromSets = new Array<usize>();

/** Like zsetSource, but a plain set counts as a sorted set with every score 1 (Redis's zsetConvert). */
export function zsetOrSetSource(i: i32): usize {
  if (sourceOverride != null) return zsetSource(i);
  const e = lookupRead(argPtr(i), argLen(i));
  if (e != 0 && entryType(e) == TYPE_SET) {
    const z = zsetOfSet(entryValue(e));
    madeFromSets.push(z);
    return z;
  }
  return zsetSourceOf(e);
}

export function releaseSetSources(): void {
  for (let i = 0; i < madeFromSets.length; i++) zsetFree(madeFromSets[i]);
  madeFromSets.length = 0;
}

/** When set, storeResult encodes the set here (a `\0put` payload) instead of writing the keyspace. */
let storePayload: ByteBuf | null = null;
/** What the last storeResult into a payload asked for: STORE_NONE, STORE_PUT or STORE_DELETE. */
export let storeOutcome: i32 = 0;
export const STORE_NONE: i32 = 0;
export const STORE_PUT: i32 = 1;
export const STORE_DELETE: i32 = 2;

export function setStorePayload(out: ByteBuf | null): void { storePayload = out; storeOutcome = STORE_NONE; }

/**
 * Makes the computed set `z` (0 or empty: nothing) the value of key `dst`, replacing whatever was
 * there and its TTL (setKey); an empty result deletes `dst` (Redis's dbDelete). Takes ownership of `z`.
 */
export function storeResult(dst: usize, dstLen: u32, z: usize): void {
  const empty = z == 0 || zsetLen(z) == 0;
  const out = storePayload;
  if (out != null) {
    if (empty) {
      storeOutcome = STORE_DELETE;
    } else {
      out.len = 0;
      out.reserve(10);
      store<u8>(out.ptr, TYPE_ZSET);
      store<u8>(out.ptr, <u8>zsetForm(z), 1);
      store<i64>(out.ptr, NO_EXPIRY, 2);
      out.len = 10;
      zsetEncode(z, out);
      storeOutcome = STORE_PUT;
    }
    if (z != 0) zsetFree(z);
    return;
  }
  const old = lookup(dst, dstLen);
  if (old != 0) deleteEntry(old);
  if (empty) {
    if (z != 0) zsetFree(z);
    return;
  }
  const e = insertKey(dst, dstLen);
  entrySetType(e, TYPE_ZSET, <u8>zsetForm(z));
  entrySetValue(e, z);
}

/** Writes a member and its score: `[member, score]` in RESP3 when `pair`, else the two flat. */
export function replyMemberScore(p: usize, n: u32, score: f64, pair: bool): void {
  if (pair) replyArrayLen(2);
  replyBulk(p, n);
  replyDouble(score);
}

// ---- ZADD / ZINCRBY ----

const IN_NX: i32 = 1;
const IN_XX: i32 = 2;
const IN_GT: i32 = 4;
const IN_LT: i32 = 8;
const IN_INCR: i32 = 16;

/** One element through zsetAdd's rules; what happened to it. */
const OUT_NOP: i32 = 0;
const OUT_ADDED: i32 = 1;
const OUT_UPDATED: i32 = 2;
const OUT_SAME: i32 = 3;
const OUT_NAN: i32 = 4;
let addedScore: f64 = 0;

function zsetAdd(z: usize, score: f64, p: usize, n: u32, flags: i32): i32 {
  if (zsetScore(z, p, n)) {
    if (flags & IN_NX) return OUT_NOP;
    const cur = foundScore;
    if (flags & IN_INCR) {
      score += cur;
      if (isNaN(score)) return OUT_NAN;
    }
    if (((flags & IN_LT) && score >= cur) || ((flags & IN_GT) && score <= cur)) return OUT_NOP;
    addedScore = score;
    if (score != cur) { zsetUpdate(z, p, n, score); return OUT_UPDATED; }
    return OUT_SAME;
  }
  if (flags & IN_XX) return OUT_NOP;
  zsetInsert(z, score, p, n);
  addedScore = score;
  return OUT_ADDED;
}

/** ZADD's body from its options on (ZINCRBY is ZADD with INCR and its options read the same way). */
function zaddGeneric(flags: i32): void {
  let ch = false;
  let at = 2;
  for (; at < argc; at++) {
    if (argIs(at, NX)) flags |= IN_NX;
    else if (argIs(at, XX)) flags |= IN_XX;
    else if (argIs(at, CH)) ch = true;
    else if (argIs(at, INCR)) flags |= IN_INCR;
    else if (argIs(at, GT)) flags |= IN_GT;
    else if (argIs(at, LT)) flags |= IN_LT;
    else break;
  }
  const incr = (flags & IN_INCR) != 0;
  const nx = (flags & IN_NX) != 0;
  const gt = (flags & IN_GT) != 0;
  const lt = (flags & IN_LT) != 0;
  let elements = argc - at;
  if (elements % 2 != 0 || elements == 0) { replyErrorLit(E.ERR_SYNTAX); return; }
  elements /= 2;
  if (nx && (flags & IN_XX) != 0) { replyErrorLit(E.ERR_ZADD_XX_NX); return; }
  if ((gt && nx) || (lt && nx) || (gt && lt)) { replyErrorLit(E.ERR_ZADD_GT_LT_NX); return; }
  if (incr && elements > 1) { replyErrorLit(E.ERR_ZADD_INCR_PAIR); return; }
  const scores = new StaticArray<f64>(elements);
  for (let j = 0; j < elements; j++) {
    if (!parseDouble(argPtr(at + j * 2), argLen(at + j * 2))) { replyErrorLit(E.ERR_NOT_FLOAT); return; }
    scores[j] = parsedF64;
  }
  let e = zsetEntry(1, false);
  if (e < 0) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score: f64 = 0;
  if (e == 0) {
    if ((flags & IN_XX) != 0) { replyZaddResult(incr, 0, 0, 0); return; }
    const form = argLen(at + 1) > MAX_LISTPACK_VALUE ? FORM_SKIPLIST : FORM_LISTPACK;
    e = <isize>createZset(argPtr(1), argLen(1), form);
  }
  const z = entryValue(<usize>e);
  for (let j = 0; j < elements; j++) {
    const m = at + 1 + j * 2;
    const out = zsetAdd(z, scores[j], argPtr(m), argLen(m), flags);
    if (out == OUT_NAN) {
      if (added + updated > 0) zsetWritten(<usize>e);
      replyErrorLit(E.ERR_SCORE_NAN);
      return;
    }
    if (out == OUT_ADDED) added++;
    else if (out == OUT_UPDATED) updated++;
    if (out != OUT_NOP) { processed++; score = addedScore; }
  }
  if (added + updated > 0) zsetWritten(<usize>e);
  replyZaddResult(incr, processed, score, ch ? added + updated : added);
}

function replyZaddResult(incr: bool, processed: i32, score: f64, count: i32): void {
  if (!incr) { replyInt(count); return; }
  if (processed > 0) replyDouble(score); else replyNull();
}

function zadd(c: Conn): void { zaddGeneric(0); }
function zincrby(c: Conn): void { zaddGeneric(IN_INCR); }

// ---- ZREM ----

function zrem(c: Conn): void {
  const e = zsetEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const z = entryValue(<usize>e);
  let deleted = 0;
  for (let j = 2; j < argc; j++) {
    if (zsetDelete(z, argPtr(j), argLen(j))) deleted++;
    if (zsetLen(z) == 0) break;
  }
  if (deleted > 0) zsetWritten(<usize>e);
  replyInt(deleted);
}

// ---- reads ----

function zcard(c: Conn): void {
  const e = zsetEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : zsetLen(entryValue(<usize>e)));
}

function zscore(c: Conn): void {
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0 || !zsetScore(entryValue(<usize>e), argPtr(2), argLen(2))) { replyNull(); return; }
  replyDouble(foundScore);
}

function zmscore(c: Conn): void {
  const e = zsetEntry(1, true);
  if (e < 0) return;
  replyArrayLen(argc - 2);
  for (let j = 2; j < argc; j++) {
    if (e == 0 || !zsetScore(entryValue(<usize>e), argPtr(j), argLen(j))) replyNull();
    else replyDouble(foundScore);
  }
}

function rankGeneric(reverse: bool): void {
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  const z = entryValue(<usize>e);
  const rank = zsetRank(z, argPtr(2), argLen(2));
  if (rank < 0) { replyNull(); return; }
  replyInt(reverse ? <i64>zsetLen(z) - 1 - rank : rank);
}

function zrank(c: Conn): void { rankGeneric(false); }
function zrevrank(c: Conn): void { rankGeneric(true); }

export function registerZsetCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  defineCommand("zadd", -4, W | F_FAST, 1, 1, 1, "write sortedset fast", zadd);
  defineCommand("zincrby", 4, W | F_FAST, 1, 1, 1, "write sortedset fast", zincrby);
  defineCommand("zrem", -3, F_WRITE | F_FAST, 1, 1, 1, "write sortedset fast", zrem);
  defineCommand("zcard", 2, F_READONLY | F_FAST, 1, 1, 1, "read sortedset fast", zcard);
  defineCommand("zscore", 3, F_READONLY | F_FAST, 1, 1, 1, "read sortedset fast", zscore);
  defineCommand("zmscore", -3, F_READONLY | F_FAST, 1, 1, 1, "read sortedset fast", zmscore);
  defineCommand("zrank", 3, F_READONLY | F_FAST, 1, 1, 1, "read sortedset fast", zrank);
  defineCommand("zrevrank", 3, F_READONLY | F_FAST, 1, 1, 1, "read sortedset fast", zrevrank);
  registerZsetRangeCommands();
  registerZsetPopCommands();
  registerBlockingZsetCommands();
  registerZsetAlgebraCommands();
  registerZsetSampleCommands();
  registerZsetInternals();
}

const NX = new Lit("nx");
const XX = new Lit("xx");
const CH = new Lit("ch");
const INCR = new Lit("incr");
const GT = new Lit("gt");
const LT = new Lit("lt");
