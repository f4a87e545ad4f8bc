// The blocking sorted-set commands — BZPOPMIN, BZPOPMAX, BZMPOP — as Redis 7.0 reads and answers them, served
// through the same arbiter as the blocking list commands (assembly/blocking/; lists-blocking.ts explains
// the three faces every blocking command has: build, try, and the no-wait handler used inside MULTI).
// BZPOPMIN/BZPOPMAX reply `[key, member, score]`; BZMPOP `[key, [[member, score] …]]`; a timeout is a null
// array. Scores are bulk strings in RESP2 and doubles in RESP3.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, crossShard, F_WRITE, F_FAST, F_BLOCKING, F_NOSCRIPT } from "./table";
import { replyNullArray } from "../resp/writer";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { formatI64 } from "../util/int";
import { nowMs } from "../shard/clock";
import { zsetEntry } from "./zsets";
import {
  zsetPopReply, POP_WITH_KEY, POP_KEY_NESTED, parseZmpopAt, zmpopKeys, zmpopFirstKey, zmpopMax, zmpopCount,
} from "./zset-pop";
import { BlockSpec } from "../blocking/block-spec";
import { KIND_ZSET } from "../blocking/kinds";
import { defineBlocking } from "../blocking/registry";
import { startBlockingInExec } from "../blocking/start";
import { parseTimeoutSeconds, timeoutDeadline } from "../blocking/timeout";

// ---- BZPOPMIN / BZPOPMAX key [key …] timeout ----

function buildPop(max: bool): BlockSpec | null {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return null;
  const spec = new BlockSpec(KIND_ZSET);
  spec.deadline = timeoutDeadline;
  spec.prefix.push(bufferOf(argPtr(0), argLen(0)));
  for (let k = 1; k < argc - 1; k++) spec.addKey(argPtr(k), argLen(k));
  spec.suffix.push(bufferOf(argPtr(argc - 1), argLen(argc - 1)));
  spec.how(ZPOP);
  spec.how(max ? MAX : MIN);
  spec.how(ONE);
  spec.how(ONE);
  return spec;
}

function tryPop(max: bool): bool {
  for (let k = 1; k < argc - 1; k++) {
    const e = zsetEntry(k, false);
    if (e < 0) return true;
    if (e == 0) continue;
    zsetPopReply(<usize>e, 1, max, POP_WITH_KEY);
    return true;
  }
  return false;
}

function buildBzpopmin(c: Conn): BlockSpec | null { return buildPop(false); }
function buildBzpopmax(c: Conn): BlockSpec | null { return buildPop(true); }
function tryBzpopmin(c: Conn): bool { return tryPop(false); }
function tryBzpopmax(c: Conn): bool { return tryPop(true); }

function bzpopmin(c: Conn): void {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return;
  if (!tryPop(false)) replyNullArray();
}

function bzpopmax(c: Conn): void {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return;
  if (!tryPop(true)) replyNullArray();
}

// ---- BZMPOP timeout numkeys key [key …] MIN|MAX [COUNT count] ----

function buildBzmpop(c: Conn): BlockSpec | null {
  if (!parseZmpopAt(2)) return null;
  if (!parseTimeoutSeconds(argPtr(1), argLen(1), nowMs)) return null;
  const spec = new BlockSpec(KIND_ZSET);
  spec.deadline = timeoutDeadline;
  spec.prefix.push(bufferOf(argPtr(0), argLen(0)));
  spec.prefix.push(bufferOf(argPtr(1), argLen(1)));
  spec.countBeforeKeys = true;
  const after = zmpopFirstKey + zmpopKeys;
  for (let k = zmpopFirstKey; k < after; k++) spec.addKey(argPtr(k), argLen(k));
  for (let k = after; k < argc; k++) spec.suffix.push(bufferOf(argPtr(k), argLen(k)));
  spec.how(ZPOP);
  spec.how(zmpopMax ? MAX : MIN);
  countText.len = 0;
  countText.reserve(24);
  countText.len = formatI64(countText.ptr, zmpopCount);
  spec.serveHow.push(bufferOf(countText.ptr, countText.len));
  spec.how(MANY);
  return spec;
}

function zmpopTry(): bool {
  for (let k = zmpopFirstKey; k < zmpopFirstKey + zmpopKeys; k++) {
    const e = zsetEntry(k, false);
    if (e < 0) return true;
    if (e == 0) continue;
    zsetPopReply(<usize>e, zmpopCount, zmpopMax, POP_KEY_NESTED);
    return true;
  }
  return false;
}

function tryBzmpop(c: Conn): bool {
  parseZmpopAt(2);
  return zmpopTry();
}

function bzmpop(c: Conn): void {
  if (!parseZmpopAt(2)) return;
  if (!parseTimeoutSeconds(argPtr(1), argLen(1), nowMs)) return;
  if (!zmpopTry()) replyNullArray();
}

export function registerBlockingZsetCommands(): void {
  const B = F_WRITE | F_NOSCRIPT | F_BLOCKING | F_FAST;
  const minCmd = defineCommand("bzpopmin", -3, B, 1, -2, 1, "write sortedset fast blocking", bzpopmin);
  const maxCmd = defineCommand("bzpopmax", -3, B, 1, -2, 1, "write sortedset fast blocking", bzpopmax);
  const mpopCmd = defineCommand("bzmpop", -5, F_WRITE | F_BLOCKING, 0, 0, 0, "write sortedset slow blocking", bzmpop);
  crossShard(minCmd, startBlockingInExec, false, false);
  crossShard(maxCmd, startBlockingInExec, false, false);
  // Movable keys (numkeys): the table cannot place them, so the starter always decides where it runs.
  crossShard(mpopCmd, startBlockingInExec, true, false);
  defineBlocking(minCmd, buildBzpopmin, tryBzpopmin);
  defineBlocking(maxCmd, buildBzpopmax, tryBzpopmax);
  defineBlocking(mpopCmd, buildBzmpop, tryBzmpop);
}

const countText = new ByteBuf();
const ZPOP = new Lit("zpop");
const MIN = new Lit("-");
const MAX = new Lit("+");
const ONE = new Lit("1");
const MANY = new Lit("M");
