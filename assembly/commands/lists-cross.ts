// List moves whose keys span shards, made atomic the way cross-shard RENAME is (shard/move-ops.ts): a
// LockingOp takes the involved shards' locks in ascending order, runs its steps as requests to those
// shards, and unlocks. Nothing else runs on a locked shard in between, so an element moves exactly once
// and nobody sees it in both lists or in neither.
//
// LMOVE / RPOPLPUSH (source on one shard, destination on another), with both locked:
//   1. check — `\0ltype dst` on the destination: missing, a list, or another type;
//   2. pop   — `\0lmovepop src end dstwrong` on the source: null if the source is missing, WRONGTYPE if
//              the source (then the destination) holds another type — Redis's error order — else the
//              element, popped (the source deleted if it became empty);
//   3. push  — `\0lmovepush dst end element` on the destination; the reply is the element.
// LMPOP (keys on several shards; commands/mpop-cross.ts, shared with ZMPOP), with every involved shard locked: `LMPOP 1 key end COUNT n` on each
// key's shard in argument order; the first reply that is not a null array (elements, or WRONGTYPE) is the
// reply. LMPOP's keys are movable, so its starter runs for every call: keys all here run here at once,
// keys all on one other shard are forwarded, and only a spread goes through the locks.
import { MpopOp } from "./mpop-cross";
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineInternal } from "./table";
import { Op } from "../shard/ops";
import { LockingOp, shardList, shardsOfArgs } from "../shard/locking-op";
import { forwardWhole } from "../shard/gather";
import { reqBegin, reqArg } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { replyErrorLit, replyInt, replyBulk, writeRaw } from "../resp/writer";
import { headerValue, headerEnd } from "../resp/frame";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { formatI64 } from "../util/int";
import * as E from "../resp/errors";
import { lookup, entryModified } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST } from "../store/entry";
import { listLen, listAt, listPush, listRemove, elemPtr, elemLen } from "../store/list";
import { listEntry, createList, listWritten, argWhere, parseLmpop, lmpop, mpopKeys, mpopHead, mpopCount } from "./lists";

// ---- LMOVE / RPOPLPUSH ----

const STEP_CHECK_DEST: i32 = 0;
const STEP_POP: i32 = 1;
const STEP_PUSH: i32 = 2;

export class ListMoveOp extends LockingOp {
  private readonly source: ByteBuf;
  private readonly dest: ByteBuf;
  private readonly sourceShard: u32;
  private readonly destShard: u32;
  private readonly from: Lit;
  private readonly to: Lit;
  private element: ByteBuf | null = null;
  private step: i32 = 0;

  constructor(c: Conn, holder: u32, fromHead: bool, toHead: bool) {
    super(c, shardsOfArgs(1, 2), holder);
    const s1 = keyShard(argPtr(1), argLen(1));
    const s2 = keyShard(argPtr(2), argLen(2));
    this.source = bufferOf(argPtr(1), argLen(1));
    this.dest = bufferOf(argPtr(2), argLen(2));
    this.sourceShard = s1;
    this.destShard = s2;
    this.from = fromHead ? LEFT : RIGHT;
    this.to = toHead ? LEFT : RIGHT;
    // The targets answer in RESP2; the origin gives the client its own protocol's null.
    this.plainReplies = true;
  }

  run(): void {
    this.step = STEP_CHECK_DEST;
    reqBegin(this.destShard);
    reqArg(LTYPE.ptr, LTYPE.len);
    reqArg(this.dest.ptr, this.dest.len);
    this.send(0);
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.step == STEP_CHECK_DEST) {
      const destWrong = headerValue(ptr, 0) == LTYPE_OTHER;
      this.step = STEP_POP;
      reqBegin(this.sourceShard);
      reqArg(LMOVEPOP.ptr, LMOVEPOP.len);
      reqArg(this.source.ptr, this.source.len);
      reqArg(this.from.ptr, this.from.len);
      reqArg(destWrong ? ONE.ptr : ZERO.ptr, 1);
      this.send(1);
    } else if (this.step == STEP_POP) {
      if (load<u8>(ptr) == 0x2d) { this.end(ptr, len); return; }
      const size = headerValue(ptr, 0);
      if (size < 0) {
        const nil = this.resp3 ? NULL3 : NULL_BULK;
        this.end(nil.ptr, nil.len);
        return;
      }
      this.element = bufferOf(ptr, len);
      this.step = STEP_PUSH;
      reqBegin(this.destShard);
      reqArg(LMOVEPUSH.ptr, LMOVEPUSH.len);
      reqArg(this.dest.ptr, this.dest.len);
      reqArg(this.to.ptr, this.to.len);
      reqArg(ptr + headerEnd(ptr, 0), <u32>size);
      this.send(2);
    } else {
      const el = this.element!;
      this.end(el.ptr, el.len);
    }
  }

  private end(ptr: usize, len: u32): void {
    this.done(ptr, len);
    this.source.release();
    this.dest.release();
    const el = this.element;
    if (el != null) el.release();
  }
}

