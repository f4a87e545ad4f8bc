// Hash commands: setting, reading, deleting and counting fields, the counters (HINCRBY, HINCRBYFLOAT),
// and the whole-hash reads (HKEYS, HVALS, HGETALL). HRANDFIELD and HSCAN are hashes-random.ts and
// hashes-scan.ts. The structure is store/hash.ts; the entry holds a hash's header address with TYPE_HASH
// and, as its encoding byte, the hash's form (listpack or hashtable: OBJECT ENCODING), kept in step after
// every write. Replies, error texts and their order follow Redis 7.0's t_hash.c:
//   - the writes that create (HSET, HMSET, HSETNX, HINCRBY, HINCRBYFLOAT) parse their numbers first, then
//     look the key up for writing, creating an empty hash when it is missing (hashTypeLookupWriteOrCreate);
//     every path after that writes, so an empty hash never stays;
//   - HSET and HMSET check every field and value against hash-max-listpack-value before writing any
//     (hashTypeTryConversion), so a long argument makes the hash a table even if its field existed;
//   - a write that empties a hash deletes the key; every write marks the key modified (WATCH).
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import {
  replyBulk, replyNull, replyOk, replyInt, replyErrorLit, replyArrayLen, replyMapLen,
} from "../resp/writer";
import { argToIntOrReply, argInt } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { parseI64, parsedI64, formatI64 } from "../util/int";
import { parseLongDoubleTo, ldAdd, ldIsFinite, formatHumanLd } from "../util/float";
import * as E from "../resp/errors";
import { lookup, lookupRead, insertKey, deleteEntry, entryModified } from "../store/keyspace";
import { entryType, entrySetType, entryValue, entrySetValue, TYPE_HASH } from "../store/entry";
import {
  hashNew, hashLen, hashForm, hashGet, hashSet, hashDelete, hashConvertFor, hashIterStart, hashIterNext,
  fieldPtr, fieldLen, valPtr, valLen,
} from "../store/hash";
import { registerHashRandom } from "./hashes-random";
import { registerHashScan } from "./hashes-scan";

// ---- shared pieces ----

/** The hash entry of argument `i`: 0 when missing (nothing replied), -1 after replying WRONGTYPE. */
export function hashEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_HASH) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

/** The hash of argument 1 for a write, created empty when missing; -1 after replying WRONGTYPE. */
function hashForWrite(): isize {
  const e = hashEntry(1, false);
  if (e != 0) return e;
  const fresh = insertKey(argPtr(1), argLen(1));
  const h = hashNew();
  entrySetType(fresh, TYPE_HASH, hashForm(h));
  entrySetValue(fresh, h);
  return <isize>fresh;
}

/** After a write to hash entry `e`: WATCH sees it, the encoding byte follows the form, empty is deleted. */
export function hashWritten(e: usize): void {
  const h = entryValue(e);
  if (hashLen(h) == 0) { deleteEntry(e); return; }
  entrySetType(e, TYPE_HASH, hashForm(h));
  entryModified(e);
}

// ---- setting ----

function hsetGeneric(isHmset: bool): void {
  if ((argc & 1) == 1) { replyErrorLit(isHmset ? HMSET_ARITY : HSET_ARITY); return; }
  const e = hashForWrite();
  if (e < 0) return;
  const h = entryValue(<usize>e);
  for (let j = 2; j < argc; j++) hashConvertFor(h, argLen(j));
  let created: i64 = 0;
  for (let j = 2; j < argc; j += 2) {
    if (hashSet(h, argPtr(j), argLen(j), argPtr(j + 1), argLen(j + 1))) created++;
  }
  hashWritten(<usize>e);
  if (isHmset) replyOk(); else replyInt(created);
}

function hset(c: Conn): void { hsetGeneric(false); }
function hmset(c: Conn): void { hsetGeneric(true); }

function hsetnx(c: Conn): void {
  const e = hashForWrite();
  if (e < 0) return;
  const h = entryValue(<usize>e);
  if (hashGet(h, argPtr(2), argLen(2))) { replyInt(0); return; }
  // hashSet converts for a long field or value first, as HSETNX's hashTypeTryConversion(argv, 2, 3) does.
  hashSet(h, argPtr(2), argLen(2), argPtr(3), argLen(3));
  hashWritten(<usize>e);
  replyInt(1);
}

// ---- reading fields ----

function hget(c: Conn): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  if (e == 0 || !hashGet(entryValue(<usize>e), argPtr(2), argLen(2))) { replyNull(); return; }
  replyBulk(valPtr, valLen);
}

function hmget(c: Conn): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  replyArrayLen(argc - 2);
  for (let j = 2; j < argc; j++) {
    if (e != 0 && hashGet(entryValue(<usize>e), argPtr(j), argLen(j))) replyBulk(valPtr, valLen);
    else replyNull();
  }
}

function hexists(c: Conn): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  replyInt(e != 0 && hashGet(entryValue(<usize>e), argPtr(2), argLen(2)) ? 1 : 0);
}

function hlen(c: Conn): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : hashLen(entryValue(<usize>e)));
}

function hstrlen(c: Conn): void {
  const e = hashEntry(1, true);
  if (e < 0) return;
  replyInt(e != 0 && hashGet(entryValue(<usize>e), argPtr(2), argLen(2)) ? valLen : 0);
}

// ---- deleting ----

function hdel(c: Conn): void {
  const e = hashEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const h = entryValue(<usize>e);
  let deleted: i64 = 0;
  for (let j = 2; j < argc; j++) {
    if (!hashDelete(h, argPtr(j), argLen(j))) continue;
    deleted++;
    if (hashLen(h) == 0) break;
  }
  if (deleted > 0) hashWritten(<usize>e);
  replyInt(deleted);
}

