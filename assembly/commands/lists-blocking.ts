// The blocking list commands — BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH — as Redis 7.0 reads and answers
// them: arguments and timeout checked in Redis's order, then the first non-empty key in argument order
// served at once (WRONGTYPE at once for a key of another type), else the client waits (the arbiter:
// assembly/blocking/). Each command has three faces here:
//   build  — its BlockSpec (keys, deadline, what a serve takes, how to rebuild it for a subset of keys);
//   try    — serve it now if a key has data, on the shard that owns the keys;
//   handler — the try with no waiting, for MULTI/EXEC: nothing now answers like a timeout.
// BLMOVE whose destination lives on another shard than its source answers "present" (one 0 byte) from
// its try; the origin then runs it as LMOVE (`moveAsLmove`), atomic across the two shards.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvLoad } from "../shard/args";
import { defineCommand, defineInternal, crossShard, F_WRITE, F_DENYOOM, F_BLOCKING, F_NOSCRIPT } from "./table";
import { replyBulk, replyNull, replyNullArray, replyArrayLen, replyErrorLit, writeRaw } from "../resp/writer";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import * as E from "../resp/errors";
import { formatI64 } from "../util/int";
import { lookup, entryModified } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST } from "../store/entry";
import { listLen, listPush } from "../store/list";
import { keyShard } from "../shard/placement";
import { shardIndex } from "../shard/server-info";
import { nowMs } from "../shard/clock";
import {
  listEntry, createList, listWritten, argWhere, popAndReplyFrom, parseMpopAt, mpopTry, mpopKeys, mpopFirstKey,
  mpopHead, mpopCount, lmove, rpoplpush,
} from "./lists";
import { startLmove } from "./lists-cross";
import { BlockSpec } from "../blocking/block-spec";
import { BlockOp, onMoveNow } from "../blocking/block-op";
import { KIND_LIST } from "../blocking/kinds";
import { defineBlocking } from "../blocking/registry";
import { startBlockingInExec, registerBlockingInternals } from "../blocking/start";
import { parseTimeoutSeconds, timeoutDeadline } from "../blocking/timeout";

// ---- BLPOP / BRPOP key [key …] timeout ----

function buildPop(atHead: bool): BlockSpec | null {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return null;
  const spec = new BlockSpec(KIND_LIST);
  spec.deadline = timeoutDeadline;
  spec.prefix.push(bufferOf(argPtr(0), argLen(0)));
  for (let k = 1; k < argc - 1; k++) spec.addKey(argPtr(k), argLen(k));
  spec.suffix.push(bufferOf(argPtr(argc - 1), argLen(argc - 1)));
  spec.how(POP);
  spec.how(atHead ? L : R);
  spec.how(ONE);
  spec.how(ONE);
  return spec;
}

function tryPop(atHead: bool): bool {
  for (let k = 1; k < argc - 1; k++) {
    const e = listEntry(k, false);
    if (e < 0) return true;
    if (e == 0) continue;
    replyArrayLen(2);
    replyBulk(argPtr(k), argLen(k));
    popAndReplyFrom(argPtr(k), argLen(k), entryValue(<usize>e), 1, atHead, false);
    listWritten(<usize>e);
    return true;
  }
  return false;
}

function buildBlpop(c: Conn): BlockSpec | null { return buildPop(true); }
function buildBrpop(c: Conn): BlockSpec | null { return buildPop(false); }
function tryBlpop(c: Conn): bool { return tryPop(true); }
function tryBrpop(c: Conn): bool { return tryPop(false); }

function blpop(c: Conn): void {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return;
  if (!tryPop(true)) replyNullArray();
}

function brpop(c: Conn): void {
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return;
  if (!tryPop(false)) replyNullArray();
}

// ---- BLMPOP timeout numkeys key [key …] LEFT|RIGHT [COUNT count] ----

function buildBlmpop(c: Conn): BlockSpec | null {
  if (!parseMpopAt(2)) return null;
  if (!parseTimeoutSeconds(argPtr(1), argLen(1), nowMs)) return null;
  const spec = new BlockSpec(KIND_LIST);
  spec.deadline = timeoutDeadline;
  spec.prefix.push(bufferOf(argPtr(0), argLen(0)));
  spec.prefix.push(bufferOf(argPtr(1), argLen(1)));
  spec.countBeforeKeys = true;
  const after = mpopFirstKey + mpopKeys;
  for (let k = mpopFirstKey; k < after; k++) spec.addKey(argPtr(k), argLen(k));
  for (let k = after; k < argc; k++) spec.suffix.push(bufferOf(argPtr(k), argLen(k)));
  spec.how(POP);
  spec.how(mpopHead ? L : R);
  countText.len = 0;
  countText.reserve(24);
  countText.len = formatI64(countText.ptr, mpopCount);
  spec.serveHow.push(bufferOf(countText.ptr, countText.len));
  spec.how(MANY);
  return spec;
}

function tryBlmpop(c: Conn): bool {
  parseMpopAt(2);
  return mpopTry();
}

function blmpop(c: Conn): void {
  if (!parseMpopAt(2)) return;
  if (!parseTimeoutSeconds(argPtr(1), argLen(1), nowMs)) return;
  if (!mpopTry()) replyNullArray();
}

// ---- BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout / BRPOPLPUSH source destination timeout ----

