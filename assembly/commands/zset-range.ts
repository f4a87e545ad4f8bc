// Sorted set ranges: by rank, by score and by lex, to read (ZRANGE and its older spellings ZREVRANGE,
// Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX), to store (ZRANGESTORE), to count (ZCOUNT, ZLEXCOUNT) and to
// remove (ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX). Redis 7.0's zrangeGenericCommand and
// zremrangeGenericCommand are the spec, argument order of checks included.
//
// Every range becomes a span of ranks first: a score or lex bound is turned into "how many members sort
// before it" (store/zset.ts: a descent on the skip list, a walk on the listpack), so counting is a
// subtraction and reading or removing walks only the members in the span.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import { replyInt, replyErrorLit, replyArrayLen, replyBulk, replyResp3 } from "../resp/writer";
import { argIs, argToIntOrReply, argInt } from "./options";
import { Lit } from "../util/mem";
import { parseStrtod, parsedF64 } from "../util/float";
import * as E from "../resp/errors";
import { entryValue } from "../store/entry";
import {
  zsetNew, zsetLen, zsetForm, zsetInsert, zsetDeleteRange, zsetCountBelowScore, zsetCountUpToScore,
  zsetCountBelowLex, zsetCountUpToLex, zsetFormFor, lexGteMin, lexLteMax, LexBound, ZIter, FORM_LISTPACK,
} from "../store/zset";
import { compareBytes } from "../util/bytes";
import {
  zsetEntry, zsetWritten, zsetSource, storeResult, replyMemberScore, SOURCE_MISSING, SOURCE_WRONGTYPE,
} from "./zsets";
import { startZrangestore } from "./zsets-cross";

// ---- parsing bounds ----

/** A score range (zrangespec); filled by parseScoreRange. */
export let rangeMin: f64 = 0;
export let rangeMax: f64 = 0;
export let rangeMinEx: bool = false;
export let rangeMaxEx: bool = false;

function parseScoreBound(i: i32, isMin: bool): bool {
  let p = argPtr(i);
  let n = argLen(i);
  let ex = false;
  if (n > 0 && load<u8>(p) == 0x28) { ex = true; p++; n--; }
  if (!parseStrtod(p, n)) return false;
  if (isMin) { rangeMin = parsedF64; rangeMinEx = ex; } else { rangeMax = parsedF64; rangeMaxEx = ex; }
  return true;
}

/** zslParseRange over arguments `iMin` and `iMax`. */
export function parseScoreRange(iMin: i32, iMax: i32): bool {
  return parseScoreBound(iMin, true) && parseScoreBound(iMax, false);
}

/** zslParseLexRangeItem: "+", "-", "(bytes" or "[bytes". */
function parseLexBound(i: i32, b: LexBound): bool {
  const p = argPtr(i);
  const n = argLen(i);
  if (n == 0) return false;
  const c = load<u8>(p);
  if (c == 0x2b || c == 0x2d) {
    if (n > 1 && load<u8>(p, 1) != 0) return false;
    b.kind = c == 0x2b ? 1 : -1;
    b.ex = true;
    return true;
  }
  if (c != 0x28 && c != 0x5b) return false;
  b.kind = 0;
  b.ptr = p + 1;
  b.len = n - 1;
  b.ex = c == 0x28;
  return true;
}

export const lexMin = new LexBound();
export const lexMax = new LexBound();

export function parseLexRange(iMin: i32, iMax: i32): bool {
  return parseLexBound(iMin, lexMin) && parseLexBound(iMax, lexMax);
}

/** The rank span [spanFirst, spanEnd) a score range covers in `z` (spanEnd ≤ spanFirst: empty). */
export let spanFirst: i64 = 0;
export let spanEnd: i64 = 0;

export function scoreSpan(z: usize): void {
  spanFirst = zsetCountBelowScore(z, rangeMin, rangeMinEx);
  spanEnd = zsetCountUpToScore(z, rangeMax, rangeMaxEx);
}

// Lex ranges are only ordered when every score is equal; with mixed scores Redis's answers depend on
// how it searches, so these follow its steps exactly (zslFirstInLexRange, zzlLastInLexRange …): an
// "always empty" test, the ends checked, the start found (a descent on a skip list, a walk on a
// listpack), then a walk that stops at the first member out of range.

/** sdscmplex of two bounds: "-" and "+" are below and above everything, and equal to themselves. */
function boundCompare(a: LexBound, b: LexBound): i32 {
  if (a.kind != 0 && a.kind == b.kind) return 0;
  if (a.kind < 0 || b.kind > 0) return -1;
  if (a.kind > 0 || b.kind < 0) return 1;
  return compareBytes(a.ptr, a.len, b.ptr, b.len);
}

