// XREAD and XREADGROUP (non-blocking), after Redis 7.0's xreadCommand, split into steps that know
// nothing of argument positions, so the blocking arbiter can call them on its own:
//   1. parseXread       — the options (COUNT, BLOCK, NOACK, GROUP, STREAMS) and their errors;
//   2. resolveStream    — one key: WRONGTYPE, NOGROUP, `$` / `>` / an ID, into the read position;
//   3. shouldServe      — does the key have something for this reader now (XREADGROUP's history always
//                         does), and from which ID;
//   4. readAfter / readGroup — the entries after an ID, plain or through a group (PEL, delivery counts,
//                         last-delivered ID, entries-read), written as one array.
// The reply gathers the served streams in key order: an array of [key, entries] (a map in RESP3), or a
// null array when none has anything. BLOCK that has to wait goes through the blocking arbiter
// (commands/streams-blocking.ts, assembly/blocking/).
// Keys on several shards: streams-read-cross.ts (the internal `\0xread` runs steps 2–4 on each shard).
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_READONLY, F_BLOCKING } from "./table";
import { replyErrorLit, replyArrayLen, replyMapLen, replyNullArray, replyBulk, replyResp3 } from "../resp/writer";
import { argToInt, argToIntOrReply, argInt } from "./options";
import { Lit } from "../util/mem";
import * as E from "../resp/errors";
import { argIsWord } from "./keys-args";
import { lookupRead } from "../store/keyspace";
import { entryType, entryValue, TYPE_STREAM } from "../store/entry";
import { nowMs } from "../shard/clock";
import { idParse, idIncr, idCompare, idMs, idSeq, ID_MAX } from "../store/stream-id";
import {
  streamLength, streamLastMs, streamLastSeq, streamGroups, streamIndex, streamSeekLastEntry,
  streamHasTombstonesFrom, streamEstimateDistance, streamEntriesAdded,
} from "../store/stream";
import { idxFind, idxSeekFirst, idxNext, curMs, curSeq } from "../store/stream-index";
import {
  groupLookup, groupLastMs, groupLastSeq, groupSetLast, groupEntriesRead, groupSetEntriesRead, groupPel,
  consumerPel, nackNew, nackSetTime, nackSetCount, nackCount, nackConsumer, nackSetConsumer, ENTRIES_READ_INVALID,
} from "../store/stream-groups";
import { pelInsert, pelGet, pelRemove, pelCount, pelMs, pelSeq, pelValue, pelLowerBound } from "../store/stream-pel";
import { replyNoGroupKey, replyId, replyCurrentEntry, replyRange, argIsSymbol } from "./streams-args";
import { consumerFor } from "./streams-groups";
import { startXread, registerXreadInternals } from "./streams-read-cross";

// ---- 1. options ----

/** What parseXread read. `rdCount` 0: no limit. Keys are arguments rdStreamsArg …+rdNumStreams-1. */
export let rdCount: i64 = 0;
export let rdBlock: bool = false;
/** The BLOCK option's milliseconds argument (when rdBlock). */
export let rdBlockArg: i32 = 0;
export let rdNoack: bool = false;
export let rdGroupArg: i32 = -1;
export let rdStreamsArg: i32 = 0;
export let rdNumStreams: i32 = 0;

