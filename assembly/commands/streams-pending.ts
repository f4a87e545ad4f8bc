// The pending entries list commands: XACK, XPENDING (summary and extended, IDLE, one consumer), XCLAIM
// (IDLE TIME RETRYCOUNT FORCE JUSTID LASTID) and XAUTOCLAIM (COUNT JUSTID, and 7.0's third reply element:
// the IDs it dropped because their entries were deleted), after Redis 7.0's t_stream.c. A command that
// takes several IDs parses them all before changing anything; a claimed entry that no longer exists in
// the stream leaves the PEL. Delivery times come from the shard's clock. As in Redis 7.0, none of these
// counts as a change of the key for WATCH.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_WRITE, F_READONLY, F_FAST } from "./table";
import {
  replyErrorLit, replyInt, replyNull, replyNullArray, replyArrayLen, replyBulk, replyBulkI64, writeRaw,
  pushCapture, popCapture,
} from "../resp/writer";
import { argToInt, argToIntOrReply, argInt } from "./options";
import { argCLen, argIsWord } from "./keys-args";
import { ByteBuf, Lit } from "../util/mem";
import * as E from "../resp/errors";
import { nowMs } from "../shard/clock";
import { idParse, idCompare, idMs, idSeq } from "../store/stream-id";
import { streamGroups, streamIndex } from "../store/stream";
import { idxFind } from "../store/stream-index";
import {
  groupLookup, groupSetLast, groupLastMs, groupLastSeq, groupPel, groupConsumers, consumerLookup,
  consumerPel, namesCount, namesAt, itemName, itemNameLen, nackNew, nackFree, nackTime, nackSetTime,
  nackCount, nackSetCount, nackConsumer, nackSetConsumer,
} from "../store/stream-groups";
import { pelCount, pelMs, pelSeq, pelValue, pelFind, pelInsert, pelRemove, pelRemoveAt, pelLowerBound } from "../store/stream-pel";
import {
  streamEntry, streamOf, argStrictId, argIsStrictId, argIntervalId, replyNoGroupKey, replyId, replyCurrentEntry,
} from "./streams-args";
import { consumerFor } from "./streams-groups";
import { textStart, putLit, putBytes, putByte, textError } from "./report-text";

// ---- shared ----

/** The group named by argument `i` in stream entry `e` (0 when there is no key or no such group). */
function groupOfArg(e: isize, i: i32): usize {
  if (e <= 0) return 0;
  return groupLookup(streamGroups(streamOf(e)), argPtr(i), argLen(i));
}

/** Drops the NACK at position `i` of the group PEL from both PELs and frees it. */
function nackDropAt(g: usize, i: u32): void {
  const pel = groupPel(g);
  const ms = pelMs(pel, i);
  const seq = pelSeq(pel, i);
  const nack = pelValue(pel, i);
  pelRemoveAt(pel, i);
  const owner = nackConsumer(nack);
  if (owner != 0) pelRemove(consumerPel(owner), ms, seq);
  nackFree(nack);
}

/** Gives `nack` (ID ms-seq) to consumer `c`. */
function nackGiveTo(nack: usize, c: usize, ms: u64, seq: u64): void {
  const owner = nackConsumer(nack);
  if (owner == c) return;
  if (owner != 0) pelRemove(consumerPel(owner), ms, seq);
  pelInsert(consumerPel(c), ms, seq, nack);
  nackSetConsumer(nack, c);
}

/** Writes the entry `ms-seq` as XCLAIM does: the entry, or a null when it is gone. */
function replyEntryById(s: usize, ms: u64, seq: u64): void {
  if (idxFind(streamIndex(s), ms, seq)) replyCurrentEntry();
  else replyNull();
}

// ---- XACK key group id [id …] ----

const ackIds = new ByteBuf();

function xack(c: Conn): void {
  const e = streamEntry(1, true);
  if (e < 0) return;
  const g = groupOfArg(e, 2);
  if (g == 0) { replyInt(0); return; }
  ackIds.len = 0;
  for (let j = 3; j < argc; j++) {
    if (!argStrictId(j, 0)) return;
    ackIds.reserve(16);
    store<u64>(ackIds.ptr + ackIds.len, idMs);
    store<u64>(ackIds.ptr + ackIds.len, idSeq, 8);
    ackIds.len += 16;
  }
  let acked: i64 = 0;
  for (let at: u32 = 0; at < ackIds.len; at += 16) {
    const i = pelFind(groupPel(g), load<u64>(ackIds.ptr + at), load<u64>(ackIds.ptr + at, 8));
    if (i < 0) continue;
    nackDropAt(g, <u32>i);
    acked++;
  }
  replyInt(acked);
}

