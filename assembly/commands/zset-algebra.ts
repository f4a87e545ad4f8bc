// Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD — Redis 7.0's
// zunionInterDiffGenericCommand, in its order: numkeys, then every source's type, then the options
// (WEIGHTS, AGGREGATE, WITHSCORES, LIMIT), then the computation, then the reply or the store.
//
// Union and intersection visit the sources smallest first (a stable sort by size, like glibc's qsort
// there), which fixes the order scores are summed in. A source's score is multiplied by its weight,
// and a NaN product (inf × 0) or sum (inf + -inf) counts as 0, as in Redis. The result is a set built
// whole, given the form Redis's zsetConvertToListpackIfNeeded would give it.
//
// Sources are read through zsetSource, so a cross-shard op (zsets-cross.ts) runs this same code on
// sets fetched from other shards; the STORE forms write through storeResult for the same reason.
// Plain sets (SADD) are valid sources in Redis (every member scores 1): they are read as WRONGTYPE
// until sets exist here.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_READONLY, F_DENYOOM } from "./table";
import { replyInt, replyErrorLit, replyArrayLen, replyBulk, replyResp3, replyError } from "../resp/writer";
import { argIs } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { parseI64, parsedI64 } from "../util/int";
import { parseDouble, parsedF64 } from "../util/float";
import * as E from "../resp/errors";
import {
  zsetNew, zsetLen, zsetScore, foundScore, zsetInsert, zsetUpdate, zsetFree, zsetFitForm, ZIter,
  FORM_SKIPLIST,
} from "../store/zset";
import { zsetOrSetSource, releaseSetSources, storeResult, replyMemberScore, SOURCE_MISSING, SOURCE_WRONGTYPE } from "./zsets";
import { startZsetAlgebra } from "./zsets-cross";

export const OP_UNION: i32 = 0;
export const OP_INTER: i32 = 1;
export const OP_DIFF: i32 = 2;

const AGG_SUM: i32 = 0;
const AGG_MIN: i32 = 1;
const AGG_MAX: i32 = 2;

// @ts-ignore: decorator
@inline function aggregate(target: f64, v: f64, agg: i32): f64 {
  if (agg == AGG_SUM) {
    const s = target + v;
    return isNaN(s) ? 0 : s;
  }
  if (agg == AGG_MIN) return v < target ? v : target;
  return v > target ? v : target;
}

/** The number of source keys, read from argument `numkeysIdx`; false after replying the error. */
export let algebraKeys: i32 = 0;

export function parseNumkeys(numkeysIdx: i32, name: Lit): bool {
  if (!parseI64(argPtr(numkeysIdx), argLen(numkeysIdx))) { replyErrorLit(E.ERR_NOT_INT); return false; }
  const n = parsedI64;
  if (n < 1) {
    const msg = new ByteBuf();
    msg.append(E.ERR_AT_LEAST_ONE_KEY.ptr, E.ERR_AT_LEAST_ONE_KEY.len);
    msg.append(name.ptr, name.len);
    msg.append(COMMAND_SUFFIX.ptr, COMMAND_SUFFIX.len);
    replyError(msg.ptr, msg.len);
    msg.release();
    return false;
  }
  if (n > <i64>(argc - (numkeysIdx + 1))) { replyErrorLit(E.ERR_SYNTAX); return false; }
  algebraKeys = <i32>n;
  return true;
}

/** Source indexes ordered by size, smallest first, stable. */
function bySize(sets: StaticArray<usize>): StaticArray<i32> {
  const n = sets.length;
  const order = new StaticArray<i32>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 1; i < n; i++) {
    const k = order[i];
    const size = sizeOf(sets[k]);
    let j = i - 1;
    while (j >= 0 && sizeOf(sets[order[j]]) > size) { order[j + 1] = order[j]; j--; }
    order[j + 1] = k;
  }
  return order;
}

function sizeOf(z: usize): u32 { return z == SOURCE_MISSING ? 0 : zsetLen(z); }