// ---- counters ----

const numBuf = new ByteBuf();

function hincrby(c: Conn): void {
  if (!argToIntOrReply(3)) return;
  const incr = argInt;
  const e = hashForWrite();
  if (e < 0) return;
  const h = entryValue(<usize>e);
  let value: i64 = 0;
  if (hashGet(h, argPtr(2), argLen(2))) {
    if (!parseI64(valPtr, valLen)) { replyErrorLit(E.ERR_HASH_NOT_INT); return; }
    value = parsedI64;
  }
  if ((incr < 0 && value < 0 && incr < i64.MIN_VALUE - value) ||
      (incr > 0 && value > 0 && incr > i64.MAX_VALUE - value)) {
    replyErrorLit(E.ERR_OVERFLOW);
    return;
  }
  value += incr;
  numBuf.len = 0;
  numBuf.reserve(24);
  numBuf.len = formatI64(numBuf.ptr, value);
  hashSet(h, argPtr(2), argLen(2), numBuf.ptr, numBuf.len);
  hashWritten(<usize>e);
  replyInt(value);
}

/** Two 80-bit long doubles: HINCRBYFLOAT computes like Redis, in long double, as INCRBYFLOAT does. */
const ldValue = memory.data(16, 8);
const ldIncr = memory.data(16, 8);

function hincrbyfloat(c: Conn): void {
  if (!parseLongDoubleTo(argPtr(3), argLen(3), ldIncr)) { replyErrorLit(E.ERR_NOT_FLOAT); return; }
  if (!ldIsFinite(ldIncr)) { replyErrorLit(E.ERR_VALUE_NAN_INF); return; }
  const e = hashForWrite();
  if (e < 0) return;
  const h = entryValue(<usize>e);
  if (hashGet(h, argPtr(2), argLen(2))) {
    if (!parseLongDoubleTo(valPtr, valLen, ldValue)) { replyErrorLit(E.ERR_HASH_NOT_FLOAT); return; }
  } else {
    parseLongDoubleTo(ZERO.ptr, ZERO.len, ldValue);
  }
  ldAdd(ldValue, ldValue, ldIncr);
  if (!ldIsFinite(ldValue)) { replyErrorLit(E.ERR_NAN_INF); return; }
  numBuf.len = 0;
  numBuf.reserve(5000);
  numBuf.len = formatHumanLd(numBuf.ptr, ldValue);
  hashSet(h, argPtr(2), argLen(2), numBuf.ptr, numBuf.len);
  hashWritten(<usize>e);
  replyBulk(numBuf.ptr, numBuf.len);
  numBuf.len = 0;
  numBuf.shrinkIfIdle();
}

// ---- whole-hash reads: listpack order, or the table's bucket order ----

const WANT_FIELDS: u32 = 1;
const WANT_VALUES: u32 = 2;

function getallGeneric(want: u32): void {
  const both = want == (WANT_FIELDS | WANT_VALUES);
  const e = hashEntry(1, true);
  if (e < 0) return;
  if (e == 0) {
    if (both) replyMapLen(0); else replyArrayLen(0);
    return;
  }
  const h = entryValue(<usize>e);
  if (both) replyMapLen(hashLen(h)); else replyArrayLen(hashLen(h));
  hashIterStart(h);
  while (hashIterNext()) {
    if (want & WANT_FIELDS) replyBulk(fieldPtr, fieldLen);
    if (want & WANT_VALUES) replyBulk(valPtr, valLen);
  }
}

function hkeys(c: Conn): void { getallGeneric(WANT_FIELDS); }
function hvals(c: Conn): void { getallGeneric(WANT_VALUES); }
function hgetall(c: Conn): void { getallGeneric(WANT_FIELDS | WANT_VALUES); }

export function registerHashCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  defineCommand("hset", -4, W | F_FAST, 1, 1, 1, "write hash fast", hset);
  defineCommand("hmset", -4, W | F_FAST, 1, 1, 1, "write hash fast", hmset);
  defineCommand("hsetnx", 4, W | F_FAST, 1, 1, 1, "write hash fast", hsetnx);
  defineCommand("hget", 3, F_READONLY | F_FAST, 1, 1, 1, "read hash fast", hget);
  defineCommand("hmget", -3, F_READONLY | F_FAST, 1, 1, 1, "read hash fast", hmget);
  defineCommand("hexists", 3, F_READONLY | F_FAST, 1, 1, 1, "read hash fast", hexists);
  defineCommand("hlen", 2, F_READONLY | F_FAST, 1, 1, 1, "read hash fast", hlen);
  defineCommand("hstrlen", 3, F_READONLY | F_FAST, 1, 1, 1, "read hash fast", hstrlen);
  defineCommand("hdel", -3, F_WRITE | F_FAST, 1, 1, 1, "write hash fast", hdel);
  defineCommand("hincrby", 4, W | F_FAST, 1, 1, 1, "write hash fast", hincrby);
  defineCommand("hincrbyfloat", 4, W | F_FAST, 1, 1, 1, "write hash fast", hincrbyfloat);
  defineCommand("hkeys", 2, F_READONLY, 1, 1, 1, "read hash slow", hkeys);
  defineCommand("hvals", 2, F_READONLY, 1, 1, 1, "read hash slow", hvals);
  defineCommand("hgetall", 2, F_READONLY, 1, 1, 1, "read hash slow", hgetall);
  registerHashRandom();
  registerHashScan();
}

const ZERO = new Lit("0");
const HSET_ARITY = new Lit("ERR wrong number of arguments for 'hset' command");
const HMSET_ARITY = new Lit("ERR wrong number of arguments for 'hmset' command");