function startMove(c: Conn, parent: Op | null, holder: u32, fromHead: bool, toHead: bool): Op | null {
  const op = new ListMoveOp(c, holder, fromHead, toHead);
  op.parent = parent;
  op.start();
  return op;
}

export function startLmove(c: Conn, parent: Op | null, holder: u32): Op | null {
  const from = argWhere(3);
  const to = argWhere(4);
  if (from < 0 || to < 0) { replyErrorLit(E.ERR_SYNTAX); return null; }
  return startMove(c, parent, holder, from == 1, to == 1);
}

export function startRpoplpush(c: Conn, parent: Op | null, holder: u32): Op | null {
  return startMove(c, parent, holder, false, true);
}

/** `\0ltype key` → `:0` missing, `:1` a list, `:2` another type. */
function internalLtype(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  replyInt(e == 0 ? 0 : entryType(e) == TYPE_LIST ? 1 : LTYPE_OTHER);
}

/** `\0lmovepop key LEFT|RIGHT destwrong` → `$-1`, WRONGTYPE, or the element, popped. */
function internalLmovePop(c: Conn): void {
  const e = listEntry(1, false);
  if (e < 0) return;
  if (e == 0) { writeRaw(NULL_BULK.ptr, NULL_BULK.len); return; }
  if (load<u8>(argPtr(3)) == 0x31) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  const l = entryValue(<usize>e);
  const at = argWhere(2) == 1 ? 0 : listLen(l) - 1;
  listAt(l, at);
  replyBulk(elemPtr, elemLen);
  listRemove(l, at, 1);
  listWritten(<usize>e);
}

/** `\0lmovepush key LEFT|RIGHT element` → the list's new length (the origin checked the type). */
function internalLmovePush(c: Conn): void {
  let e = lookup(argPtr(1), argLen(1));
  if (e == 0) e = createList(argPtr(1), argLen(1));
  else entryModified(e);
  const l = entryValue(e);
  listPush(l, argPtr(3), argLen(3), argWhere(2) == 1);
  replyInt(listLen(l));
}

// ---- LMPOP ----


export function startLmpop(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (!parseLmpop()) return null;
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = 2; k < 2 + mpopKeys; k++) marks[keyShard(argPtr(k), argLen(k))] = true;
  const shards = shardList(marks);
  if (shards.length == 1 && shards[0] == shardIndex) {
    lmpop(c);
    return null;
  }
  if (shards.length == 1) {
    return forwardWhole(c, parent, holder, shards[0]);
  }
  const op = new MpopOp(c, shards, holder, LMPOP, mpopHead ? LEFT : RIGHT, mpopKeys, mpopCount);
  op.parent = parent;
  op.start();
  return op;
}

export function registerListInternals(): void {
  defineInternal("\0ltype", internalLtype);
  defineInternal("\0lmovepop", internalLmovePop);
  defineInternal("\0lmovepush", internalLmovePush);
}

const LTYPE_OTHER: i64 = 2;
const LTYPE = new Lit("\0ltype");
const LMOVEPOP = new Lit("\0lmovepop");
const LMOVEPUSH = new Lit("\0lmovepush");
const LMPOP = new Lit("lmpop");
const LEFT = new Lit("left");
const RIGHT = new Lit("right");
const COUNT = new Lit("count");
const ZERO = new Lit("0");
const ONE = new Lit("1");
const NULL_BULK = new Lit("$-1\r\n");
const NULL3 = new Lit("_\r\n");
