// String commands: SET and its relatives, GET and its relatives, counters, ranges. Values are raw
// blocks (store/strval.ts); integers are kept as their decimal text, flagged with the int encoding.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import {
  replyBulk, replyNull, replyOk, replyInt, replyErrorLit, replyArrayLen, writeRaw,
} from "../resp/writer";
import { argIs, argToInt, argToIntOrReply, argInt } from "./options";
import { replyExpireTimeError } from "./expire-time";
import { Lit, ByteBuf } from "../util/mem";
import { parseI64, parsedI64, formatI64 } from "../util/int";
import { parseLongDoubleTo, ldAdd, ldIsFinite, formatHumanLd } from "../util/float";
import { nowMs } from "../shard/clock";
import * as E from "../resp/errors";
import { lookup, lookupRead, insertKey, deleteEntry, freeValue, setExpire, removeExpire, entryModified } from "../store/keyspace";
import {
  entryType, entrySetType, entryValue, entrySetValue, TYPE_STRING, ENC_RAW, ENC_INT, ENC_EMBSTR,
} from "../store/entry";
import { strNew, strLen, strData, strGrow, strZeros } from "../store/strval";
import { PROTO_MAX_BULK_LEN } from "../resp/parser";

// ---- shared pieces ----

/** Redis's choice of encoding for a string set whole: int, embstr (≤ 44 bytes) or raw. */
function encodingFor(ptr: usize, len: u32): u8 {
  if (len <= 20 && parseI64(ptr, len)) return ENC_INT;
  return len <= 44 ? ENC_EMBSTR : ENC_RAW;
}

/** Sets `key` to a string value; keeps the TTL only when asked (KEEPTTL, counters). Returns the entry. */
export function setString(key: usize, keyLen: u32, val: usize, valLen: u32, keepTtl: bool): usize {
  let e = lookup(key, keyLen);
  if (e == 0) {
    e = insertKey(key, keyLen);
  } else {
    freeValue(e);
    if (!keepTtl) removeExpire(e);
  }
  entrySetType(e, TYPE_STRING, encodingFor(val, valLen));
  entrySetValue(e, strNew(val, valLen));
  return e;
}

/** The live string entry of argument `i`; 0 with nothing replied when missing; -1 after WRONGTYPE. */
function stringEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_STRING) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

function replyValue(e: usize): void {
  const v = entryValue(e);
  replyBulk(strData(v), strLen(v));
}

/** GET's reply for argument 1: the value, null, or WRONGTYPE. False after WRONGTYPE. */
function getGeneric(): bool {
  const e = stringEntry(1, true);
  if (e < 0) return false;
  if (e == 0) replyNull(); else replyValue(<usize>e);
  return true;
}

// ---- SET and GETEX options ----

const OPT_NX: u32 = 1;
const OPT_XX: u32 = 2;
const OPT_GET: u32 = 4;
const OPT_KEEPTTL: u32 = 8;
const OPT_PERSIST: u32 = 16;
const OPT_EX: u32 = 32;
const OPT_PX: u32 = 64;
const OPT_EXAT: u32 = 128;
const OPT_PXAT: u32 = 256;
const ANY_EXPIRE: u32 = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT;

let optFlags: u32 = 0;
let optExpireArg: i32 = -1;

/** Parses SET's (forSet) or GETEX's options from argument `from`. False after a syntax error reply. */
function parseSetOptions(from: i32, forSet: bool): bool {
  optFlags = 0;
  optExpireArg = -1;
  for (let j = from; j < argc; j++) {
    const hasNext = j < argc - 1;
    if (forSet && argIs(j, NX) && !(optFlags & OPT_XX)) optFlags |= OPT_NX;
    else if (forSet && argIs(j, XX) && !(optFlags & OPT_NX)) optFlags |= OPT_XX;
    else if (forSet && argIs(j, GET)) optFlags |= OPT_GET;
    else if (forSet && argIs(j, KEEPTTL) && !(optFlags & (OPT_PERSIST | ANY_EXPIRE))) optFlags |= OPT_KEEPTTL;
    else if (!forSet && argIs(j, PERSIST) && !(optFlags & (OPT_KEEPTTL | ANY_EXPIRE))) optFlags |= OPT_PERSIST;
    else if (hasNext && !(optFlags & (OPT_KEEPTTL | OPT_PERSIST)) && expireOption(j)) j++;
    else { replyErrorLit(E.ERR_SYNTAX); return false; }
  }
  return true;
}

