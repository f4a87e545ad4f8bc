// SPOP and SRANDMEMBER: random members, as Redis 7.0's t_set.c picks and shapes them. Which members
// come out is random (the shard's seeded PRNG, util/random.ts); the reply's shape, its size, the
// uniqueness of the members and what is left in the set are what Redis guarantees and what is kept:
//   SPOP key             a bulk member, or null; the member is removed.
//   SPOP key count       a set (`~` in RESP3) of min(count, size) distinct members, removed. As in Redis,
//                        a count near the size rebuilds the set from the members that stay (so the
//                        remainder is an intset again when it can be), a small one removes one by one,
//                        and a count >= size deletes the key.
//   SRANDMEMBER key      a bulk member, or null.
//   SRANDMEMBER key n    an array: n >= 0, min(n, size) distinct members; n < 0, |n| members with
//                        repeats. Nothing is removed.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import {
  replyErrorLit, replyArrayLen, replySetLen, replyBulk, replyNull,
} from "../resp/writer";
import * as E from "../resp/errors";
import { deleteEntry } from "../store/keyspace";
import { entryValue, entrySetValue } from "../store/entry";
import {
  setNew, setFree, setSize, setAdd, setRemove, setRandom, memberPtr, memberLen, SetIter,
} from "../store/set";
import { mtNew, mtFree, mtAdd } from "../store/member-table";
import { parseI64, parsedI64 } from "../util/int";
import { randomBelow } from "../util/random";
import { ByteBuf } from "../util/mem";
import { setEntry, setWritten, replySetMembers } from "./sets";

/** SPOP's CASE 3 threshold: rebuild from the remainder when remaining * 5 <= count. */
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;
/** SRANDMEMBER's CASE 3 threshold: shuffle a copy when count * 3 > size. */
const SRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;

const picked = new ByteBuf();

/** Copies the member left by setRandom (its bytes may be a scratch buffer). */
function takeRandom(s: usize): void {
  setRandom(s);
  picked.len = 0;
  picked.append(memberPtr, memberLen);
}

// ---- SPOP ----

export function spop(c: Conn): void {
  if (argc > 3) { replyErrorLit(E.ERR_SYNTAX); return; }
  if (argc == 3) { spopWithCount(); return; }
  const e = setEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  const s = entryValue(<usize>e);
  takeRandom(s);
  setRemove(s, picked.ptr, picked.len);
  replyBulk(picked.ptr, picked.len);
  setWritten(<usize>e);
}

function spopWithCount(): void {
  if (!parseI64(argPtr(2), argLen(2)) || parsedI64 < 0) { replyErrorLit(E.ERR_MUST_BE_POSITIVE); return; }
  const count = <u64>parsedI64;
  const e = setEntry(1, false);
  if (e < 0) return;
  if (e == 0 || count == 0) { replySetLen(0); return; }
  const s = entryValue(<usize>e);
  const size = <u64>setSize(s);
  if (count >= size) {
    replySetMembers(s);
    deleteEntry(<usize>e);
    return;
  }
  replySetLen(<i64>count);
  const remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let k: u64 = 0; k < count; k++) {
      takeRandom(s);
      replyBulk(picked.ptr, picked.len);
      setRemove(s, picked.ptr, picked.len);
    }
  } else {
    // Move the members that stay into a new set, reply what is left of the old one, swap them.
    const kept = setNew();
    for (let k: u64 = 0; k < remaining; k++) {
      takeRandom(s);
      setAdd(kept, picked.ptr, picked.len);
      setRemove(s, picked.ptr, picked.len);
    }
    const it = new SetIter(s);
    while (it.next()) replyBulk(it.ptr, it.len);
    setFree(s);
    entrySetValue(<usize>e, kept);
  }
  picked.len = 0;
  picked.shrinkIfIdle();
  setWritten(<usize>e);
}

// ---- SRANDMEMBER ----

export function srandmember(c: Conn): void {
  if (argc > 3) { replyErrorLit(E.ERR_SYNTAX); return; }
  if (argc == 3) { srandmemberWithCount(); return; }
  const e = setEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  setRandom(entryValue(<usize>e));
  replyBulk(memberPtr, memberLen);
}

function srandmemberWithCount(): void {
  if (!parseI64(argPtr(2), argLen(2))) { replyErrorLit(E.ERR_NOT_INT); return; }
  if (parsedI64 == i64.MIN_VALUE) { replyErrorLit(E.ERR_SRANDMEMBER_RANGE); return; }
  const unique = parsedI64 >= 0;
  const count = <u64>(unique ? parsedI64 : -parsedI64);
  const e = setEntry(1, true);
  if (e < 0) return;
  if (e == 0 || count == 0) { replyArrayLen(0); return; }
  const s = entryValue(<usize>e);
  const size = <u64>setSize(s);
  if (!unique || count == 1) {
    replyArrayLen(<i64>count);
    for (let k: u64 = 0; k < count; k++) {
      setRandom(s);
      replyBulk(memberPtr, memberLen);
    }
    return;
  }
  if (count >= size) {
    replyArrayLen(<i64>size);
    const it = new SetIter(s);
    while (it.next()) replyBulk(it.ptr, it.len);
    return;
  }
  replyArrayLen(<i64>count);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) shuffledPrefix(s, <u32>count);
  else distinctPicks(s, <u32>count);
}

/** `count` distinct members: a partial Fisher–Yates shuffle of a copy of every member. */
function shuffledPrefix(s: usize, count: u32): void {
  const all = new ByteBuf();
  const offsets = new Array<u32>();
  const it = new SetIter(s);
  while (it.next()) {
    offsets.push(all.len);
    all.reserve(4 + it.len);
    store<u32>(all.ptr + all.len, it.len);
    memory.copy(all.ptr + all.len + 4, it.ptr, it.len);
    all.len += 4 + it.len;
  }
  const n = <u32>offsets.length;
  for (let i: u32 = 0; i < count; i++) {
    const j = i + randomBelow(n - i);
    const at = offsets[j];
    offsets[j] = offsets[i];
    offsets[i] = at;
    replyBulk(all.ptr + at + 4, load<u32>(all.ptr + at));
  }
  all.release();
}

/** `count` distinct members (count is small against the size): random picks, repeats skipped. */
function distinctPicks(s: usize, count: u32): void {
  const seen = mtNew();
  let got: u32 = 0;
  while (got < count) {
    setRandom(s);
    if (!mtAdd(seen, memberPtr, memberLen)) continue;
    replyBulk(memberPtr, memberLen);
    got++;
  }
  mtFree(seen);
}
