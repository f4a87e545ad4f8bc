// Sorted set pops: ZPOPMIN, ZPOPMAX and ZMPOP (Redis 7.0's genericZpopCommand and zmpopGenericCommand).
// The pop itself is `zsetPopReply`, independent of argument positions, so the blocking variants
// (BZPOPMIN, BZPOPMAX, BZMPOP, served by the blocking arbiter) call the same code with their own shape.
// ZMPOP whose keys span shards is zsets-cross.ts (each key's shard asked in argument order).
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_FAST } from "./table";
import { replyErrorLit, replyArrayLen, replyBulk, replyNullArray, replyResp3 } from "../resp/writer";
import { parseMpopCount, MPOP_COUNT_ERROR, argIs } from "./options";
import { Lit } from "../util/mem";
import { parseI64, parsedI64 } from "../util/int";
import * as E from "../resp/errors";
import { entryValue, entryKey, entryKeyLen } from "../store/entry";
import { zsetLen, zsetDeleteRange, ZIter } from "../store/zset";
import { zsetEntry, zsetWritten, replyMemberScore } from "./zsets";
import { startZmpop } from "./zsets-cross";
import { escrowRecordScoredPop } from "../blocking/escrow";

/** ZPOPMIN/ZPOPMAX in RESP2, or without COUNT: one flat array `[m, s, m, s …]`. */
export const POP_FLAT: i32 = 0;
/** ZPOPMIN/ZPOPMAX with COUNT in RESP3: `[[m, s] …]`. */
export const POP_NESTED: i32 = 1;
/** BZPOPMIN/BZPOPMAX (both protocols): `[key, m, s]` (one element). */
export const POP_WITH_KEY: i32 = 2;
/** ZMPOP/BZMPOP (both protocols): `[key, [[m, s] …]]`. */
export const POP_KEY_NESTED: i32 = 3;

/**
 * Pops up to `count` (≥ 1) members of the set in zset entry `e` from its low end (or high end when
 * `max`), replies them in `shape`, and deletes the key if that emptied it. The write is a write like any
 * other (WATCH sees it).
 */
export function zsetPopReply(e: usize, count: i64, max: bool, shape: i32): void {
  const z = entryValue(e);
  const len = <i64>zsetLen(z);
  const n = count > len ? len : count;
  if (shape == POP_FLAT) {
    replyArrayLen(n * 2);
  } else if (shape == POP_NESTED) {
    replyArrayLen(n);
  } else if (shape == POP_WITH_KEY) {
    replyArrayLen(n * 2 + 1);
    replyBulk(entryKey(e), entryKeyLen(e));
  } else {
    replyArrayLen(2);
    replyBulk(entryKey(e), entryKeyLen(e));
    replyArrayLen(n);
  }
  const nested = shape == POP_NESTED || shape == POP_KEY_NESTED;
  const it = new ZIter(z);
  it.seek(max ? <u32>(len - 1) : 0);
  for (let k: i64 = 0; k < n && it.valid; k++) {
    replyMemberScore(it.ptr, it.len, it.score, nested);
    escrowRecordScoredPop(entryKey(e), entryKeyLen(e), it.ptr, it.len, it.score);
    if (max) it.prev(); else it.next();
  }
  if (max) zsetDeleteRange(z, <u32>(len - n), <u32>(len - 1));
  else zsetDeleteRange(z, 0, <u32>(n - 1));
  zsetWritten(e);
}

// ---- ZPOPMIN / ZPOPMAX key [count] ----

function zpopGeneric(max: bool): void {
  if (argc > 3) { replyErrorLit(E.ERR_SYNTAX); return; }
  let count: i64 = -1;
  if (argc == 3) {
    // getPositiveLongFromObjectOrReply: a non-number gets the same "must be positive" text.
    if (!parseI64(argPtr(2), argLen(2)) || parsedI64 < 0) { replyErrorLit(E.ERR_MUST_BE_POSITIVE); return; }
    count = parsedI64;
  }
  const nested = replyResp3 && count != -1;
  const e = zsetEntry(1, false);
  if (e < 0) return;
  if (e == 0 || count == 0) { replyArrayLen(0); return; }
  zsetPopReply(<usize>e, count == -1 ? 1 : count, max, nested ? POP_NESTED : POP_FLAT);
}

function zpopmin(c: Conn): void { zpopGeneric(false); }
function zpopmax(c: Conn): void { zpopGeneric(true); }

// ---- ZMPOP numkeys key [key …] MIN|MAX [COUNT count] ----

/** What parseZmpop read: the key count (keys from argument 2), the end, and the count. */
export let zmpopKeys: i32 = 0;
export let zmpopMax: bool = false;
export let zmpopCount: i64 = 1;

/** The first key's index, as parseZmpopAt found it (2 for ZMPOP, 3 for BZMPOP). */
export let zmpopFirstKey: i32 = 2;

/** Parses ZMPOP's arguments; false after replying Redis's error. */
export function parseZmpop(): bool { return parseZmpopAt(1); }

/** Parses `numkeys key [key …] MIN|MAX [COUNT count]` from argument `at` (BZMPOP's is 2). */
export function parseZmpopAt(at: i32): bool {
  if (!parseI64(argPtr(at), argLen(at)) || parsedI64 < 1) { replyErrorLit(E.ERR_NUMKEYS_POSITIVE); return false; }
  const numkeys = parsedI64;
  if (numkeys >= <i64>argc - at - 1) { replyErrorLit(E.ERR_SYNTAX); return false; }
  const whereIdx = <i32>numkeys + at + 1;
  let max = false;
  if (argIs(whereIdx, MAX)) max = true;
  else if (!argIs(whereIdx, MIN)) { replyErrorLit(E.ERR_SYNTAX); return false; }
  const count = parseMpopCount(whereIdx + 1);
  if (count == MPOP_COUNT_ERROR) return false;
  zmpopKeys = <i32>numkeys;
  zmpopFirstKey = at + 1;
  zmpopMax = max;
  zmpopCount = count == -1 ? 1 : count;
  return true;
}

/** Pops from the first non-empty set among keys 2 … ; `[key, [[m, s] …]]`, or a null array. */
export function zmpop(c: Conn): void {
  if (!parseZmpop()) return;
  for (let k = 2; k < 2 + zmpopKeys; k++) {
    const e = zsetEntry(k, false);
    if (e < 0) return;
    if (e == 0) continue;
    zsetPopReply(<usize>e, zmpopCount, zmpopMax, POP_KEY_NESTED);
    return;
  }
  replyNullArray();
}

export function registerZsetPopCommands(): void {
  defineCommand("zpopmin", -2, F_WRITE | F_FAST, 1, 1, 1, "write sortedset fast", zpopmin);
  defineCommand("zpopmax", -2, F_WRITE | F_FAST, 1, 1, 1, "write sortedset fast", zpopmax);
  // Movable keys (numkeys): the starter always decides where it runs.
  crossShard(defineCommand("zmpop", -4, F_WRITE, 0, 0, 0, "write sortedset slow", zmpop), startZmpop, true, false);
}

const MIN = new Lit("min");
const MAX = new Lit("max");
const COUNT = new Lit("count");
