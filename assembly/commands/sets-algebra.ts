// Set algebra: SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms, as Redis 7.0's
// sinterGenericCommand and sunionDiffGenericCommand compute them. The computing half takes the sources
// as set handles (0 for a missing key; one handle per distinct key, so a key named twice is the same
// handle, which is how Redis notices "the same set"), so it serves both callers:
//   - the handlers here, when every key lives on this shard (the sources are the live sets);
//   - sets-cross.ts, which gathers the sources from several shards under their locks and decodes them
//     into temporary sets at the origin, then computes with these same functions.
// What the client can see, and how it is kept:
//   - every key is looked up and type-checked before anything is computed: WRONGTYPE for any source
//     that is not a set, even after a missing one;
//   - SINTER walks the smallest source (sizes sorted stably) and keeps the members every other source
//     has; its reply is in that walk's order, so an intset's intersection comes back ascending;
//   - SUNION and SDIFF build the result as a new set (an intset until a member or the count says
//     otherwise) and reply in its order; SDIFF picks Redis's algorithm 1 or 2 by the same cost rule, since
//     the two can leave different encodings behind in SDIFFSTORE;
//   - the STORE forms replace the destination whatever it held (its TTL dropped), or delete it when the
//     result is empty, and reply the result's size.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { replyInt, replyErrorLit, replySetLen, replyBulk } from "../resp/writer";
import * as E from "../resp/errors";
import { lookupRead } from "../store/keyspace";
import { entryType, entryValue, TYPE_SET } from "../store/entry";
import { setNew, setFree, setSize, setAdd, setRemove, setIsMember, SetIter } from "../store/set";
import { argIsWord } from "./keys-args";
import { parseI64, parsedI64 } from "../util/int";
import { ByteBuf, Lit } from "../util/mem";
import { storeSet, replySetMembers } from "./sets";

export const OP_UNION: i32 = 0;
export const OP_DIFF: i32 = 1;

// ---- computing: the sources are handles, 0 for a missing key ----

/** The sources ordered by ascending size, stably (Redis qsorts by cardinality): sorts size<<32 | index. */
function bySize(sets: Array<usize>): Array<usize> {
  const order = new Array<u64>(sets.length);
  for (let i = 0; i < sets.length; i++) order[i] = (<u64>setSize(sets[i]) << 32) | <u64>i;
  order.sort((a: u64, b: u64): i32 => a < b ? -1 : a > b ? 1 : 0);
  const sorted = new Array<usize>(sets.length);
  for (let i = 0; i < sets.length; i++) sorted[i] = sets[<i32>(order[i] & 0xffffffff)];
  return sorted;
}

function anyMissing(sets: Array<usize>): bool {
  for (let i = 0; i < sets.length; i++) if (sets[i] == 0) return true;
  return false;
}

/** The member `p[0..n)` of the smallest set is in every other source. */
function inAllOthers(sorted: Array<usize>, p: usize, n: u32): bool {
  const first = sorted[0];
  for (let j = 1; j < sorted.length; j++) {
    const s = sorted[j];
    if (s != first && !setIsMember(s, p, n)) return false;
  }
  return true;
}

/** SINTER's reply: the intersection as a set, in the smallest source's order. */
export function replyInter(sets: Array<usize>): void {
  if (anyMissing(sets)) { replySetLen(0); return; }
  const sorted = bySize(sets);
  const found = new ByteBuf();
  let n: i64 = 0;
  const it = new SetIter(sorted[0]);
  while (it.next()) {
    if (!inAllOthers(sorted, it.ptr, it.len)) continue;
    found.reserve(4 + it.len);
    store<u32>(found.ptr + found.len, it.len);
    memory.copy(found.ptr + found.len + 4, it.ptr, it.len);
    found.len += 4 + it.len;
    n++;
  }
  replySetLen(n);
  for (let at: u32 = 0; at < found.len;) {
    const len = load<u32>(found.ptr + at);
    replyBulk(found.ptr + at + 4, len);
    at += 4 + len;
  }
  found.release();
}

/** SINTERCARD's count: the intersection's size, stopping at `limit` (0: no limit). */
export function interCard(sets: Array<usize>, limit: i64): i64 {
  if (anyMissing(sets)) return 0;
  const sorted = bySize(sets);
  let n: i64 = 0;
  const it = new SetIter(sorted[0]);
  while (it.next()) {
    if (!inAllOthers(sorted, it.ptr, it.len)) continue;
    n++;
    if (limit != 0 && n >= limit) break;
  }
  return n;
}