function memberAt(z: usize, rank: i64): ZIter {
  const it = new ZIter(z);
  it.seek(<u32>rank);
  return it;
}

/** zslIsInLexRange / zzlIsInLexRange: false when no member can be in the range. */
function lexMayHit(z: usize): bool {
  const c = boundCompare(lexMin, lexMax);
  if (c > 0 || (c == 0 && (lexMin.ex || lexMax.ex))) return false;
  const n = zsetLen(z);
  if (n == 0) return false;
  const last = memberAt(z, n - 1);
  if (!lexGteMin(last.ptr, last.len, lexMin)) return false;
  const first = memberAt(z, 0);
  return lexLteMax(first.ptr, first.len, lexMax);
}

/** The rank of Redis's first member in the lex range, or -1. */
export function lexFirst(z: usize): i64 {
  if (!lexMayHit(z)) return -1;
  const r = zsetCountBelowLex(z, lexMin);
  if (r >= zsetLen(z)) return -1;
  const it = memberAt(z, r);
  return lexLteMax(it.ptr, it.len, lexMax) ? <i64>r : -1;
}

/** The rank of Redis's last member in the lex range, or -1. */
export function lexLast(z: usize): i64 {
  if (!lexMayHit(z)) return -1;
  const r = <i64>zsetCountUpToLex(z, lexMax) - 1;
  if (r < 0) return -1;
  const it = memberAt(z, r);
  return lexGteMin(it.ptr, it.len, lexMin) ? r : -1;
}

/** Members from rank `from` on (down when `reverse`) until one is out of range or `limit` (< 0: none). */
function lexRun(z: usize, from: i64, reverse: bool, limit: i64): i64 {
  const it = memberAt(z, from);
  let n: i64 = 0;
  while (it.valid && (limit < 0 || n < limit)) {
    if (reverse ? !lexGteMin(it.ptr, it.len, lexMin) : !lexLteMax(it.ptr, it.len, lexMax)) break;
    n++;
    if (reverse) it.prev(); else it.next();
  }
  return n;
}

// ---- emitting a range: to the client, or into a new set to store ----

/**
 * Replies (or, `dst` given, stores) `n` members of `z` from rank `from`, walking down when `reverse`.
 * RESP2 with scores is one flat array, RESP3 an array of [member, score] pairs.
 */
function emitRange(z: usize, from: i64, n: i64, reverse: bool, withScores: bool, dstArg: i32): void {
  const it = new ZIter(z);
  if (dstArg >= 0) {
    // Collect the members first: the destination may be the source itself.
    let maxLen: u32 = 0;
    it.seek(<u32>from);
    for (let k: i64 = 0; k < n && it.valid; k++) {
      if (it.len > maxLen) maxLen = it.len;
      if (reverse) it.prev(); else it.next();
    }
    const out = zsetNew(zsetFormFor(<u32>n, maxLen));
    it.seek(<u32>from);
    for (let k: i64 = 0; k < n && it.valid; k++) {
      zsetInsert(out, it.score, it.ptr, it.len);
      if (reverse) it.prev(); else it.next();
    }
    storeResult(argPtr(dstArg), argLen(dstArg), out);
    replyInt(n);
    return;
  }
  const pairs = withScores && replyResp3;
  replyArrayLen(withScores && !replyResp3 ? n * 2 : n);
  it.seek(<u32>from);
  for (let k: i64 = 0; k < n && it.valid; k++) {
    if (withScores) replyMemberScore(it.ptr, it.len, it.score, pairs);
    else replyBulk(it.ptr, it.len);
    if (reverse) it.prev(); else it.next();
  }
}

// ---- ZRANGE and its spellings ----

const BY_AUTO: i32 = 0;
const BY_RANK: i32 = 1;
const BY_SCORE: i32 = 2;
const BY_LEX: i32 = 3;
const DIR_AUTO: i32 = 0;
const DIR_FORWARD: i32 = 1;
const DIR_REVERSE: i32 = 2;

/** An empty result: `*0`, or for a store 0 and the destination deleted. */
function emitEmpty(dstArg: i32): void {
  if (dstArg >= 0) { storeResult(argPtr(dstArg), argLen(dstArg), 0); replyInt(0); return; }
  replyArrayLen(0);
}

/**
 * zrangeGenericCommand: the source key is argument `keyArg`, min and max follow it; `dstArg` ≥ 0 for
 * ZRANGESTORE. Options (WITHSCORES, LIMIT, REV, BYSCORE, BYLEX) are parsed first, then the range, then
 * the key is looked up.
 */