/** Parses XREAD / XREADGROUP's options; false after replying Redis's error. */
export function parseXread(isGroup: bool): bool {
  rdCount = 0;
  rdBlock = false;
  rdNoack = false;
  rdGroupArg = -1;
  rdStreamsArg = 0;
  for (let i = 1; i < argc; i++) {
    const more = argc - i - 1;
    if (argIsWord(i, BLOCK) && more > 0) {
      i++;
      if (!argToInt(i)) { replyErrorLit(E.ERR_TIMEOUT_NOT_INT); return false; }
      if (argInt < 0) { replyErrorLit(E.ERR_TIMEOUT_NEGATIVE); return false; }
      rdBlock = true;
      rdBlockArg = i;
    } else if (argIsWord(i, COUNT) && more > 0) {
      i++;
      if (!argToIntOrReply(i)) return false;
      rdCount = argInt < 0 ? 0 : argInt;
    } else if (argIsWord(i, STREAMS) && more > 0) {
      rdStreamsArg = i + 1;
      const n = argc - rdStreamsArg;
      if ((n & 1) != 0) { replyErrorLit(E.ERR_XREAD_UNBALANCED); return false; }
      rdNumStreams = n >> 1;
      break;
    } else if (argIsWord(i, GROUP) && more >= 2) {
      if (!isGroup) { replyErrorLit(E.ERR_XREAD_GROUP); return false; }
      rdGroupArg = i + 1;
      i += 2;
    } else if (argIsWord(i, NOACK)) {
      if (!isGroup) { replyErrorLit(E.ERR_XREAD_NOACK); return false; }
      rdNoack = true;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return false;
    }
  }
  if (rdStreamsArg == 0) { replyErrorLit(E.ERR_SYNTAX); return false; }
  if (isGroup && rdGroupArg < 0) { replyErrorLit(E.ERR_XREADGROUP_MISSING_GROUP); return false; }
  return true;
}

// ---- 2. one key's read position ----

/** What resolveStream found: the stream (0: no key), its group, and the ID to read after. */
export let rsStream: usize = 0;
export let rsGroup: usize = 0;
export let rsMs: u64 = 0;
export let rsSeq: u64 = 0;

/**
 * Resolves key argument `keyArg` with ID argument `idArg`, for group argument `groupArg` (-1: XREAD).
 * False after replying the error. `>` reads as ID_MAX-ID_MAX, as in Redis.
 */
export function resolveStream(keyArg: i32, idArg: i32, groupArg: i32): bool {
  const e = lookupRead(argPtr(keyArg), argLen(keyArg));
  if (e != 0 && entryType(e) != TYPE_STREAM) { replyErrorLit(E.ERR_WRONGTYPE); return false; }
  rsStream = e == 0 ? 0 : entryValue(e);
  rsGroup = 0;
  if (groupArg >= 0) {
    if (rsStream != 0) rsGroup = groupLookup(streamGroups(rsStream), argPtr(groupArg), argLen(groupArg));
    if (rsGroup == 0) { replyNoGroupKey(keyArg, groupArg, " in XREADGROUP with GROUP option"); return false; }
  }
  const p = argPtr(idArg);
  const n = argLen(idArg);
  if (argIsSymbol(idArg, 0x24)) {
    if (groupArg >= 0) { replyErrorLit(E.ERR_XREADGROUP_DOLLAR); return false; }
    if (rsStream != 0) { rsMs = streamLastMs(rsStream); rsSeq = streamLastSeq(rsStream); }
    else { rsMs = 0; rsSeq = 0; }
    return true;
  }
  if (argIsSymbol(idArg, 0x3e)) {
    if (groupArg < 0) { replyErrorLit(E.ERR_XREAD_GT); return false; }
    rsMs = ID_MAX;
    rsSeq = ID_MAX;
    return true;
  }
  if (!idParse(p, n, 0, true, false)) { replyErrorLit(E.ERR_STREAM_ID); return false; }
  rsMs = idMs;
  rsSeq = idSeq;
  return true;
}

// ---- 3. is there something now ----

/** Whether reading stream `s` (group `g` or 0) after (ms, seq) serves now; the ID to read after is left
 *  in rsMs/rsSeq (a group's `>` becomes its last-delivered ID). `history`: XREADGROUP with an ID. */
export let rsHistory: bool = false;

export function shouldServe(s: usize, g: usize, ms: u64, seq: u64): bool {
  rsMs = ms;
  rsSeq = seq;
  rsHistory = false;
  if (s == 0) return false;
  if (g != 0) {
    if (ms != ID_MAX || seq != ID_MAX) { rsHistory = true; return true; }
    if (streamLength(s) == 0 || !streamSeekLastEntry(s)) return false;
    if (idCompare(curMs, curSeq, groupLastMs(g), groupLastSeq(g)) > 0) {
      rsMs = groupLastMs(g);
      rsSeq = groupLastSeq(g);
      return true;
    }
    return false;
  }
  if (streamLength(s) == 0 || !streamSeekLastEntry(s)) return false;
  return idCompare(curMs, curSeq, ms, seq) > 0;
}

