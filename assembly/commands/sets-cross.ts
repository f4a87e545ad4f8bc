// Set commands whose keys span shards, made atomic the way LMOVE across shards is (lists-cross.ts): a
// LockingOp takes the involved shards' locks in ascending order, runs its steps as requests to those
// shards, and unlocks. Nothing else runs on a locked shard in between, so the command sees and leaves
// one consistent moment, as on one Redis.
//
// SMOVE (source on one shard, destination on another), with both locked:
//   1. check — `\0stype dst` on the destination: missing, a set, or another type;
//   2. take  — `\0smovetake src member dstwrong` on the source: 0 if the source is missing, WRONGTYPE if
//              the source (then the destination) holds another type — Redis's error order — else 1 and
//              the member removed (the source deleted if it became empty), or 0 if it was not there;
//   3. add   — after a 1, `\0smoveadd dst member` on the destination (created if missing). Reply 1.
// SINTER, SUNION, SDIFF, SINTERCARD and the STORE forms (sources on several shards), with every involved
// shard locked (the destination's too):
//   1. gather  — `\0sdump key …` on each source shard: each of its keys as missing, another type, or the
//                set's encoded members (store/set.ts setEncode);
//   2. compute — at the origin: WRONGTYPE if any source is another type; else the sources are decoded
//                into temporary sets (a key named twice decoded once, so it is "the same set") and the
//                one-shard code (sets-algebra.ts) computes the reply, in the client's protocol;
//   3. store   — the STORE forms send the result, encoded, as `\0sstore dst payload` to the destination's
//                shard, which replaces or deletes the key there and answers the size.
// SINTERCARD's keys are movable (numkeys), so its starter runs for every call: keys all here run here
// at once, keys all on one other shard are forwarded, and only a spread goes through the locks.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineInternal } from "./table";
import { Op } from "../shard/ops";
import { LockingOp, shardList, shardsOfArgs } from "../shard/locking-op";
import { forwardWhole, putHeader } from "../shard/gather";
import { reqBegin, reqArg } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { replyErrorLit, replyInt, writeRaw, pushCapture, popCapture, replyTarget } from "../resp/writer";
import { headerValue, headerEnd } from "../resp/frame";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { hashBytes } from "../util/hash";
import * as E from "../resp/errors";
import { lookup, lookupRead } from "../store/keyspace";
import { entryType, entryValue, TYPE_SET } from "../store/entry";
import { setNew, setFree, setAdd, setRemove, setEncode, setDecode } from "../store/set";
import { setWritten, putSet, storeSet, replySetMembers } from "./sets";
import {
  replyInter, interCard, interSet, unionDiffSet, parseSintercard, sintercard, cardKeys, cardLimit,
  OP_UNION, OP_DIFF,
} from "./sets-algebra";
import { argIs } from "./options";

// ---- SMOVE ----

const STEP_CHECK_DEST: i32 = 0;
const STEP_TAKE: i32 = 1;
const STEP_ADD: i32 = 2;

export class SetMoveOp extends LockingOp {
  private readonly source: ByteBuf;
  private readonly dest: ByteBuf;
  private readonly member: ByteBuf;
  private readonly sourceShard: u32;
  private readonly destShard: u32;
  private step: i32 = 0;

  constructor(c: Conn, holder: u32) {
    super(c, shardsOfArgs(1, 2), holder);
    const s1 = keyShard(argPtr(1), argLen(1));
    const s2 = keyShard(argPtr(2), argLen(2));
    this.source = bufferOf(argPtr(1), argLen(1));
    this.dest = bufferOf(argPtr(2), argLen(2));
    this.member = bufferOf(argPtr(3), argLen(3));
    this.sourceShard = s1;
    this.destShard = s2;
    this.plainReplies = true;
  }