// ---- XPENDING key group [[IDLE min-idle] start end count [consumer]] ----

function xpending(c: Conn): void {
  const summary = argc == 3;
  if (argc != 3 && (argc < 6 || argc > 9)) { replyErrorLit(E.ERR_SYNTAX); return; }
  let minIdle: i64 = 0;
  let count: i64 = 0;
  let sMs: u64 = 0, sSeq: u64 = 0, eMs: u64 = 0, eSeq: u64 = 0;
  let consumerArg = -1;
  if (!summary) {
    let at = 3;
    if (argIsWord(3, IDLE)) {
      if (!argToIntOrReply(4)) return;
      minIdle = argInt;
      if (argc < 8) { replyErrorLit(E.ERR_SYNTAX); return; }
      at += 2;
    }
    if (!argToIntOrReply(at + 2)) return;
    count = argInt < 0 ? 0 : argInt;
    if (!argIntervalId(at, true)) return;
    sMs = idMs; sSeq = idSeq;
    if (!argIntervalId(at + 1, false)) return;
    eMs = idMs; eSeq = idSeq;
    if (at + 3 < argc) consumerArg = at + 3;
  }
  const e = streamEntry(1, true);
  if (e < 0) return;
  const g = groupOfArg(e, 2);
  if (g == 0) { replyNoGroupKey(1, 2, ""); return; }
  const pel = groupPel(g);
  if (summary) { pendingSummary(g); return; }
  let from = pel;
  if (consumerArg >= 0) {
    const cons = consumerLookup(g, argPtr(consumerArg), argLen(consumerArg));
    if (cons == 0) { replyArrayLen(0); return; }
    from = consumerPel(cons);
  }
  // Count first (the reply's length leads), then write.
  const now = nowMs;
  const first = pelLowerBound(from, sMs, sSeq);
  let n: i64 = 0;
  for (let i = first; i < pelCount(from) && n < count; i++) {
    if (idCompare(pelMs(from, i), pelSeq(from, i), eMs, eSeq) > 0) break;
    if (minIdle != 0 && now - nackTime(pelValue(from, i)) < minIdle) continue;
    n++;
  }
  replyArrayLen(n);
  let left = n;
  for (let i = first; left > 0; i++) {
    const nack = pelValue(from, i);
    if (minIdle != 0 && now - nackTime(nack) < minIdle) continue;
    left--;
    replyArrayLen(4);
    replyId(pelMs(from, i), pelSeq(from, i));
    const owner = nackConsumer(nack);
    replyBulk(itemName(owner), itemNameLen(owner));
    const elapsed = now - nackTime(nack);
    replyInt(elapsed < 0 ? 0 : elapsed);
    replyInt(<i64>nackCount(nack));
  }
}

function pendingSummary(g: usize): void {
  const pel = groupPel(g);
  const n = pelCount(pel);
  replyArrayLen(4);
  replyInt(n);
  if (n == 0) { replyNull(); replyNull(); replyNullArray(); return; }
  replyId(pelMs(pel, 0), pelSeq(pel, 0));
  replyId(pelMs(pel, n - 1), pelSeq(pel, n - 1));
  const cs = groupConsumers(g);
  let owners: i64 = 0;
  for (let i: u32 = 0; i < namesCount(cs); i++) if (pelCount(consumerPel(namesAt(cs, i))) > 0) owners++;
  replyArrayLen(owners);
  for (let i: u32 = 0; i < namesCount(cs); i++) {
    const cons = namesAt(cs, i);
    const k = pelCount(consumerPel(cons));
    if (k == 0) continue;
    replyArrayLen(2);
    replyBulk(itemName(cons), itemNameLen(cons));
    replyBulkI64(k);
  }
}

// ---- XCLAIM key group consumer min-idle-time id [id …] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE]
//      [JUSTID] [LASTID id] ----

/** The claimed entries' replies, written after the count is known. */
const claimed = new ByteBuf();

/** XCLAIM's options, read by parseClaimOptions. `claimTime` -1: neither IDLE nor TIME was given. */
let claimTime: i64 = -1;
let claimRetry: i64 = -1;
let claimForce = false;
let claimJustId = false;
let claimLastMs: u64 = 0;
let claimLastSeq: u64 = 0;