function union(sets: StaticArray<usize>, weights: StaticArray<f64>, agg: i32): usize {
  const out = zsetNew(FORM_SKIPLIST);
  const order = bySize(sets);
  for (let o = 0; o < sets.length; o++) {
    const i = order[o];
    const z = sets[i];
    if (z == SOURCE_MISSING) continue;
    const it = new ZIter(z);
    for (it.seek(0); it.valid; it.next()) {
      let score = weights[i] * it.score;
      if (isNaN(score)) score = 0;
      if (zsetScore(out, it.ptr, it.len)) {
        const next = aggregate(foundScore, score, agg);
        if (next != foundScore || isNegZeroSwap(foundScore, next)) zsetUpdate(out, it.ptr, it.len, next);
      } else {
        zsetInsert(out, score, it.ptr, it.len);
      }
    }
  }
  return out;
}

/** 0 and -0 compare equal but print differently: an aggregate that swaps them must still be stored. */
// @ts-ignore: decorator
@inline function isNegZeroSwap(a: f64, b: f64): bool {
  return a == 0 && b == 0 && (reinterpret<u64>(a) != reinterpret<u64>(b));
}

/** The intersection, or (into `card`) only its size, stopping at `limit` (0: none). */
let card: i64 = 0;

function inter(sets: StaticArray<usize>, weights: StaticArray<f64>, agg: i32, cardOnly: bool, limit: i64): usize {
  const out: usize = cardOnly ? 0 : zsetNew(FORM_SKIPLIST);
  card = 0;
  const order = bySize(sets);
  const first = sets[order[0]];
  if (first == SOURCE_MISSING || zsetLen(first) == 0) return out;
  const it = new ZIter(first);
  for (it.seek(0); it.valid; it.next()) {
    let score = weights[order[0]] * it.score;
    if (isNaN(score)) score = 0;
    let j = 1;
    for (; j < sets.length; j++) {
      const z = sets[order[j]];
      if (z == SOURCE_MISSING || !zsetScore(z, it.ptr, it.len)) break;
      score = aggregate(score, foundScore * weights[order[j]], agg);
    }
    if (j < sets.length) continue;
    if (cardOnly) {
      card++;
      if (limit != 0 && card >= limit) break;
    } else {
      zsetInsert(out, score, it.ptr, it.len);
    }
  }
  return out;
}

function diff(sets: StaticArray<usize>): usize {
  const out = zsetNew(FORM_SKIPLIST);
  const first = sets[0];
  if (first == SOURCE_MISSING) return out;
  const it = new ZIter(first);
  for (it.seek(0); it.valid; it.next()) {
    let found = false;
    for (let j = 1; j < sets.length && !found; j++) {
      const z = sets[j];
      if (z != SOURCE_MISSING && zsetScore(z, it.ptr, it.len)) found = true;
    }
    if (!found) zsetInsert(out, it.score, it.ptr, it.len);
  }
  return out;
}

/**
 * The whole command: `dstArg` ≥ 0 for the STORE forms, `numkeysIdx` where numkeys is, `cardOnly` for
 * ZINTERCARD; `name` is the command's name for the "at least 1 input key" error.
 */
export function algebraGeneric(dstArg: i32, numkeysIdx: i32, op: i32, cardOnly: bool, name: Lit): void {
  algebraRun(dstArg, numkeysIdx, op, cardOnly, name);
  releaseSetSources();
}

function algebraRun(dstArg: i32, numkeysIdx: i32, op: i32, cardOnly: bool, name: Lit): void {
  if (!parseNumkeys(numkeysIdx, name)) return;
  const n = algebraKeys;
  const sets = new StaticArray<usize>(n);
  const weights = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) {
    const z = zsetOrSetSource(numkeysIdx + 1 + i);
    if (z == SOURCE_WRONGTYPE) { replyErrorLit(E.ERR_WRONGTYPE); return; }
    sets[i] = z;
    weights[i] = 1.0;
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit: i64 = 0;
  let j = numkeysIdx + 1 + n;
  while (j < argc) {
    const remaining = argc - j;
    if (op != OP_DIFF && !cardOnly && remaining >= n + 1 && argIs(j, WEIGHTS)) {
      j++;
      for (let i = 0; i < n; i++, j++) {
        if (!parseDouble(argPtr(j), argLen(j))) { replyErrorLit(E.ERR_WEIGHT_FLOAT); return; }
        weights[i] = parsedF64;
      }
    } else if (op != OP_DIFF && !cardOnly && remaining >= 2 && argIs(j, AGGREGATE)) {
      j++;
      if (argIs(j, SUM)) agg = AGG_SUM;
      else if (argIs(j, MIN)) agg = AGG_MIN;
      else if (argIs(j, MAX)) agg = AGG_MAX;
      else { replyErrorLit(E.ERR_SYNTAX); return; }
      j++;
    } else if (remaining >= 1 && dstArg < 0 && !cardOnly && argIs(j, WITHSCORES)) {
      j++;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && argIs(j, LIMIT)) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedI64 < 0) { replyErrorLit(E.ERR_LIMIT_NEGATIVE); return; }
      limit = parsedI64;
      j++;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  let out: usize = 0;
  if (op == OP_INTER) out = inter(sets, weights, agg, cardOnly, limit);
  else if (op == OP_UNION) out = union(sets, weights, agg);
  else out = diff(sets);
  if (cardOnly) { replyInt(card); return; }
  if (dstArg >= 0) {
    const size = zsetLen(out);
    storeResult(argPtr(dstArg), argLen(dstArg), zsetFitForm(out));
    replyInt(size);
    return;
  }
  replyAll(out, withScores);
  zsetFree(out);
}