  run(): void {
    this.step = STEP_CHECK_DEST;
    reqBegin(this.destShard);
    reqArg(STYPE.ptr, STYPE.len);
    reqArg(this.dest.ptr, this.dest.len);
    this.send(0);
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.step == STEP_CHECK_DEST) {
      const destWrong = headerValue(ptr, 0) == STYPE_OTHER;
      this.step = STEP_TAKE;
      reqBegin(this.sourceShard);
      reqArg(SMOVETAKE.ptr, SMOVETAKE.len);
      reqArg(this.source.ptr, this.source.len);
      reqArg(this.member.ptr, this.member.len);
      reqArg(destWrong ? ONE.ptr : ZERO.ptr, 1);
      this.send(1);
    } else if (this.step == STEP_TAKE) {
      if (load<u8>(ptr) == 0x2d || headerValue(ptr, 0) == 0) { this.end(ptr, len); return; }
      this.step = STEP_ADD;
      reqBegin(this.destShard);
      reqArg(SMOVEADD.ptr, SMOVEADD.len);
      reqArg(this.dest.ptr, this.dest.len);
      reqArg(this.member.ptr, this.member.len);
      this.send(2);
    } else {
      this.end(REPLY_ONE.ptr, REPLY_ONE.len);
    }
  }

  private end(ptr: usize, len: u32): void {
    this.done(ptr, len);
    this.source.release();
    this.dest.release();
    this.member.release();
  }
}

export function startSmove(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new SetMoveOp(c, holder);
  op.parent = parent;
  op.start();
  return op;
}

/** `\0stype key` → `:0` missing, `:1` a set, `:2` another type. */
function internalStype(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  replyInt(e == 0 ? 0 : entryType(e) == TYPE_SET ? 1 : STYPE_OTHER);
}

/** `\0smovetake key member destwrong` → `:0`, WRONGTYPE, or `:1` with the member removed. */
function internalSmoveTake(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) { replyInt(0); return; }
  if (entryType(e) != TYPE_SET || load<u8>(argPtr(3)) == 0x31) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  if (!setRemove(entryValue(e), argPtr(2), argLen(2))) { replyInt(0); return; }
  setWritten(e);
  replyInt(1);
}

/** `\0smoveadd key member` → `:1` added, `:0` already there (the origin checked the type). */
function internalSmoveAdd(c: Conn): void {
  let e = lookup(argPtr(1), argLen(1));
  if (e == 0) e = putSet(argPtr(1), argLen(1), setNew());
  const added = setAdd(entryValue(e), argPtr(2), argLen(2));
  if (added) setWritten(e);
  replyInt(added ? 1 : 0);
}

// ---- SINTER, SUNION, SDIFF, SINTERCARD and the STORE forms ----

const KIND_INTER: i32 = 0;
const KIND_UNION: i32 = 1;
const KIND_DIFF: i32 = 2;
const KIND_CARD: i32 = 3;

const DUMP_MISSING: u8 = 0;
const DUMP_SET: u8 = 1;
const DUMP_OTHER: u8 = 2;

export class SetAlgebraOp extends LockingOp {
  /** The source keys in argument order, and each one's shard. */
  private readonly keys: Array<ByteBuf> = new Array<ByteBuf>();
  private readonly keyShards: Array<u32> = new Array<u32>();
  private readonly kind: i32;
  private readonly limit: i64;
  private readonly dest: ByteBuf | null;
  private readonly destShard: u32;
  /** Each source shard's `\0sdump` answer, by shard index. */
  private readonly dumps: Array<ByteBuf | null> = new Array<ByteBuf | null>(<i32>shardCount);
  private waiting: i32 = 0;
  private storing: bool = false;

  constructor(c: Conn, shards: Array<u32>, holder: u32, kind: i32, firstSource: i32, lastSource: i32,
              destArg: i32, limit: i64) {
    super(c, shards, holder);
    this.kind = kind;
    this.limit = limit;
    for (let k = firstSource; k <= lastSource; k++) {
      this.keys.push(bufferOf(argPtr(k), argLen(k)));
      this.keyShards.push(keyShard(argPtr(k), argLen(k)));
    }
    this.dest = destArg > 0 ? bufferOf(argPtr(destArg), argLen(destArg)) : null;
    this.destShard = destArg > 0 ? keyShard(argPtr(destArg), argLen(destArg)) : 0;
    this.plainReplies = true;
  }