function expireOption(j: i32): bool {
  let flag: u32 = 0;
  if (argIs(j, EX)) flag = OPT_EX;
  else if (argIs(j, PX)) flag = OPT_PX;
  else if (argIs(j, EXAT)) flag = OPT_EXAT;
  else if (argIs(j, PXAT)) flag = OPT_PXAT;
  if (flag == 0 || (optFlags & (ANY_EXPIRE & ~flag)) != 0) return false;
  optFlags |= flag;
  optExpireArg = j + 1;
  return true;
}

/** The absolute expiry in ms for an expire argument, or -1 after replying Redis's error. */
let expireAtMs: i64 = 0;

function expireFromArg(i: i32, seconds: bool, relative: bool, command: Lit): bool {
  if (!argToIntOrReply(i)) return false;
  let ms = argInt;
  if (ms <= 0 || (seconds && ms > i64.MAX_VALUE / 1000)) { replyExpireTimeError(command); return false; }
  if (seconds) ms *= 1000;
  if (relative) ms += nowMs;
  if (ms <= 0) { replyExpireTimeError(command); return false; }
  expireAtMs = ms;
  return true;
}

function optionExpire(command: Lit): bool {
  const seconds = (optFlags & (OPT_EX | OPT_EXAT)) != 0;
  const relative = (optFlags & (OPT_EX | OPT_PX)) != 0;
  return expireFromArg(optExpireArg, seconds, relative, command);
}

// ---- commands ----

function set(c: Conn): void {
  if (!parseSetOptions(3, true)) return;
  if (optExpireArg >= 0 && !optionExpire(SET_NAME)) return;
  const getOld = (optFlags & OPT_GET) != 0;
  if (getOld && !getGeneric()) return;
  const found = lookup(argPtr(1), argLen(1)) != 0;
  if (((optFlags & OPT_NX) && found) || ((optFlags & OPT_XX) && !found)) {
    if (!getOld) replyNull();
    return;
  }
  const e = setString(argPtr(1), argLen(1), argPtr(2), argLen(2), (optFlags & OPT_KEEPTTL) != 0);
  if (optExpireArg >= 0) setExpire(e, expireAtMs);
  if (!getOld) replyOk();
}

function get(c: Conn): void {
  getGeneric();
}

function getex(c: Conn): void {
  if (!parseSetOptions(2, false)) return;
  const e = stringEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  if (optExpireArg >= 0 && !optionExpire(GETEX_NAME)) return;
  replyValue(<usize>e);
  if ((optFlags & (OPT_EXAT | OPT_PXAT)) != 0 && expireAtMs <= nowMs) deleteEntry(<usize>e);
  else if (optExpireArg >= 0) setExpire(<usize>e, expireAtMs);
  else if (optFlags & OPT_PERSIST) removeExpire(<usize>e);
}

function getdel(c: Conn): void {
  const e = stringEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  replyValue(<usize>e);
  deleteEntry(<usize>e);
}

function getset(c: Conn): void {
  if (!getGeneric()) return;
  setString(argPtr(1), argLen(1), argPtr(2), argLen(2), false);
}

function setnx(c: Conn): void {
  if (lookup(argPtr(1), argLen(1)) != 0) { replyInt(0); return; }
  setString(argPtr(1), argLen(1), argPtr(2), argLen(2), false);
  replyInt(1);
}

function setexGeneric(seconds: bool, command: Lit): void {
  if (!expireFromArg(2, seconds, true, command)) return;
  const e = setString(argPtr(1), argLen(1), argPtr(3), argLen(3), false);
  setExpire(e, expireAtMs);
  replyOk();
}

function setex(c: Conn): void { setexGeneric(true, SETEX_NAME); }
function psetex(c: Conn): void { setexGeneric(false, PSETEX_NAME); }

function mset(c: Conn): void {
  if ((argc & 1) == 0) { replyMsetArity(MSET_ARITY); return; }
  for (let j = 1; j < argc; j += 2) setString(argPtr(j), argLen(j), argPtr(j + 1), argLen(j + 1), false);
  replyOk();
}

function msetnx(c: Conn): void {
  if ((argc & 1) == 0) { replyMsetArity(MSETNX_ARITY); return; }
  for (let j = 1; j < argc; j += 2) {
    if (lookup(argPtr(j), argLen(j)) != 0) { replyInt(0); return; }
  }
  for (let j = 1; j < argc; j += 2) setString(argPtr(j), argLen(j), argPtr(j + 1), argLen(j + 1), false);
  replyInt(1);
}

function replyMsetArity(text: Lit): void { replyErrorLit(text); }

function mget(c: Conn): void {
  replyArrayLen(argc - 1);
  for (let j = 1; j < argc; j++) {
    const e = lookupRead(argPtr(j), argLen(j));
    if (e == 0 || entryType(e) != TYPE_STRING) replyNull();
    else replyValue(e);
  }
}

