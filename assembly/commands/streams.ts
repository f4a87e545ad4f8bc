// Stream commands on one key: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, after Redis 7.0's
// t_stream.c (argument order, error order and texts). The value is store/stream.ts; XGROUP is
// streams-groups.ts, XACK / XPENDING / XCLAIM / XAUTOCLAIM streams-pending.ts, XREAD / XREADGROUP
// streams-read.ts (streams-read-cross.ts across shards), XINFO streams-info.ts, shared argument and
// reply helpers streams-args.ts. A stream is created by XADD (unless NOMKSTREAM) or XGROUP CREATE
// MKSTREAM, and is never deleted for being empty.
// Auto IDs take their time from the shard's clock (shard/clock.ts), never from a clock read here.
import { registerBlockingStreamCommands } from "./streams-blocking";
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_WRITE, F_READONLY, F_DENYOOM, F_FAST } from "./table";
import { replyErrorLit, replyInt, replyNull, replyNullArray, replyOk, replyArrayLen } from "../resp/writer";
import { argToIntOrReply, argInt } from "./options";
import { ByteBuf, Lit } from "../util/mem";
import * as E from "../resp/errors";
import { argIsWord } from "./keys-args";
import { insertKey, entryModified } from "../store/keyspace";
import { entrySetType, entrySetValue, TYPE_STREAM } from "../store/entry";
import { nowMs } from "../shard/clock";
import { idParse, idIncr, idCompare, idMs, idSeq, idSeqGiven, ID_MAX } from "../store/stream-id";
import {
  streamNew, streamLength, streamLastMs, streamLastSeq, streamAppend, streamTrim, streamDelete,
  streamSetLast, streamSetEntriesAdded, streamSetMaxDel, streamSeekLastEntry,
  TRIM_NONE, TRIM_MAXLEN, TRIM_MINID,
} from "../store/stream";
import { curMs, curSeq } from "../store/stream-index";
import { streamEntry, streamOf, argStrictId, argIntervalId, replyRange, replyId, argIsSymbol } from "./streams-args";
import { registerStreamGroupCommands } from "./streams-groups";
import { registerStreamReadCommands } from "./streams-read";
import { registerStreamInfoCommands } from "./streams-info";

/** The entry byte for a stream's encoding: Redis has one, "stream" (commands/keys-names.ts). */
export const ENC_STREAM: u8 = 0;

/** A new, empty stream under `key` (absent). */
export function createStream(key: usize, keyLen: u32): usize {
  const e = insertKey(key, keyLen);
  entrySetType(e, TYPE_STREAM, ENC_STREAM);
  entrySetValue(e, streamNew());
  return e;
}

// ---- XADD / XTRIM options (streamParseAddOrTrimArgsOrReply) ----

let trimStrategy: i32 = TRIM_NONE;
let trimMaxlen: i64 = 0;
let trimMinMs: u64 = 0;
let trimMinSeq: u64 = 0;
let trimApprox = false;
let trimLimit: i64 = 0;
let addIdGiven = false;
let addSeqGiven = false;
let addMs: u64 = 0;
let addSeq: u64 = 0;
let addNoMkstream = false;

/** Parses options from argument 2; returns the ID's position (XADD) or argc, or -1 after an error. */
function parseAddOrTrim(xadd: bool): i32 {
  trimStrategy = TRIM_NONE;
  trimMaxlen = -1;
  trimApprox = false;
  trimLimit = 0;
  addIdGiven = false;
  addSeqGiven = false;
  addNoMkstream = false;
  let limitGiven = false;
  let i = 2;
  for (; i < argc; i++) {
    const more = argc - 1 - i;
    if (xadd && argIsSymbol(i, 0x2a)) break;
    if (argIsWord(i, MAXLEN) && more > 0 || argIsWord(i, MINID) && more > 0) {
      const isMaxlen = argIsWord(i, MAXLEN);
      if (trimStrategy != TRIM_NONE) { replyErrorLit(E.ERR_MAXLEN_AND_MINID); return -1; }
      trimApprox = false;
      if (more >= 2 && argIsSymbol(i + 1, 0x7e)) { trimApprox = true; i++; }
      else if (more >= 2 && argIsSymbol(i + 1, 0x3d)) i++;
      if (isMaxlen) {
        if (!argToIntOrReply(i + 1)) return -1;
        trimMaxlen = argInt;
        if (trimMaxlen < 0) { replyErrorLit(E.ERR_MAXLEN_NEGATIVE); return -1; }
        trimStrategy = TRIM_MAXLEN;
      } else {
        if (!argStrictId(i + 1, 0)) return -1;
        trimMinMs = idMs;
        trimMinSeq = idSeq;
        trimStrategy = TRIM_MINID;
      }
      i++;
    } else if (argIsWord(i, LIMIT) && more > 0) {
      if (!argToIntOrReply(i + 1)) return -1;
      trimLimit = argInt;
      if (trimLimit < 0) { replyErrorLit(E.ERR_XTRIM_LIMIT_NEGATIVE); return -1; }
      limitGiven = true;
      i++;
    } else if (xadd && argIsWord(i, NOMKSTREAM)) {
      addNoMkstream = true;
    } else if (xadd) {
      if (!idParse(argPtr(i), argLen(i), 0, true, true)) { replyErrorLit(E.ERR_STREAM_ID); return -1; }
      addIdGiven = true;
      addSeqGiven = idSeqGiven;
      addMs = idMs;
      addSeq = idSeq;
      break;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return -1;
    }
  }
  if (trimLimit != 0 && trimStrategy == TRIM_NONE) { replyErrorLit(E.ERR_LIMIT_NO_STRATEGY); return -1; }
  if (!xadd && trimStrategy == TRIM_NONE) { replyErrorLit(E.ERR_XTRIM_NO_STRATEGY); return -1; }
  if (limitGiven) {
    if (!trimApprox) { replyErrorLit(E.ERR_LIMIT_NO_APPROX); return -1; }
  } else {
    trimLimit = trimApprox ? 100 * 100 : 0;
  }
  return i;
}