  run(): void {
    for (let s: u32 = 0; s < shardCount; s++) {
      let any = false;
      for (let i = 0; i < this.keys.length; i++) {
        if (this.keyShards[i] != s) continue;
        if (!any) { reqBegin(s); reqArg(SDUMP.ptr, SDUMP.len); any = true; }
        reqArg(this.keys[i].ptr, this.keys[i].len);
      }
      if (any) { this.waiting++; this.send(s); }
    }
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.storing) { this.end(ptr, len); return; }
    this.dumps[part] = bufferOf(ptr, len);
    if (--this.waiting == 0) this.compute();
  }

  /** Step 2: the sources decoded (0 for missing), or null when one is another type. */
  private decodeSources(temps: Array<usize>): Array<usize> | null {
    const at = new Array<u32>(<i32>shardCount);
    for (let s = 0; s < this.dumps.length; s++) {
      const d = this.dumps[s];
      if (d != null) at[s] = headerEnd(d.ptr, 0);
    }
    const sets = new Array<usize>();
    const firstByHash = new Map<u32, i32>();
    let wrong = false;
    for (let i = 0; i < this.keys.length; i++) {
      const s = this.keyShards[i];
      const d = this.dumps[s]!;
      const rec = d.ptr + at[s];
      const status = load<u8>(rec);
      const size = load<u32>(rec, 1);
      at[s] += 5 + size;
      let handle: usize = 0;
      if (status == DUMP_OTHER) wrong = true;
      else if (status == DUMP_SET) handle = this.sameAsEarlier(i, sets, firstByHash);
      if (status == DUMP_SET && handle == 0) {
        handle = setDecode(rec + 5, size);
        temps.push(handle);
      }
      sets.push(handle);
    }
    return wrong ? null : sets;
  }

  /**
   * The handle of an earlier source with the same key name, or 0. `firstByHash` maps a key's hash to
   * the first source with that hash; a collision between different names falls back to a linear look.
   */
  private sameAsEarlier(i: i32, sets: Array<usize>, firstByHash: Map<u32, i32>): usize {
    const key = this.keys[i];
    const h = hashBytes(key.ptr, key.len, 0);
    if (!firstByHash.has(h)) { firstByHash.set(h, i); return 0; }
    for (let j = firstByHash.get(h); j < i; j++) {
      const other = this.keys[j];
      if (sets[j] != 0 && bytesEqual(key.ptr, key.len, other.ptr, other.len)) return sets[j];
    }
    return 0;
  }

  private compute(): void {
    const temps = new Array<usize>();
    const sets = this.decodeSources(temps);
    const out = new ByteBuf();
    pushCapture(out);
    replyTarget(this.connId, this.resp3);
    let result: usize = 0;
    if (sets == null) replyErrorLit(E.ERR_WRONGTYPE);
    else if (this.kind == KIND_CARD) replyInt(interCard(sets, this.limit));
    else if (this.dest != null) result = this.kind == KIND_INTER ? interSet(sets) : unionDiffSet(sets, this.opOf());
    else if (this.kind == KIND_INTER) replyInter(sets);
    else {
      const s = unionDiffSet(sets, this.opOf());
      replySetMembers(s);
      setFree(s);
    }
    popCapture();
    for (let i = 0; i < temps.length; i++) setFree(temps[i]);
    if (result == 0) {
      this.end(out.ptr, out.len);
      out.release();
      return;
    }
    // Step 3: the destination's shard stores the result.
    out.release();
    const payload = new ByteBuf();
    setEncode(result, payload);
    setFree(result);
    const dest = this.dest!;
    this.storing = true;
    reqBegin(this.destShard);
    reqArg(SSTORE.ptr, SSTORE.len);
    reqArg(dest.ptr, dest.len);
    reqArg(payload.ptr, payload.len);
    this.send(<u32>shardCount);
    payload.release();
  }

  private opOf(): i32 { return this.kind == KIND_UNION ? OP_UNION : OP_DIFF; }

  private end(ptr: usize, len: u32): void {
    this.done(ptr, len);
    for (let i = 0; i < this.keys.length; i++) this.keys[i].release();
    for (let s = 0; s < this.dumps.length; s++) {
      const d = this.dumps[s];
      if (d != null) d.release();
    }
    const dest = this.dest;
    if (dest != null) dest.release();
  }
}