function append(c: Conn): void {
  const e = stringEntry(1, false);
  if (e < 0) return;
  if (e == 0) {
    setString(argPtr(1), argLen(1), argPtr(2), argLen(2), false);
    replyInt(argLen(2));
    return;
  }
  const v = entryValue(<usize>e);
  const total = <i64>strLen(v) + <i64>argLen(2);
  if (total > PROTO_MAX_BULK_LEN) { replyErrorLit(E.ERR_STRING_TOO_LONG); return; }
  entryModified(<usize>e);
  const grown = strGrow(v, <u32>total);
  memory.copy(strData(grown) + <usize>(<u32>total - argLen(2)), argPtr(2), argLen(2));
  entrySetValue(<usize>e, grown);
  entrySetType(<usize>e, TYPE_STRING, ENC_RAW);
  replyInt(total);
}

function strlen(c: Conn): void {
  const e = stringEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : strLen(entryValue(<usize>e)));
}

// ---- counters ----

const numBuf = new ByteBuf();

/** Replaces the value of `e` (or creates `key`) with the bytes in numBuf, keeping any TTL. */
function storeNumber(e: usize, encoding: u8): void {
  if (e == 0) {
    e = insertKey(argPtr(1), argLen(1));
  } else {
    freeValue(e);
  }
  entrySetType(e, TYPE_STRING, encoding);
  entrySetValue(e, strNew(numBuf.ptr, numBuf.len));
}

function incrDecr(by: i64): void {
  const e = stringEntry(1, false);
  if (e < 0) return;
  let value: i64 = 0;
  if (e != 0) {
    const v = entryValue(<usize>e);
    if (!parseI64(strData(v), strLen(v))) { replyErrorLit(E.ERR_NOT_INT); return; }
    value = parsedI64;
  }
  if ((by < 0 && value < 0 && by < i64.MIN_VALUE - value) || (by > 0 && value > 0 && by > i64.MAX_VALUE - value)) {
    replyErrorLit(E.ERR_OVERFLOW);
    return;
  }
  value += by;
  numBuf.len = 0;
  numBuf.reserve(24);
  numBuf.len = formatI64(numBuf.ptr, value);
  storeNumber(<usize>e, ENC_INT);
  replyInt(value);
}

function incr(c: Conn): void { incrDecr(1); }
function decr(c: Conn): void { incrDecr(-1); }

function incrby(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  incrDecr(argInt);
}

function decrby(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  if (argInt == i64.MIN_VALUE) { replyErrorLit(ERR_DECREMENT_OVERFLOW); return; }
  incrDecr(-argInt);
}

/** Two 80-bit long doubles: INCRBYFLOAT computes like Redis, in long double, not f64. */
const ldValue = memory.data(16, 8);
const ldIncr = memory.data(16, 8);
const ZERO = new Lit("0");

function incrbyfloat(c: Conn): void {
  const e = stringEntry(1, false);
  if (e < 0) return;
  let ok = e == 0
    ? parseLongDoubleTo(ZERO.ptr, ZERO.len, ldValue)
    : parseLongDoubleTo(strData(entryValue(<usize>e)), strLen(entryValue(<usize>e)), ldValue);
  if (!ok || !parseLongDoubleTo(argPtr(2), argLen(2), ldIncr)) { replyErrorLit(E.ERR_NOT_FLOAT); return; }
  ldAdd(ldValue, ldValue, ldIncr);
  if (!ldIsFinite(ldValue)) { replyErrorLit(E.ERR_NAN_INF); return; }
  numBuf.len = 0;
  numBuf.reserve(5000);
  numBuf.len = formatHumanLd(numBuf.ptr, ldValue);
  storeNumber(<usize>e, numBuf.len <= 44 ? ENC_EMBSTR : ENC_RAW);
  replyBulk(numBuf.ptr, numBuf.len);
}

// ---- ranges ----

function getrange(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  let start = argInt;
  if (!argToIntOrReply(3)) return;
  let end = argInt;
  const e = stringEntry(1, true);
  if (e < 0) return;
  if (e == 0) { writeRaw(EMPTY_BULK.ptr, EMPTY_BULK.len); return; }
  const v = entryValue(<usize>e);
  const len = <i64>strLen(v);
  if (start < 0 && end < 0 && start > end) { writeRaw(EMPTY_BULK.ptr, EMPTY_BULK.len); return; }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) { writeRaw(EMPTY_BULK.ptr, EMPTY_BULK.len); return; }
  replyBulk(strData(v) + <usize>start, <u32>(end - start + 1));
}