// ---- 4. reading ----

/** XREAD's entries of `s` after (ms, seq), at most `count` (0: all): one array. */
export function readAfter(s: usize, ms: u64, seq: u64, count: i64): void {
  idIncr(ms, seq);
  replyRange(s, idMs, idSeq, ID_MAX, ID_MAX, <u64>count, false);
}

/**
 * XREADGROUP's entries for consumer `cons` of group `g`: after (ms, seq) — new entries, each
 * delivered (PEL, unless `noack`) and moving the group's last-delivered ID — or, with `history`, the
 * consumer's own pending entries after that ID (an entry deleted since is `[id, nil]`).
 */
export function readGroup(s: usize, g: usize, cons: usize, ms: u64, seq: u64, count: i64, noack: bool, history: bool): void {
  idIncr(ms, seq);
  const startMs = idMs;
  const startSeq = idSeq;
  if (history) { readHistory(s, cons, startMs, startSeq, count); return; }
  let n: i64 = 0;
  let ok = idxSeekFirst(streamIndex(s), startMs, startSeq);
  while (ok && (count == 0 || n < count)) { n++; ok = idxNext(); }
  replyArrayLen(n);
  const now = nowMs;
  ok = idxSeekFirst(streamIndex(s), startMs, startSeq);
  for (let k: i64 = 0; ok && k < n; k++) {
    const eMs = curMs;
    const eSeq = curSeq;
    if (idCompare(eMs, eSeq, groupLastMs(g), groupLastSeq(g)) > 0) {
      if (groupEntriesRead(g) != ENTRIES_READ_INVALID && !streamHasTombstonesFrom(s, eMs, eSeq)) {
        groupSetEntriesRead(g, groupEntriesRead(g) + 1);
      } else if (streamEntriesAdded(s) != 0) {
        groupSetEntriesRead(g, streamEstimateDistance(s, eMs, eSeq));
      }
      groupSetLast(g, eMs, eSeq);
    }
    replyCurrentEntry();
    if (!noack) deliver(g, cons, eMs, eSeq, now);
    // deliver() does not touch the entry index: the cursor is still on this entry.
    ok = idxNext();
  }
}

/** A new delivery of (ms, seq) to `cons`: a fresh NACK, or an existing one reassigned and reset. */
function deliver(g: usize, cons: usize, ms: u64, seq: u64, now: i64): void {
  const old = pelGet(groupPel(g), ms, seq);
  if (old == 0) {
    const nack = nackNew(cons, now);
    pelInsert(groupPel(g), ms, seq, nack);
    pelInsert(consumerPel(cons), ms, seq, nack);
    return;
  }
  const owner = nackConsumer(old);
  if (owner != 0) pelRemove(consumerPel(owner), ms, seq);
  nackSetConsumer(old, cons);
  nackSetTime(old, now);
  nackSetCount(old, 1);
  pelInsert(consumerPel(cons), ms, seq, old);
}

function readHistory(s: usize, cons: usize, ms: u64, seq: u64, count: i64): void {
  const pel = consumerPel(cons);
  const first = pelLowerBound(pel, ms, seq);
  const total = pelCount(pel);
  const n = count == 0 ? total - first : <u32>min<i64>(count, <i64>(total - first));
  replyArrayLen(n);
  const now = nowMs;
  for (let i = first; i < first + n; i++) {
    const eMs = pelMs(pel, i);
    const eSeq = pelSeq(pel, i);
    if (idxFind(streamIndex(s), eMs, eSeq)) {
      replyCurrentEntry();
      const nack = pelValue(pel, i);
      nackSetTime(nack, now);
      nackSetCount(nack, nackCount(nack) + 1);
    } else {
      replyArrayLen(2);
      replyId(eMs, eSeq);
      replyNullArray();
    }
  }
}

// ---- the commands on one shard ----

/** Resolved read positions of every key, filled by resolveAll. */
const posMs = new Array<u64>();
const posSeq = new Array<u64>();
const posStream = new Array<usize>();
const posGroup = new Array<usize>();

