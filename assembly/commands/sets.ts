// Set commands on one shard: SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SMOVE, and the command
// table entries of the whole family (the algebra is sets-algebra.ts, SPOP/SRANDMEMBER sets-random.ts,
// SSCAN sets-scan.ts, commands whose keys span shards sets-cross.ts). The structure is store/set.ts;
// the entry holds a set's header address with TYPE_SET and the set's encoding byte, kept in step after
// every write (OBJECT ENCODING reads the entry). Replies, error texts and their order follow Redis
// 7.0's t_set.c. A write that empties a set deletes the key; every write marks the key modified (WATCH).
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import { replyInt, replyErrorLit, replyArrayLen, replySetLen, replyBulk } from "../resp/writer";
import * as E from "../resp/errors";
import { lookup, lookupRead, insertKey, deleteEntry, entryModified } from "../store/keyspace";
import { entryType, entrySetType, entryValue, entrySetValue, TYPE_SET } from "../store/entry";
import {
  setNew, setFree, setSize, setAdd, setRemove, setIsMember, setEncoding, SetIter,
} from "../store/set";
import { sinter, sinterstore, sintercard, sunion, sunionstore, sdiff, sdiffstore, replyInter } from "./sets-algebra";
import { spop, srandmember } from "./sets-random";
import { sscan } from "./sets-scan";
import {
  startSetAlgebra, startSetStore, startSintercard, startSmove, registerSetInternals,
} from "./sets-cross";

// ---- shared pieces ----

/** The set entry of argument `i`: 0 when missing (nothing replied), -1 after replying WRONGTYPE. */
export function setEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_SET) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

/** A new key `key` (absent) holding the set `s`. */
export function putSet(key: usize, keyLen: u32, s: usize): usize {
  const e = insertKey(key, keyLen);
  entrySetType(e, TYPE_SET, setEncoding(s));
  entrySetValue(e, s);
  return e;
}

/** After a write to set entry `e`: WATCH sees it, the encoding byte follows, an empty set is deleted. */
export function setWritten(e: usize): void {
  entryModified(e);
  const s = entryValue(e);
  if (setSize(s) == 0) { deleteEntry(e); return; }
  entrySetType(e, TYPE_SET, setEncoding(s));
}

/**
 * The STORE forms' last step (Redis's setKey, or dbDelete for an empty result): `key` now holds `s`
 * (whatever it held before, its TTL dropped), or is deleted when `s` is empty. Takes `s`; returns the
 * size stored.
 */
export function storeSet(key: usize, keyLen: u32, s: usize): u32 {
  const n = setSize(s);
  const old = lookup(key, keyLen);
  if (old != 0) deleteEntry(old);
  if (n == 0) setFree(s);
  else putSet(key, keyLen, s);
  return n;
}

/** Replies every member of `s` as a set (`~` in RESP3), in the set's own order. */
export function replySetMembers(s: usize): void {
  replySetLen(setSize(s));
  const it = new SetIter(s);
  while (it.next()) replyBulk(it.ptr, it.len);
}

// ---- SADD / SREM ----

function sadd(c: Conn): void {
  let e = setEntry(1, false);
  if (e < 0) return;
  if (e == 0) e = <isize>putSet(argPtr(1), argLen(1), setNew());
  const s = entryValue(<usize>e);
  let added: i64 = 0;
  for (let j = 2; j < argc; j++) if (setAdd(s, argPtr(j), argLen(j))) added++;
  if (added > 0) setWritten(<usize>e);
  replyInt(added);
}

function srem(c: Conn): void {
  const e = setEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const s = entryValue(<usize>e);
  let removed: i64 = 0;
  for (let j = 2; j < argc; j++) {
    if (setRemove(s, argPtr(j), argLen(j))) {
      removed++;
      if (setSize(s) == 0) break;
    }
  }
  if (removed > 0) setWritten(<usize>e);
  replyInt(removed);
}

// ---- reads ----

function scard(c: Conn): void {
  const e = setEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : setSize(entryValue(<usize>e)));
}