function zrangeGeneric(keyArg: i32, dstArg: i32, by: i32, dir: i32): void {
  const store = dstArg >= 0;
  let minIdx = keyArg + 1;
  let maxIdx = keyArg + 2;
  let withScores = false;
  let offset: i64 = 0;
  let limit: i64 = -1;
  for (let j = keyArg + 3; j < argc; j++) {
    const left = argc - j - 1;
    if (!store && argIs(j, WITHSCORES)) {
      withScores = true;
    } else if (argIs(j, LIMIT) && left >= 2) {
      if (!argToIntOrReply(j + 1)) return;
      offset = argInt;
      if (!argToIntOrReply(j + 2)) return;
      limit = argInt;
      j += 2;
    } else if (dir == DIR_AUTO && argIs(j, REV)) {
      dir = DIR_REVERSE;
    } else if (by == BY_AUTO && argIs(j, BYLEX)) {
      by = BY_LEX;
    } else if (by == BY_AUTO && argIs(j, BYSCORE)) {
      by = BY_SCORE;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  if (dir == DIR_AUTO) dir = DIR_FORWARD;
  if (by == BY_AUTO) by = BY_RANK;
  if (limit != -1 && by == BY_RANK) { replyErrorLit(E.ERR_LIMIT_RANK); return; }
  if (withScores && by == BY_LEX) { replyErrorLit(E.ERR_WITHSCORES_BYLEX); return; }
  const reverse = dir == DIR_REVERSE;
  if (reverse && by != BY_RANK) { const t = maxIdx; maxIdx = minIdx; minIdx = t; }
  let start: i64 = 0;
  let end: i64 = 0;
  if (by == BY_RANK) {
    if (!argToIntOrReply(minIdx)) return;
    start = argInt;
    if (!argToIntOrReply(maxIdx)) return;
    end = argInt;
  } else if (by == BY_SCORE) {
    if (!parseScoreRange(minIdx, maxIdx)) { replyErrorLit(E.ERR_MIN_MAX_FLOAT); return; }
  } else if (!parseLexRange(minIdx, maxIdx)) {
    replyErrorLit(E.ERR_MIN_MAX_LEX);
    return;
  }
  const z = zsetSource(keyArg);
  if (z == SOURCE_WRONGTYPE) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  if (z == SOURCE_MISSING) { emitEmpty(dstArg); return; }
  withScores = withScores || store;
  const len = <i64>zsetLen(z);
  if (by == BY_RANK) {
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) { emitEmpty(dstArg); return; }
    if (end >= len) end = len - 1;
    const n = end - start + 1;
    emitRange(z, reverse ? len - 1 - start : start, n, reverse, withScores, dstArg);
    return;
  }
  if ((offset > 0 && offset >= len) || offset < 0) { emitEmpty(dstArg); return; }
  if (by == BY_LEX) {
    // The offset is skipped without looking (genericZrangebylexCommand), then the run is checked.
    const start = reverse ? lexLast(z) : lexFirst(z);
    const from = reverse ? start - offset : start + offset;
    if (start < 0 || from < 0 || from >= len) { emitEmpty(dstArg); return; }
    const n = lexRun(z, from, reverse, limit);
    if (n == 0) { emitEmpty(dstArg); return; }
    emitRange(z, from, n, reverse, withScores, dstArg);
    return;
  }
  scoreSpan(z);
  let n = spanEnd - spanFirst - offset;
  if (limit >= 0 && n > limit) n = limit;
  if (n <= 0) { emitEmpty(dstArg); return; }
  emitRange(z, reverse ? spanEnd - 1 - offset : spanFirst + offset, n, reverse, withScores, dstArg);
}

function zrange(c: Conn): void { zrangeGeneric(1, -1, BY_AUTO, DIR_AUTO); }
function zrevrange(c: Conn): void { zrangeGeneric(1, -1, BY_RANK, DIR_REVERSE); }
function zrangebyscore(c: Conn): void { zrangeGeneric(1, -1, BY_SCORE, DIR_FORWARD); }
function zrevrangebyscore(c: Conn): void { zrangeGeneric(1, -1, BY_SCORE, DIR_REVERSE); }
function zrangebylex(c: Conn): void { zrangeGeneric(1, -1, BY_LEX, DIR_FORWARD); }
function zrevrangebylex(c: Conn): void { zrangeGeneric(1, -1, BY_LEX, DIR_REVERSE); }
export function zrangestore(c: Conn): void { zrangeGeneric(2, 1, BY_AUTO, DIR_AUTO); }

// ---- ZCOUNT / ZLEXCOUNT ----

function zcount(c: Conn): void {
  if (!parseScoreRange(2, 3)) { replyErrorLit(E.ERR_MIN_MAX_FLOAT); return; }
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  scoreSpan(entryValue(<usize>e));
  replyInt(spanEnd > spanFirst ? spanEnd - spanFirst : 0);
}

function zlexcount(c: Conn): void {
  if (!parseLexRange(2, 3)) { replyErrorLit(E.ERR_MIN_MAX_LEX); return; }
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const z = entryValue(<usize>e);
  const first = lexFirst(z);
  if (first < 0) { replyInt(0); return; }
  if (zsetForm(z) == FORM_LISTPACK) { replyInt(lexRun(z, first, false, -1)); return; }
  // The skip list counts by the ranks of its first and last member in range, as zlexcountCommand does.
  const last = lexLast(z);
  replyInt(last < 0 ? <i64>zsetLen(z) - first : last - first + 1);
}

// ---- ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX ----

function zremrangeGeneric(by: i32): void {
  let start: i64 = 0;
  let end: i64 = 0;
  if (by == BY_RANK) {
    if (!argToIntOrReply(2)) return;
    start = argInt;
    if (!argToIntOrReply(3)) return;
    end = argInt;
  } else if (by == BY_SCORE) {
    if (!parseScoreRange(2, 3)) { replyErrorLit(E.ERR_MIN_MAX_FLOAT); return; }
  } else if (!parseLexRange(2, 3)) {
    replyErrorLit(E.ERR_MIN_MAX_LEX);
    return;
  }
  const e = zsetEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const z = entryValue(<usize>e);
  const len = <i64>zsetLen(z);
  if (by == BY_RANK) {
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) { replyInt(0); return; }
    if (end >= len) end = len - 1;
  } else if (by == BY_SCORE) {
    scoreSpan(z);
    start = spanFirst;
    end = spanEnd - 1;
    if (end < start) { replyInt(0); return; }
  } else {
    // zzlDeleteRangeByLex starts at the first member in range; zslDeleteRangeByLex at the end of a
    // plain descent. Both then remove while members are ≤ max.
    start = zsetForm(z) == FORM_LISTPACK ? lexFirst(z) : <i64>zsetCountBelowLex(z, lexMin);
    if (start < 0 || start >= len) { replyInt(0); return; }
    const n = lexRun(z, start, false, -1);
    if (n == 0) { replyInt(0); return; }
    end = start + n - 1;
  }
  const removed = zsetDeleteRange(z, <u32>start, <u32>end);
  zsetWritten(<usize>e);
  replyInt(removed);
}