function trimNow(s: usize): i64 {
  return streamTrim(s, trimStrategy, <u64>trimMaxlen, trimMinMs, trimMinSeq, trimApprox, trimLimit);
}

// ---- XADD ----

const fields = new ByteBuf();

function xadd(c: Conn): void {
  const idPos = parseAddOrTrim(true);
  if (idPos < 0) return;
  const fieldPos = idPos + 1;
  if (argc - fieldPos < 2 || ((argc - fieldPos) & 1) == 1) { replyErrorLit(XADD_ARITY); return; }
  if (addIdGiven && addSeqGiven && addMs == 0 && addSeq == 0) { replyErrorLit(E.ERR_XADD_ID_ZERO); return; }
  let e = streamEntry(1, false);
  if (e < 0) return;
  if (e == 0) {
    if (addNoMkstream) { replyNull(); return; }
    e = <isize>createStream(argPtr(1), argLen(1));
  }
  const s = streamOf(e);
  const lastMs = streamLastMs(s);
  const lastSeq = streamLastSeq(s);
  if (lastMs == ID_MAX && lastSeq == ID_MAX) { replyErrorLit(E.ERR_STREAM_EXHAUSTED); return; }
  // The new ID: given, `ms-*` (the next sequence within that ms), or from the clock.
  let ms: u64 = addMs;
  let seq: u64 = addSeq;
  if (addIdGiven && !addSeqGiven) {
    if (lastMs == ms) {
      if (lastSeq == ID_MAX) { replyErrorLit(E.ERR_XADD_ID_SMALL); return; }
      seq = lastSeq + 1;
    }
  } else if (!addIdGiven) {
    const now = <u64>nowMs;
    if (now > lastMs) { ms = now; seq = 0; } else { idIncr(lastMs, lastSeq); ms = idMs; seq = idSeq; }
  }
  if (idCompare(ms, seq, lastMs, lastSeq) <= 0) { replyErrorLit(E.ERR_XADD_ID_SMALL); return; }
  fields.len = 0;
  for (let j = fieldPos; j < argc; j++) {
    const n = argLen(j);
    fields.reserve(4 + n);
    store<u32>(fields.ptr + fields.len, n);
    memory.copy(fields.ptr + fields.len + 4, argPtr(j), n);
    fields.len += 4 + n;
  }
  streamAppend(s, ms, seq, <u32>(argc - fieldPos), fields.ptr, fields.len);
  fields.len = 0;
  fields.shrinkIfIdle();
  replyId(ms, seq);
  entryModified(<usize>e);
  trimNow(s);
}

// ---- XLEN ----

function xlen(c: Conn): void {
  const e = streamEntry(1, true);
  if (e < 0) return;
  replyInt(e == 0 ? 0 : <i64>streamLength(streamOf(e)));
}

// ---- XRANGE / XREVRANGE ----