function sismember(c: Conn): void {
  const e = setEntry(1, true);
  if (e < 0) return;
  replyInt(e != 0 && setIsMember(entryValue(<usize>e), argPtr(2), argLen(2)) ? 1 : 0);
}

function smismember(c: Conn): void {
  const e = setEntry(1, true);
  if (e < 0) return;
  replyArrayLen(argc - 2);
  for (let j = 2; j < argc; j++) {
    replyInt(e != 0 && setIsMember(entryValue(<usize>e), argPtr(j), argLen(j)) ? 1 : 0);
  }
}

/** SMEMBERS is Redis's SINTER of one key. */
function smembers(c: Conn): void {
  const e = setEntry(1, true);
  if (e < 0) return;
  const sets = new Array<usize>();
  sets.push(e == 0 ? 0 : entryValue(<usize>e));
  replyInter(sets);
}

// ---- SMOVE source destination member (both keys here) ----

function smove(c: Conn): void {
  const se = lookup(argPtr(1), argLen(1));
  let de = lookup(argPtr(2), argLen(2));
  if (se == 0) { replyInt(0); return; }
  if (entryType(se) != TYPE_SET || (de != 0 && entryType(de) != TYPE_SET)) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  if (se == de) { replyInt(setIsMember(entryValue(se), argPtr(3), argLen(3)) ? 1 : 0); return; }
  if (!setRemove(entryValue(se), argPtr(3), argLen(3))) { replyInt(0); return; }
  setWritten(se);
  if (de == 0) de = putSet(argPtr(2), argLen(2), setNew());
  if (setAdd(entryValue(de), argPtr(3), argLen(3))) setWritten(de);
  replyInt(1);
}

export function registerSetCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  defineCommand("sadd", -3, W | F_FAST, 1, 1, 1, "write set fast", sadd);
  defineCommand("srem", -3, F_WRITE | F_FAST, 1, 1, 1, "write set fast", srem);
  defineCommand("scard", 2, F_READONLY | F_FAST, 1, 1, 1, "read set fast", scard);
  defineCommand("sismember", 3, F_READONLY | F_FAST, 1, 1, 1, "read set fast", sismember);
  defineCommand("smismember", -3, F_READONLY | F_FAST, 1, 1, 1, "read set fast", smismember);
  defineCommand("smembers", 2, F_READONLY, 1, 1, 1, "read set slow", smembers);
  defineCommand("spop", -2, F_WRITE | F_FAST, 1, 1, 1, "write set fast", spop);
  defineCommand("srandmember", -2, F_READONLY, 1, 1, 1, "read set slow", srandmember);
  defineCommand("sscan", -3, F_READONLY, 1, 1, 1, "read set slow", sscan);
  crossShard(defineCommand("smove", 4, F_WRITE | F_FAST, 1, 2, 1, "write set fast", smove), startSmove, false, true);
  crossShard(defineCommand("sinter", -2, F_READONLY, 1, -1, 1, "read set slow", sinter), startSetAlgebra, false, true);
  crossShard(defineCommand("sunion", -2, F_READONLY, 1, -1, 1, "read set slow", sunion), startSetAlgebra, false, true);
  crossShard(defineCommand("sdiff", -2, F_READONLY, 1, -1, 1, "read set slow", sdiff), startSetAlgebra, false, true);
  crossShard(defineCommand("sinterstore", -3, W, 1, -1, 1, "write set slow", sinterstore), startSetStore, false, true);
  crossShard(defineCommand("sunionstore", -3, W, 1, -1, 1, "write set slow", sunionstore), startSetStore, false, true);
  crossShard(defineCommand("sdiffstore", -3, W, 1, -1, 1, "write set slow", sdiffstore), startSetStore, false, true);
  // Movable keys (numkeys): the table cannot place them, so the starter always decides where it runs.
  crossShard(defineCommand("sintercard", -3, F_READONLY, 0, 0, 0, "read set slow", sintercard), startSintercard, true, false);
  registerSetInternals();
}