/** Reads the options from argument `j` on; false after replying the error. */
function parseClaimOptions(j: i32, now: i64): bool {
  claimTime = -1; claimRetry = -1; claimForce = false; claimJustId = false; claimLastMs = 0; claimLastSeq = 0;
  for (; j < argc; j++) {
    const more = argc - 1 - j;
    if (argIsWord(j, FORCE)) claimForce = true;
    else if (argIsWord(j, JUSTID)) claimJustId = true;
    else if (argIsWord(j, IDLE) && more > 0) {
      if (!argToInt(++j)) { replyErrorLit(E.ERR_XCLAIM_IDLE); return false; }
      claimTime = now - argInt;
    } else if (argIsWord(j, TIME) && more > 0) {
      if (!argToInt(++j)) { replyErrorLit(E.ERR_XCLAIM_TIME); return false; }
      claimTime = argInt;
    } else if (argIsWord(j, RETRYCOUNT) && more > 0) {
      if (!argToInt(++j)) { replyErrorLit(E.ERR_XCLAIM_RETRYCOUNT); return false; }
      claimRetry = argInt;
    } else if (argIsWord(j, LASTID) && more > 0) {
      if (!argStrictId(++j, 0)) return false;
      claimLastMs = idMs;
      claimLastSeq = idSeq;
    } else {
      textStart();
      putLit(E.ERR_XCLAIM_OPTION);
      putBytes(argPtr(j), argCLen(j));
      putByte(0x27);
      textError();
      return false;
    }
  }
  // A bogus time (negative, or in the future) means now, as in Redis: no error for a client's clock skew.
  if (claimTime == -1 || claimTime < 0 || claimTime > now) claimTime = now;
  return true;
}

/** The claiming consumer, found (or made) at the first entry actually claimed. */
let claimer: usize = 0;

/** Claims entry ms-seq for XCLAIM; true when it was claimed (its reply written). */
function claimOne(s: usize, g: usize, ms: u64, seq: u64, minIdle: i64, now: i64): bool {
  const pos = pelFind(groupPel(g), ms, seq);
  if (!idxFind(streamIndex(s), ms, seq)) {
    // The entry is gone: its NACK goes too.
    if (pos >= 0) nackDropAt(g, <u32>pos);
    return false;
  }
  let nack: usize = pos >= 0 ? pelValue(groupPel(g), <u32>pos) : 0;
  if (claimForce && nack == 0) {
    nack = nackNew(0, now);
    pelInsert(groupPel(g), ms, seq, nack);
  }
  if (nack == 0) return false;
  // A NACK FORCE just made has no owner and no idle time to respect.
  if (nackConsumer(nack) != 0 && minIdle != 0 && now - nackTime(nack) < minIdle) return false;
  if (claimer == 0) claimer = consumerFor(g, argPtr(3), argLen(3));
  nackSetTime(nack, claimTime);
  if (claimRetry >= 0) nackSetCount(nack, <u64>claimRetry);
  else if (!claimJustId) nackSetCount(nack, nackCount(nack) + 1);
  nackGiveTo(nack, claimer, ms, seq);
  if (claimJustId) replyId(ms, seq); else replyEntryById(s, ms, seq);
  return true;
}

function xclaim(c: Conn): void {
  const e = streamEntry(1, true);
  if (e < 0) return;
  const g = groupOfArg(e, 2);
  if (g == 0) { replyNoGroupKey(1, 2, ""); return; }
  if (!argToInt(4)) { replyErrorLit(E.ERR_XCLAIM_MIN_IDLE); return; }
  const minIdle = argInt < 0 ? 0 : argInt;
  // The IDs run until the first argument that is not one; options follow.
  let j = 5;
  while (j < argc && argIsStrictId(j)) j++;
  const lastIdArg = j - 1;
  const now = nowMs;
  if (!parseClaimOptions(j, now)) return;
  if (idCompare(claimLastMs, claimLastSeq, groupLastMs(g), groupLastSeq(g)) > 0) groupSetLast(g, claimLastMs, claimLastSeq);
  const s = streamOf(e);
  claimer = 0;
  let n: i64 = 0;
  claimed.len = 0;
  pushCapture(claimed);
  for (let k = 5; k <= lastIdArg; k++) {
    idParse(argPtr(k), argLen(k), 0, true, false);
    if (claimOne(s, g, idMs, idSeq, minIdle, now)) n++;
  }
  popCapture();
  replyArrayLen(n);
  writeRaw(claimed.ptr, claimed.len);
  claimed.len = 0;
  claimed.shrinkIfIdle();
}

