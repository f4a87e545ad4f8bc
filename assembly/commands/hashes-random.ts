// HRANDFIELD key [count [WITHVALUES]]: random fields of a hash, as Redis 7.0's hrandfieldCommand and
// hrandfieldWithCountCommand choose them. Which fields come out is random; the reply's shape, and
// which cases return what, follow Redis exactly:
//   1. The count is parsed first (an integer, not LONG_MIN; with WITHVALUES within ±LONG_MAX/2), then
//      WITHVALUES (any other word, or more arguments, is a syntax error), then the key.
//   2. Without a count: one field, or null for a missing key. With one: a missing key is an empty array.
//   3. A negative count (or 1): that many independent picks, repeats allowed.
//   4. A count at least the size: the whole hash, in its iteration order (listpack: insertion order).
//   5. Otherwise `count` distinct fields: for a listpack, in listpack order (Redis's lpRandomPairsUnique);
//      for a table, in the order picked.
// WITHVALUES replies field, value pairs: flat in RESP2, one 2-element array per pair in RESP3.
import { Conn } from "../shard/conn";
import { argc } from "../shard/args";
import { defineCommand, F_READONLY } from "./table";
import { replyBulk, replyNull, replyErrorLit, replyArrayLen, replyResp3 } from "../resp/writer";
import { argToIntOrReply, argInt } from "./options";
import { argIsWord } from "./keys-args";
import { Lit } from "../util/mem";
import { randomBelow } from "../util/random";
import * as E from "../resp/errors";
import { entryValue } from "../store/entry";
import {
  hashLen, hashForm, hashRandom, hashLoad, hashCollect, hashIterStart, hashIterNext, FORM_LISTPACK,
  fieldPtr, fieldLen, valPtr, valLen,
} from "../store/hash";
import { hashEntry } from "./hashes";

/** Handles of the pairs picked (store/hash.ts), valid while the command runs. */
let picked = new Array<usize>();

function releasePicked(): void {
  if (picked.length > 65536) picked = new Array<usize>(); else picked.length = 0;
}

function replyHeader(count: u64, withValues: bool): void {
  replyArrayLen(withValues && !replyResp3 ? <i64>(count * 2) : <i64>count);
}

/** The pair in fieldPtr/… as one element of the reply. */
function replyPair(withValues: bool): void {
  if (withValues && replyResp3) replyArrayLen(2);
  replyBulk(fieldPtr, fieldLen);
  if (withValues) replyBulk(valPtr, valLen);
}

function replyPicked(h: usize, withValues: bool): void {
  replyHeader(picked.length, withValues);
  for (let i = 0, n = picked.length; i < n; i++) {
    hashLoad(h, unchecked(picked[i]));
    replyPair(withValues);
  }
}

/** Step 5 for a listpack: selection sampling, which keeps the listpack's order. */
function pickOrdered(h: usize, count: u32): void {
  hashCollect(h, picked);
  const size = <u32>picked.length;
  let kept: u32 = 0;
  for (let i: u32 = 0; i < size && kept < count; i++) {
    if (randomBelow(size - i) < count - kept) unchecked(picked[kept++] = picked[i]);
  }
  picked.length = kept;
}

/** Step 5 for a table: a partial shuffle of every handle when count is a large share, else random picks. */
function pickDistinct(h: usize, count: u32): void {
  const size = hashLen(h);
  if (<u64>count * 3 > <u64>size) {
    hashCollect(h, picked);
    for (let i: u32 = 0; i < count; i++) {
      const j = i + randomBelow(size - i);
      const t = unchecked(picked[i]);
      unchecked(picked[i] = picked[j]);
      unchecked(picked[j] = t);
    }
    picked.length = count;
    return;
  }
  const seen = new Set<usize>();
  while (<u32>picked.length < count) {
    const p = hashRandom(h);
    if (seen.has(p)) continue;
    seen.add(p);
    picked.push(p);
  }
}

function withCount(l: i64, withValues: bool): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyArrayLen(0); return; }
  const h = entryValue(<usize>e);
  const size = <u64>hashLen(h);
  const unique = l >= 0;
  const count: u64 = unique ? <u64>l : <u64>(-l);
  if (count == 0) { replyArrayLen(0); return; }
  if (!unique || count == 1) {
    replyHeader(count, withValues);
    for (let k: u64 = 0; k < count; k++) {
      hashRandom(h);
      replyPair(withValues);
    }
    return;
  }
  if (count >= size) {
    replyHeader(size, withValues);
    hashIterStart(h);
    while (hashIterNext()) replyPair(withValues);
    return;
  }
  picked.length = 0;
  if (hashForm(h) == FORM_LISTPACK) pickOrdered(h, <u32>count); else pickDistinct(h, <u32>count);
  replyPicked(h, withValues);
  releasePicked();
}

function hrandfield(c: Conn): void {
  if (argc >= 3) {
    if (!argToIntOrReply(2)) return;
    const l = argInt;
    if (l == i64.MIN_VALUE) { replyErrorLit(E.ERR_RANDFIELD_COUNT_RANGE); return; }
    if (argc > 4 || (argc == 4 && !argIsWord(3, WITHVALUES))) { replyErrorLit(E.ERR_SYNTAX); return; }
    const withValues = argc == 4;
    if (withValues && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) { replyErrorLit(E.ERR_VALUE_OUT_OF_RANGE); return; }
    withCount(l, withValues);
    return;
  }
  const e = hashEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  hashRandom(entryValue(<usize>e));
  replyBulk(fieldPtr, fieldLen);
}

export function registerHashRandom(): void {
  defineCommand("hrandfield", -2, F_READONLY, 1, 1, 1, "read hash slow", hrandfield);
}

const HALF_LONG_MAX: i64 = i64.MAX_VALUE / 2;
const WITHVALUES = new Lit("withvalues");