function zremrangebyrank(c: Conn): void { zremrangeGeneric(BY_RANK); }
function zremrangebyscore(c: Conn): void { zremrangeGeneric(BY_SCORE); }
function zremrangebylex(c: Conn): void { zremrangeGeneric(BY_LEX); }

export function registerZsetRangeCommands(): void {
  const R = F_READONLY;
  defineCommand("zrange", -4, R, 1, 1, 1, "read sortedset slow", zrange);
  defineCommand("zrevrange", -4, R, 1, 1, 1, "read sortedset slow", zrevrange);
  defineCommand("zrangebyscore", -4, R, 1, 1, 1, "read sortedset slow", zrangebyscore);
  defineCommand("zrevrangebyscore", -4, R, 1, 1, 1, "read sortedset slow", zrevrangebyscore);
  defineCommand("zrangebylex", -4, R, 1, 1, 1, "read sortedset slow", zrangebylex);
  defineCommand("zrevrangebylex", -4, R, 1, 1, 1, "read sortedset slow", zrevrangebylex);
  crossShard(defineCommand("zrangestore", -5, F_WRITE | F_DENYOOM, 1, 2, 1, "write sortedset slow", zrangestore),
             startZrangestore, false, true);
  defineCommand("zcount", 4, R | F_FAST, 1, 1, 1, "read sortedset fast", zcount);
  defineCommand("zlexcount", 4, R | F_FAST, 1, 1, 1, "read sortedset fast", zlexcount);
  defineCommand("zremrangebyrank", 4, F_WRITE, 1, 1, 1, "write sortedset slow", zremrangebyrank);
  defineCommand("zremrangebyscore", 4, F_WRITE, 1, 1, 1, "write sortedset slow", zremrangebyscore);
  defineCommand("zremrangebylex", 4, F_WRITE, 1, 1, 1, "write sortedset slow", zremrangebylex);
}

const WITHSCORES = new Lit("withscores");
const LIMIT = new Lit("limit");
const REV = new Lit("rev");
const BYLEX = new Lit("bylex");
const BYSCORE = new Lit("byscore");