function buildMove(isBlmove: bool): BlockSpec | null {
  let fromHead = false;
  let toHead = true;
  if (isBlmove) {
    const from = argWhere(3);
    const to = argWhere(4);
    if (from < 0 || to < 0) { replyErrorLit(E.ERR_SYNTAX); return null; }
    fromHead = from == 1;
    toHead = to == 1;
  }
  if (!parseTimeoutSeconds(argPtr(argc - 1), argLen(argc - 1), nowMs)) return null;
  const spec = new BlockSpec(KIND_LIST);
  spec.deadline = timeoutDeadline;
  spec.nullArray = false;
  spec.prefix.push(bufferOf(argPtr(0), argLen(0)));
  spec.addKey(argPtr(1), argLen(1));
  for (let k = 2; k < argc; k++) spec.suffix.push(bufferOf(argPtr(k), argLen(k)));
  spec.dest = bufferOf(argPtr(2), argLen(2));
  spec.destShard = keyShard(argPtr(2), argLen(2));
  spec.fromHead = fromHead;
  spec.toHead = toHead;
  return spec;
}

/** Source missing: nothing. Source of another type: WRONGTYPE. Else LMOVE — here, or "present". */
function tryMove(c: Conn, isBlmove: bool): bool {
  const e = listEntry(1, false);
  if (e < 0) return true;
  if (e == 0) return false;
  if (keyShard(argPtr(2), argLen(2)) != shardIndex) { writeRaw(PRESENT.ptr, PRESENT.len); return true; }
  if (isBlmove) lmove(c); else rpoplpush(c);
  return true;
}

function buildBlmove(c: Conn): BlockSpec | null { return buildMove(true); }
function buildBrpoplpush(c: Conn): BlockSpec | null { return buildMove(false); }
function tryBlmove(c: Conn): bool { return tryMove(c, true); }
function tryBrpoplpush(c: Conn): bool { return tryMove(c, false); }

function blmove(c: Conn): void {
  if (buildMoveChecks(true) && !tryMove(c, true)) replyNull();
}

function brpoplpush(c: Conn): void {
  if (buildMoveChecks(false) && !tryMove(c, false)) replyNull();
}

function buildMoveChecks(isBlmove: bool): bool {
  const spec = buildMove(isBlmove);
  if (spec == null) return false;
  spec.release();
  return true;
}

/** BLMOVE/BRPOPLPUSH found its source with data and its destination elsewhere: run LMOVE as a child. */
function moveAsLmove(op: BlockOp): void {
  const s = op.spec;
  const argv = new ByteBuf();
  putArg(argv, LMOVE.ptr, LMOVE.len);
  putArg(argv, s.keys[0].ptr, s.keys[0].len);
  putArg(argv, s.dest!.ptr, s.dest!.len);
  putArg(argv, s.fromHead ? LEFT.ptr : RIGHT.ptr, s.fromHead ? LEFT.len : RIGHT.len);
  putArg(argv, s.toHead ? LEFT.ptr : RIGHT.ptr, s.toHead ? LEFT.len : RIGHT.len);
  argvLoad(argv);
  startLmove(op.conn, op, op.holder);
  argv.release();
}

function putArg(out: ByteBuf, ptr: usize, len: u32): void {
  out.reserve(4 + len);
  store<u32>(out.ptr + out.len, len);
  memory.copy(out.ptr + out.len + 4, ptr, len);
  out.len += 4 + len;
}

/** `\0bpush key L|R element`: a served BLMOVE's push on its destination: the element, or WRONGTYPE. */
function internalBpush(c: Conn): void {
  let e = lookup(argPtr(1), argLen(1));
  if (e != 0 && entryType(e) != TYPE_LIST) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  if (e == 0) e = createList(argPtr(1), argLen(1));
  else entryModified(e);
  listPush(entryValue(e), argPtr(3), argLen(3), load<u8>(argPtr(2)) == 0x4c);
  replyBulk(argPtr(3), argLen(3));
}

export function registerBlockingListCommands(): void {
  // Redis 7.0 marks every blocking command but BLMPOP/BZMPOP "noscript".
  const B = F_WRITE | F_NOSCRIPT | F_BLOCKING;
  const blpopCmd = defineCommand("blpop", -3, B, 1, -2, 1, "write list slow blocking", blpop);
  const brpopCmd = defineCommand("brpop", -3, B, 1, -2, 1, "write list slow blocking", brpop);
  const blmpopCmd = defineCommand("blmpop", -5, F_WRITE | F_BLOCKING, 0, 0, 0, "write list slow blocking", blmpop);
  const blmoveCmd = defineCommand("blmove", 6, B | F_DENYOOM, 1, 2, 1, "write list slow blocking", blmove);
  const brpoplpushCmd = defineCommand("brpoplpush", 4, B | F_DENYOOM, 1, 2, 1, "write list slow blocking", brpoplpush);
  crossShard(blpopCmd, startBlockingInExec, false, false);
  crossShard(brpopCmd, startBlockingInExec, false, false);
  // Movable keys (numkeys): the table cannot place them, so the starter always decides where it runs.
  crossShard(blmpopCmd, startBlockingInExec, true, false);
  crossShard(blmoveCmd, startBlockingInExec, false, false);
  crossShard(brpoplpushCmd, startBlockingInExec, false, false);
  defineBlocking(blpopCmd, buildBlpop, tryBlpop);
  defineBlocking(brpopCmd, buildBrpop, tryBrpop);
  defineBlocking(blmpopCmd, buildBlmpop, tryBlmpop);
  defineBlocking(blmoveCmd, buildBlmove, tryBlmove);
  defineBlocking(brpoplpushCmd, buildBrpoplpush, tryBrpoplpush);
  defineInternal("\0bpush", internalBpush);
  registerBlockingInternals();
  onMoveNow(moveAsLmove);
}

const countText = new ByteBuf();
const POP = new Lit("pop");
const L = new Lit("L");
const R = new Lit("R");
const ONE = new Lit("1");
const MANY = new Lit("M");
const PRESENT = new Lit("\0");
const LMOVE = new Lit("lmove");
const LEFT = new Lit("left");
const RIGHT = new Lit("right");