/** The shards of arguments [from, to] plus, when `extra` >= 0, that of argument `extra`. */
function shardsOf(from: i32, to: i32, extra: i32): Array<u32> {
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = from; k <= to; k++) marks[keyShard(argPtr(k), argLen(k))] = true;
  if (extra >= 0) marks[keyShard(argPtr(extra), argLen(extra))] = true;
  return shardList(marks);
}

function kindOfCommand(): i32 {
  if (argIs(0, SINTER) || argIs(0, SINTERSTORE)) return KIND_INTER;
  if (argIs(0, SUNION) || argIs(0, SUNIONSTORE)) return KIND_UNION;
  return KIND_DIFF;
}

function startOp(c: Conn, parent: Op | null, holder: u32, op: SetAlgebraOp): Op {
  op.parent = parent;
  op.start();
  return op;
}

/** SINTER / SUNION / SDIFF key [key …] with keys on several shards. */
export function startSetAlgebra(c: Conn, parent: Op | null, holder: u32): Op | null {
  const shards = shardsOf(1, argc - 1, -1);
  return startOp(c, parent, holder, new SetAlgebraOp(c, shards, holder, kindOfCommand(), 1, argc - 1, 0, 0));
}

/** SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key …] with keys on several shards. */
export function startSetStore(c: Conn, parent: Op | null, holder: u32): Op | null {
  const shards = shardsOf(2, argc - 1, 1);
  return startOp(c, parent, holder, new SetAlgebraOp(c, shards, holder, kindOfCommand(), 2, argc - 1, 1, 0));
}

export function startSintercard(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (!parseSintercard()) return null;
  const shards = shardsOf(2, 1 + cardKeys, -1);
  if (shards.length == 1 && shards[0] == shardIndex) {
    sintercard(c);
    return null;
  }
  if (shards.length == 1) {
    return forwardWhole(c, parent, holder, shards[0]);
  }
  return startOp(c, parent, holder, new SetAlgebraOp(c, shards, holder, KIND_CARD, 2, 1 + cardKeys, 0, cardLimit));
}

/** `\0sdump key …` → one bulk string: per key [status u8][size u32][setEncode bytes when a set]. */
function internalSdump(c: Conn): void {
  const body = new ByteBuf();
  for (let k = 1; k < argc; k++) {
    const e = lookupRead(argPtr(k), argLen(k));
    const status = e == 0 ? DUMP_MISSING : entryType(e) == TYPE_SET ? DUMP_SET : DUMP_OTHER;
    const mark = body.len;
    body.reserve(5);
    store<u8>(body.ptr + mark, status);
    body.len += 5;
    if (status == DUMP_SET) setEncode(entryValue(e), body);
    store<u32>(body.ptr + mark, body.len - mark - 5, 1);
  }
  const framed = new ByteBuf();
  putHeader(framed, 0x24, body.len);
  framed.append(body.ptr, body.len);
  framed.append(CRLF.ptr, 2);
  writeRaw(framed.ptr, framed.len);
  body.release();
  framed.release();
}

/** `\0sstore key payload` → the key holds the decoded set (or is deleted when it is empty); `:size`. */
function internalSstore(c: Conn): void {
  replyInt(storeSet(argPtr(1), argLen(1), setDecode(argPtr(2), argLen(2))));
}

export function registerSetInternals(): void {
  defineInternal("\0stype", internalStype);
  defineInternal("\0smovetake", internalSmoveTake);
  defineInternal("\0smoveadd", internalSmoveAdd);
  defineInternal("\0sdump", internalSdump);
  defineInternal("\0sstore", internalSstore);
}

const STYPE_OTHER: i64 = 2;
const STYPE = new Lit("\0stype");
const SMOVETAKE = new Lit("\0smovetake");
const SMOVEADD = new Lit("\0smoveadd");
const SDUMP = new Lit("\0sdump");
const SSTORE = new Lit("\0sstore");
const SINTER = new Lit("sinter");
const SINTERSTORE = new Lit("sinterstore");
const SUNION = new Lit("sunion");
const SUNIONSTORE = new Lit("sunionstore");
const ZERO = new Lit("0");
const ONE = new Lit("1");
const REPLY_ONE = new Lit(":1\r\n");
const CRLF = new Lit("\r\n");