function replyAll(z: usize, withScores: bool): void {
  const len = zsetLen(z);
  replyArrayLen(withScores && !replyResp3 ? <i64>len * 2 : len);
  const it = new ZIter(z);
  for (it.seek(0); it.valid; it.next()) {
    if (withScores) replyMemberScore(it.ptr, it.len, it.score, replyResp3);
    else replyBulk(it.ptr, it.len);
  }
}

export function zunion(c: Conn): void { algebraGeneric(-1, 1, OP_UNION, false, ZUNION); }
export function zinter(c: Conn): void { algebraGeneric(-1, 1, OP_INTER, false, ZINTER); }
export function zdiff(c: Conn): void { algebraGeneric(-1, 1, OP_DIFF, false, ZDIFF); }
export function zunionstore(c: Conn): void { algebraGeneric(1, 2, OP_UNION, false, ZUNIONSTORE); }
export function zinterstore(c: Conn): void { algebraGeneric(1, 2, OP_INTER, false, ZINTERSTORE); }
export function zdiffstore(c: Conn): void { algebraGeneric(1, 2, OP_DIFF, false, ZDIFFSTORE); }
export function zintercard(c: Conn): void { algebraGeneric(-1, 1, OP_INTER, true, ZINTERCARD); }

export function registerZsetAlgebraCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  // Movable keys (numkeys): the starter always decides where each call runs (zsets-cross.ts).
  crossShard(defineCommand("zunion", -3, F_READONLY, 0, 0, 0, "read sortedset slow", zunion), startZsetAlgebra, true, false);
  crossShard(defineCommand("zinter", -3, F_READONLY, 0, 0, 0, "read sortedset slow", zinter), startZsetAlgebra, true, false);
  crossShard(defineCommand("zdiff", -3, F_READONLY, 0, 0, 0, "read sortedset slow", zdiff), startZsetAlgebra, true, false);
  crossShard(defineCommand("zintercard", -3, F_READONLY, 0, 0, 0, "read sortedset slow", zintercard), startZsetAlgebra, true, false);
  crossShard(defineCommand("zunionstore", -4, W, 1, 1, 1, "write sortedset slow", zunionstore), startZsetAlgebra, true, false);
  crossShard(defineCommand("zinterstore", -4, W, 1, 1, 1, "write sortedset slow", zinterstore), startZsetAlgebra, true, false);
  crossShard(defineCommand("zdiffstore", -4, W, 1, 1, 1, "write sortedset slow", zdiffstore), startZsetAlgebra, true, false);
}

const ZUNION = new Lit("zunion");
const ZINTER = new Lit("zinter");
const ZDIFF = new Lit("zdiff");
const ZUNIONSTORE = new Lit("zunionstore");
const ZINTERSTORE = new Lit("zinterstore");
const ZDIFFSTORE = new Lit("zdiffstore");
const ZINTERCARD = new Lit("zintercard");
const COMMAND_SUFFIX = new Lit("' command");
const WEIGHTS = new Lit("weights");
const AGGREGATE = new Lit("aggregate");
const SUM = new Lit("sum");
const MIN = new Lit("min");
const MAX = new Lit("max");
const WITHSCORES = new Lit("withscores");
const LIMIT = new Lit("limit");