function rangeGeneric(rev: bool): void {
  if (!argIntervalId(rev ? 3 : 2, true)) return;
  const sMs = idMs;
  const sSeq = idSeq;
  if (!argIntervalId(rev ? 2 : 3, false)) return;
  const eMs = idMs;
  const eSeq = idSeq;
  let count: i64 = -1;
  for (let j = 4; j < argc; j++) {
    if (argIsWord(j, COUNT) && j + 1 < argc) {
      if (!argToIntOrReply(j + 1)) return;
      count = argInt < 0 ? 0 : argInt;
      j++;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  const e = streamEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyArrayLen(0); return; }
  if (count == 0) { replyNullArray(); return; }
  replyRange(streamOf(e), sMs, sSeq, eMs, eSeq, count < 0 ? 0 : <u64>count, rev);
}

function xrange(c: Conn): void { rangeGeneric(false); }
function xrevrange(c: Conn): void { rangeGeneric(true); }

// ---- XDEL ----

const ids = new ByteBuf();

function xdel(c: Conn): void {
  const e = streamEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  // Every ID is checked before any is deleted: the command is all or nothing.
  ids.len = 0;
  for (let j = 2; j < argc; j++) {
    if (!argStrictId(j, 0)) return;
    ids.reserve(16);
    store<u64>(ids.ptr + ids.len, idMs);
    store<u64>(ids.ptr + ids.len, idSeq, 8);
    ids.len += 16;
  }
  const s = streamOf(e);
  let deleted: i64 = 0;
  for (let at: u32 = 0; at < ids.len; at += 16) {
    if (streamDelete(s, load<u64>(ids.ptr + at), load<u64>(ids.ptr + at, 8))) deleted++;
  }
  if (deleted > 0) entryModified(<usize>e);
  replyInt(deleted);
}

// ---- XTRIM ----

function xtrim(c: Conn): void {
  if (parseAddOrTrim(false) < 0) return;
  const e = streamEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyInt(0); return; }
  const deleted = trimNow(streamOf(e));
  if (deleted > 0) entryModified(<usize>e);
  replyInt(deleted);
}

// ---- XSETID ----

function xsetid(c: Conn): void {
  if (!argStrictId(2, 0)) return;
  const ms = idMs;
  const seq = idSeq;
  let entriesAdded: i64 = -1;
  let delMs: u64 = 0;
  let delSeq: u64 = 0;
  for (let i = 3; i < argc; i += 2) {
    const more = argc - 1 - i;
    if (argIsWord(i, ENTRIESADDED) && more > 0) {
      if (!argToIntOrReply(i + 1)) return;
      entriesAdded = argInt;
      if (entriesAdded < 0) { replyErrorLit(E.ERR_ENTRIES_ADDED_POSITIVE); return; }
    } else if (argIsWord(i, MAXDELETEDID) && more > 0) {
      if (!argStrictId(i + 1, 0)) return;
      delMs = idMs;
      delSeq = idSeq;
      if (idCompare(ms, seq, delMs, delSeq) < 0) { replyErrorLit(E.ERR_XSETID_BELOW_GIVEN_MAXDEL); return; }
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  const e = streamEntry(1, false);
  if (e < 0) return;
  if (e == 0) { replyErrorLit(E.ERR_NO_KEY); return; }
  const s = streamOf(e);
  if (streamLength(s) > 0) {
    streamSeekLastEntry(s);
    if (idCompare(ms, seq, curMs, curSeq) < 0) { replyErrorLit(E.ERR_XSETID_BELOW_TOP); return; }
    if (entriesAdded != -1 && streamLength(s) > <u64>entriesAdded) { replyErrorLit(E.ERR_XSETID_ENTRIES_ADDED); return; }
  }
  streamSetLast(s, ms, seq);
  if (entriesAdded != -1) streamSetEntriesAdded(s, <u64>entriesAdded);
  if (delMs != 0 || delSeq != 0) streamSetMaxDel(s, delMs, delSeq);
  // Not a change of the key for WATCH: Redis 7.0's XSETID does not signal it.
  replyOk();
}

export function registerStreamCommands(): void {
  defineCommand("xadd", -5, F_WRITE | F_DENYOOM | F_FAST, 1, 1, 1, "write stream fast", xadd);
  defineCommand("xlen", 2, F_READONLY | F_FAST, 1, 1, 1, "read stream fast", xlen);
  defineCommand("xrange", -4, F_READONLY, 1, 1, 1, "read stream slow", xrange);
  defineCommand("xrevrange", -4, F_READONLY, 1, 1, 1, "read stream slow", xrevrange);
  defineCommand("xdel", -3, F_WRITE | F_FAST, 1, 1, 1, "write stream fast", xdel);
  defineCommand("xtrim", -4, F_WRITE, 1, 1, 1, "write stream slow", xtrim);
  defineCommand("xsetid", -3, F_WRITE | F_DENYOOM | F_FAST, 1, 1, 1, "write stream fast", xsetid);
  registerStreamGroupCommands();
  registerStreamReadCommands();
  registerBlockingStreamCommands();
  registerStreamInfoCommands();
}

const MAXLEN = new Lit("maxlen");
const MINID = new Lit("minid");
const LIMIT = new Lit("limit");
const NOMKSTREAM = new Lit("nomkstream");
const COUNT = new Lit("count");
const ENTRIESADDED = new Lit("entriesadded");
const MAXDELETEDID = new Lit("maxdeletedid");
const XADD_ARITY = new Lit("ERR wrong number of arguments for 'xadd' command");