/** The intersection as a new set (SINTERSTORE). */
export function interSet(sets: Array<usize>): usize {
  const out = setNew();
  if (anyMissing(sets)) return out;
  const sorted = bySize(sets);
  const it = new SetIter(sorted[0]);
  while (it.next()) if (inAllOthers(sorted, it.ptr, it.len)) setAdd(out, it.ptr, it.len);
  return out;
}

function addAll(out: usize, s: usize): void {
  const it = new SetIter(s);
  while (it.next()) setAdd(out, it.ptr, it.len);
}

/** The union, or the first source minus the others, as a new set (sunionDiffGenericCommand). */
export function unionDiffSet(sets: Array<usize>, op: i32): usize {
  const out = setNew();
  if (op == OP_UNION) {
    for (let j = 0; j < sets.length; j++) if (sets[j] != 0) addAll(out, sets[j]);
    return out;
  }
  const first = sets[0];
  if (first == 0) return out;
  for (let j = 1; j < sets.length; j++) if (sets[j] == first) return out; // minus itself: empty
  // Algorithm 1 walks the first set and probes the others; 2 adds the first and removes the others.
  let work1: i64 = 0;
  let work2: i64 = 0;
  for (let j = 0; j < sets.length; j++) {
    if (sets[j] == 0) continue;
    work1 += setSize(first);
    work2 += setSize(sets[j]);
  }
  work1 /= 2;
  if (work1 <= work2) {
    const it = new SetIter(first);
    while (it.next()) {
      let j = 1;
      for (; j < sets.length; j++) if (sets[j] != 0 && setIsMember(sets[j], it.ptr, it.len)) break;
      if (j == sets.length) setAdd(out, it.ptr, it.len);
    }
    return out;
  }
  addAll(out, first);
  for (let j = 1; j < sets.length && setSize(out) > 0; j++) {
    if (sets[j] == 0) continue;
    const it = new SetIter(sets[j]);
    while (it.next()) setRemove(out, it.ptr, it.len);
  }
  return out;
}

// ---- the handlers, every key on this shard ----

/** Sources from arguments [from, to): handles (0 when missing), or null after replying WRONGTYPE. */
function loadSources(from: i32, to: i32): Array<usize> | null {
  const sets = new Array<usize>();
  for (let j = from; j < to; j++) {
    const e = lookupRead(argPtr(j), argLen(j));
    if (e != 0 && entryType(e) != TYPE_SET) { replyErrorLit(E.ERR_WRONGTYPE); return null; }
    sets.push(e == 0 ? 0 : entryValue(e));
  }
  return sets;
}

export function sinter(c: Conn): void {
  const sets = loadSources(1, argc);
  if (sets != null) replyInter(sets);
}

export function sinterstore(c: Conn): void {
  const sets = loadSources(2, argc);
  if (sets != null) replyInt(storeSet(argPtr(1), argLen(1), interSet(sets)));
}

function unionDiff(op: i32): void {
  const sets = loadSources(1, argc);
  if (sets == null) return;
  const s = unionDiffSet(sets, op);
  replySetMembers(s);
  setFree(s);
}

function unionDiffStore(op: i32): void {
  const sets = loadSources(2, argc);
  if (sets != null) replyInt(storeSet(argPtr(1), argLen(1), unionDiffSet(sets, op)));
}

export function sunion(c: Conn): void { unionDiff(OP_UNION); }
export function sdiff(c: Conn): void { unionDiff(OP_DIFF); }
export function sunionstore(c: Conn): void { unionDiffStore(OP_UNION); }
export function sdiffstore(c: Conn): void { unionDiffStore(OP_DIFF); }

// ---- SINTERCARD numkeys key [key …] [LIMIT limit] ----

export let cardKeys: i32 = 0;
export let cardLimit: i64 = 0;

/** Parses SINTERCARD's arguments (keys from 2); false after replying Redis's error. */
export function parseSintercard(): bool {
  if (!parseI64(argPtr(1), argLen(1)) || parsedI64 < 1) { replyErrorLit(E.ERR_NUMKEYS_POSITIVE); return false; }
  if (parsedI64 > <i64>argc - 2) { replyErrorLit(E.ERR_NUMKEYS_TOO_MANY); return false; }
  const numkeys = <i32>parsedI64;
  let limit: i64 = 0;
  for (let j = 2 + numkeys; j < argc; j++) {
    if (argIsWord(j, LIMIT) && j < argc - 1) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedI64 < 0) { replyErrorLit(E.ERR_LIMIT_NEGATIVE); return false; }
      limit = parsedI64;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return false;
    }
  }
  cardKeys = numkeys;
  cardLimit = limit;
  return true;
}

export function sintercard(c: Conn): void {
  if (!parseSintercard()) return;
  const sets = loadSources(2, 2 + cardKeys);
  if (sets != null) replyInt(interCard(sets, cardLimit));
}

const LIMIT = new Lit("limit");