function setrange(c: Conn): void {
  if (!argToIntOrReply(2)) return;
  const offset = argInt;
  if (offset < 0) { replyErrorLit(E.ERR_OFFSET_RANGE); return; }
  const e = stringEntry(1, false);
  if (e < 0) return;
  const add = argLen(3);
  if (e == 0) {
    if (add == 0) { replyInt(0); return; }
    if (offset > PROTO_MAX_BULK_LEN - add) { replyErrorLit(E.ERR_STRING_TOO_LONG); return; }
    const fresh = insertKey(argPtr(1), argLen(1));
    entrySetType(fresh, TYPE_STRING, ENC_RAW);
    const v = strZeros(<u32>(offset + add));
    memory.copy(strData(v) + <usize>offset, argPtr(3), add);
    entrySetValue(fresh, v);
    replyInt(offset + add);
    return;
  }
  const v = entryValue(<usize>e);
  if (add == 0) { replyInt(strLen(v)); return; }
  if (offset > PROTO_MAX_BULK_LEN - add) { replyErrorLit(E.ERR_STRING_TOO_LONG); return; }
  entryModified(<usize>e);
  const grown = strGrow(v, <u32>max<i64>(strLen(v), offset + add));
  memory.copy(strData(grown) + <usize>offset, argPtr(3), add);
  entrySetValue(<usize>e, grown);
  entrySetType(<usize>e, TYPE_STRING, ENC_RAW);
  replyInt(strLen(grown));
}

export function registerStringCommands(): void {
  const W = F_WRITE | F_DENYOOM;
  defineCommand("set", -3, W, 1, 1, 1, "write string slow", set);
  defineCommand("get", 2, F_READONLY | F_FAST, 1, 1, 1, "read string fast", get);
  defineCommand("getex", -2, F_WRITE | F_FAST, 1, 1, 1, "write string fast", getex);
  defineCommand("getdel", 2, F_WRITE | F_FAST, 1, 1, 1, "write string fast", getdel);
  defineCommand("getset", 3, W | F_FAST, 1, 1, 1, "write string fast", getset);
  defineCommand("setnx", 3, W | F_FAST, 1, 1, 1, "write string fast", setnx);
  defineCommand("setex", 4, W, 1, 1, 1, "write string slow", setex);
  defineCommand("psetex", 4, W, 1, 1, 1, "write string slow", psetex);
  defineCommand("mset", -3, W, 1, -1, 2, "write string slow", mset);
  defineCommand("msetnx", -3, W, 1, -1, 2, "write string slow", msetnx);
  defineCommand("mget", -2, F_READONLY | F_FAST, 1, -1, 1, "read string fast", mget);
  defineCommand("append", 3, W | F_FAST, 1, 1, 1, "write string fast", append);
  defineCommand("strlen", 2, F_READONLY | F_FAST, 1, 1, 1, "read string fast", strlen);
  defineCommand("incr", 2, W | F_FAST, 1, 1, 1, "write string fast", incr);
  defineCommand("decr", 2, W | F_FAST, 1, 1, 1, "write string fast", decr);
  defineCommand("incrby", 3, W | F_FAST, 1, 1, 1, "write string fast", incrby);
  defineCommand("decrby", 3, W | F_FAST, 1, 1, 1, "write string fast", decrby);
  defineCommand("incrbyfloat", 3, W | F_FAST, 1, 1, 1, "write string fast", incrbyfloat);
  defineCommand("getrange", 4, F_READONLY, 1, 1, 1, "read string slow", getrange);
  defineCommand("substr", 4, F_READONLY, 1, 1, 1, "read string slow", getrange);
  defineCommand("setrange", 4, W, 1, 1, 1, "write string slow", setrange);
}

const NX = new Lit("nx");
const XX = new Lit("xx");
const GET = new Lit("get");
const KEEPTTL = new Lit("keepttl");
const PERSIST = new Lit("persist");
const EX = new Lit("ex");
const PX = new Lit("px");
const EXAT = new Lit("exat");
const PXAT = new Lit("pxat");
const SET_NAME = new Lit("set");
const GETEX_NAME = new Lit("getex");
const SETEX_NAME = new Lit("setex");
const PSETEX_NAME = new Lit("psetex");
const MSET_ARITY = new Lit("ERR wrong number of arguments for 'mset' command");
const MSETNX_ARITY = new Lit("ERR wrong number of arguments for 'msetnx' command");
const ERR_DECREMENT_OVERFLOW = new Lit("ERR decrement would overflow");
const EMPTY_BULK = new Lit("$0\r\n\r\n");