// ---- XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] ----

const deletedIds = new ByteBuf();

function xautoclaim(c: Conn): void {
  if (!argToInt(4)) { replyErrorLit(E.ERR_XAUTOCLAIM_MIN_IDLE); return; }
  const minIdle = argInt < 0 ? 0 : argInt;
  if (!argIntervalId(5, true)) return;
  const startMs = idMs;
  const startSeq = idSeq;
  let count: i64 = 100;
  let justId = false;
  for (let j = 6; j < argc; j++) {
    const more = argc - 1 - j;
    if (argIsWord(j, COUNT) && more > 0) {
      if (!argToInt(j + 1) || argInt < 1) { replyErrorLit(E.ERR_XAUTOCLAIM_COUNT); return; }
      count = argInt;
      j++;
    } else if (argIsWord(j, JUSTID)) {
      justId = true;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return;
    }
  }
  const e = streamEntry(1, true);
  if (e < 0) return;
  const g = groupOfArg(e, 2);
  if (g == 0) { replyNoGroupKey(1, 2, ""); return; }
  if (count > i64.MAX_VALUE / 16) { replyErrorLit(E.ERR_XAUTOCLAIM_COUNT); return; }
  // Redis allocates COUNT deleted-ID slots up front, and a count past any memory fails that way.
  if (count > MAX_CLAIM_COUNT) { replyErrorLit(E.ERR_XAUTOCLAIM_MEMORY); return; }
  const s = streamOf(e);
  const pel = groupPel(g);
  const now = nowMs;
  let attempts = count * 10;
  let consumer: usize = 0;
  let n: i64 = 0;
  claimed.len = 0;
  deletedIds.len = 0;
  let i = pelLowerBound(pel, startMs, startSeq);
  pushCapture(claimed);
  while (attempts-- > 0 && count > 0 && i < pelCount(pel)) {
    const ms = pelMs(pel, i);
    const seq = pelSeq(pel, i);
    if (!idxFind(streamIndex(s), ms, seq)) {
      nackDropAt(g, i);
      deletedIds.reserve(16);
      store<u64>(deletedIds.ptr + deletedIds.len, ms);
      store<u64>(deletedIds.ptr + deletedIds.len, seq, 8);
      deletedIds.len += 16;
      count--;
      continue;
    }
    const nack = pelValue(pel, i);
    if (minIdle != 0 && now - nackTime(nack) < minIdle) { i++; continue; }
    if (consumer == 0) consumer = consumerFor(g, argPtr(3), argLen(3));
    nackSetTime(nack, now);
    if (!justId) nackSetCount(nack, nackCount(nack) + 1);
    nackGiveTo(nack, consumer, ms, seq);
    if (justId) replyId(ms, seq); else replyEntryById(s, ms, seq);
    n++;
    count--;
    i++;
  }
  popCapture();
  replyArrayLen(3);
  if (i < pelCount(pel)) replyId(pelMs(pel, i), pelSeq(pel, i)); else replyId(0, 0);
  replyArrayLen(n);
  writeRaw(claimed.ptr, claimed.len);
  replyArrayLen(deletedIds.len / 16);
  for (let at: u32 = 0; at < deletedIds.len; at += 16) replyId(load<u64>(deletedIds.ptr + at), load<u64>(deletedIds.ptr + at, 8));
  claimed.len = 0;
  claimed.shrinkIfIdle();
  deletedIds.len = 0;
}


export function registerStreamPendingCommands(): void {
  defineCommand("xack", -4, F_WRITE | F_FAST, 1, 1, 1, "write stream fast", xack);
  defineCommand("xpending", -3, F_READONLY, 1, 1, 1, "read stream slow", xpending);
  defineCommand("xclaim", -6, F_WRITE | F_FAST, 1, 1, 1, "write stream fast", xclaim);
  defineCommand("xautoclaim", -6, F_WRITE | F_FAST, 1, 1, 1, "write stream fast", xautoclaim);
}

/** Above this, Redis's up-front allocation of COUNT × 16 bytes (over 1 TiB) fails on any machine. */
const MAX_CLAIM_COUNT: i64 = 1 << 36;
const IDLE = new Lit("idle");
const TIME = new Lit("time");
const RETRYCOUNT = new Lit("retrycount");
const FORCE = new Lit("force");
const JUSTID = new Lit("justid");
const LASTID = new Lit("lastid");
const COUNT = new Lit("count");