/** Resolves every key of the parsed command in order; -1, or the index of the key that failed. */
export function resolveAll(): i32 {
  posMs.length = 0; posSeq.length = 0; posStream.length = 0; posGroup.length = 0;
  for (let k = 0; k < rdNumStreams; k++) {
    if (!resolveStream(rdStreamsArg + k, rdStreamsArg + rdNumStreams + k, rdGroupArg)) return k;
    posMs.push(rsMs); posSeq.push(rsSeq); posStream.push(rsStream); posGroup.push(rsGroup);
  }
  return -1;
}

/** The decision for each resolved key (decideAll): served or not, after which ID, history or not. */
const decServe = new Array<bool>();
const decMs = new Array<u64>();
const decSeq = new Array<u64>();
const decHistory = new Array<bool>();

/** Decides, in key order, which resolved keys are served now; returns how many. */
export function decideAll(): i32 {
  decServe.length = 0; decMs.length = 0; decSeq.length = 0; decHistory.length = 0;
  let served = 0;
  for (let k = 0; k < rdNumStreams; k++) {
    const yes = shouldServe(posStream[k], posGroup[k], posMs[k], posSeq[k]);
    decServe.push(yes); decMs.push(rsMs); decSeq.push(rsSeq); decHistory.push(rsHistory);
    if (yes) served++;
  }
  return served;
}

/** Whether key `k` is served (decideAll ran). */
export function keyServed(k: i32): bool { return decServe[k]; }

/** Serves key `k` (decided): `key, entries` (`[key, entries]` in RESP2) when `withKey`, else the entries. */
export function serveKey(k: i32, withKey: bool): void {
  const s = posStream[k];
  const g = posGroup[k];
  if (withKey) {
    if (!replyResp3) replyArrayLen(2);
    replyBulk(argPtr(rdStreamsArg + k), argLen(rdStreamsArg + k));
  }
  if (g == 0) { readAfter(s, decMs[k], decSeq[k], rdCount); return; }
  const cons = consumerFor(g, argPtr(rdGroupArg + 1), argLen(rdGroupArg + 1));
  // Delivering through a group is not a change of the key for WATCH (Redis 7.0).
  readGroup(s, g, cons, decMs[k], decSeq[k], rdCount, rdNoack, decHistory[k]);
}

/** Nothing now: a null array. (A client that may wait never gets here: with BLOCK, outside MULTI, the
 *  command goes to the blocking arbiter first — commands/streams-blocking.ts.) */
export function xreadGeneric(isGroup: bool): void {
  if (!parseXread(isGroup)) return;
  if (!xreadTry()) replyNullArray();
}

/** The parsed command, now: true when it replied (streams with data, or an error), false for nothing. */
export function xreadTry(): bool {
  if (resolveAll() >= 0) return true;
  const served = decideAll();
  if (served == 0) return false;
  if (replyResp3) replyMapLen(served); else replyArrayLen(served);
  for (let k = 0; k < rdNumStreams; k++) if (keyServed(k)) serveKey(k, true);
  return true;
}

/** Sets the parsed options directly (the internal `\0xread` carries them already parsed). */
export function setXreadOptions(count: i64, noack: bool, groupArg: i32, streamsArg: i32, numStreams: i32): void {
  rdCount = count; rdNoack = noack; rdGroupArg = groupArg; rdStreamsArg = streamsArg; rdNumStreams = numStreams;
  rdBlock = false;
}

export function xread(c: Conn): void { xreadGeneric(false); }
export function xreadgroup(c: Conn): void { xreadGeneric(true); }

export function registerStreamReadCommands(): void {
  crossShard(defineCommand("xread", -4, F_READONLY | F_BLOCKING, 0, 0, 0, "read stream slow blocking", xread), startXread, true, false);
  crossShard(defineCommand("xreadgroup", -7, F_WRITE | F_BLOCKING, 0, 0, 0, "write stream slow blocking", xreadgroup), startXread, true, false);
  registerXreadInternals();
}

const BLOCK = new Lit("block");
const COUNT = new Lit("count");
const STREAMS = new Lit("streams");
const GROUP = new Lit("group");
const NOACK = new Lit("noack");
