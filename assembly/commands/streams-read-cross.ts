// XREAD / XREADGROUP whose keys live on several shards, atomic as on one Redis: a LockingOp takes the
// involved shards' locks, asks each shard about its own keys with the internal `\0xread`, and gathers
// the answers back into the one reply, keys in the client's order, streams with nothing left out.
//
//   \0xread <check|read> <count> <noack 0|1> <group? 0|1> <group> <consumer> <key …> <id …>
//   → `*1 :-1` (check) | `*(n+1) :-1 <entries or null> × n` (read) | `*2 :<i> -<error>` (key i failed)
//
// Errors must be Redis's first error in key order (each key is checked for WRONGTYPE, NOGROUP, then its
// ID, in turn): every shard stops at its own first failing key and names it, and the origin picks the
// failure of the earliest key overall. XREAD reads in one round (a failure means no reply data is used,
// and reading changed nothing). XREADGROUP changes state as it reads (PEL, last-delivered ID), so it
// checks every shard first and reads only when no key fails. Keys all on one shard are forwarded whole;
// all here run here.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { defineInternal } from "./table";
import { Op } from "../shard/ops";
import { LockingOp, shardList } from "../shard/locking-op";
import { forwardWhole, putHeader } from "../shard/gather";
import { reqBegin, reqArg } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { replyErrorLit, replyArrayLen, replyInt, replyNullArray, writeRaw, pushCapture, popCapture } from "../resp/writer";
import { headerValue, headerEnd, frameEnd } from "../resp/frame";
import { ByteBuf, Lit } from "../util/mem";
import { formatI64, parseI64, parsedI64 } from "../util/int";
import { bytesEqualNoCase } from "../util/bytes";
import * as E from "../resp/errors";
import {
  parseXread, xreadGeneric, resolveAll, decideAll, keyServed, serveKey, setXreadOptions,
  rdCount, rdNoack, rdGroupArg, rdStreamsArg, rdNumStreams, rdBlock,
} from "./streams-read";

const PHASE_CHECK: i32 = 0;
const PHASE_READ: i32 = 1;

export class XreadOp extends LockingOp {
  private readonly argv: ByteBuf = new ByteBuf();
  private readonly isGroup: bool;
  /** For each key in argument order: its shard's position in `shards`, and its index on that shard. */
  private readonly keyPart: Array<i32> = new Array<i32>();
  private readonly keyLocal: Array<i32> = new Array<i32>();
  private readonly answers: Array<ByteBuf | null>;
  private waiting: i32 = 0;
  private phase: i32 = PHASE_READ;
  private readonly block: bool;
  /** Run by a blocked XREAD's arbiter (blocking/block-op.ts): nothing anywhere answers empty (it waits). */
  nothingIsEmpty: bool = false;

  constructor(c: Conn, shards: Array<u32>, holder: u32, isGroup: bool) {
    super(c, shards, holder);
    this.answers = new Array<ByteBuf | null>(shards.length);
    this.isGroup = isGroup;
    this.block = rdBlock;
    argvSave(this.argv);
    const counts = new Array<i32>(shards.length);
    for (let k = 0; k < rdNumStreams; k++) {
      const s = keyShard(argPtr(rdStreamsArg + k), argLen(rdStreamsArg + k));
      const part = shards.indexOf(s);
      this.keyPart.push(part);
      this.keyLocal.push(counts[part]);
      counts[part]++;
    }
  }

  run(): void {
    this.phase = this.isGroup ? PHASE_CHECK : PHASE_READ;
    this.sendAll();
  }

  /** One `\0xread` to every involved shard, for its keys, in argument order. */
  private sendAll(): void {
    argvLoad(this.argv);
    parseXread(this.isGroup);
    const countText = new ByteBuf();
    countText.reserve(24);
    countText.len = formatI64(countText.ptr, rdCount);
    for (let part = 0; part < this.shards.length; part++) {
      reqBegin(this.shards[part]);
      reqArg(XREAD_INTERNAL.ptr, XREAD_INTERNAL.len);
      const mode = this.phase == PHASE_CHECK ? CHECK : READ;
      reqArg(mode.ptr, mode.len);
      reqArg(countText.ptr, countText.len);
      reqArg(rdNoack ? ONE.ptr : ZERO.ptr, 1);
      reqArg(rdGroupArg >= 0 ? ONE.ptr : ZERO.ptr, 1);
      if (rdGroupArg >= 0) {
        reqArg(argPtr(rdGroupArg), argLen(rdGroupArg));
        reqArg(argPtr(rdGroupArg + 1), argLen(rdGroupArg + 1));
      } else {
        reqArg(ZERO.ptr, 0);
        reqArg(ZERO.ptr, 0);
      }
      for (let k = 0; k < rdNumStreams; k++) {
        if (this.keyPart[k] == part) reqArg(argPtr(rdStreamsArg + k), argLen(rdStreamsArg + k));
      }
      for (let k = 0; k < rdNumStreams; k++) {
        if (this.keyPart[k] == part) reqArg(argPtr(rdStreamsArg + rdNumStreams + k), argLen(rdStreamsArg + rdNumStreams + k));
      }
      this.waiting++;
      this.send(<u32>part);
    }
    countText.release();
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    const buf = new ByteBuf();
    buf.append(ptr, len);
    this.answers[part] = buf;
    if (--this.waiting > 0) return;
    // The first failing key in argument order decides the error.
    for (let k = 0; k < this.keyPart.length; k++) {
      const a = this.answers[this.keyPart[k]]!;
      const first = headerEnd(a.ptr, 0);
      if (headerValue(a.ptr, first) == <i64>this.keyLocal[k]) {
        const err = headerEnd(a.ptr, first);
        this.end(a.ptr + err, a.len - err);
        return;
      }
    }
    if (this.phase == PHASE_CHECK) {
      this.release();
      this.phase = PHASE_READ;
      this.sendAll();
      return;
    }
    this.assemble();
  }

  /** The reply: the served streams, in key order. */
  private assemble(): void {
    argvLoad(this.argv);
    parseXread(this.isGroup);
    const cursor = new Array<u32>(this.shards.length);
    for (let p = 0; p < this.shards.length; p++) {
      const a = this.answers[p]!;
      cursor[p] = headerEnd(a.ptr, headerEnd(a.ptr, 0));
    }
    // First pass: which keys have entries.
    const starts = new Array<u32>(this.keyPart.length);
    const ends = new Array<u32>(this.keyPart.length);
    let served = 0;
    for (let k = 0; k < this.keyPart.length; k++) {
      const p = this.keyPart[k];
      const a = this.answers[p]!;
      const from = cursor[p];
      const to = frameEnd(a.ptr, from);
      cursor[p] = to;
      starts[k] = from;
      ends[k] = to;
      if (!isNull(a.ptr + from)) served++;
    }
    if (served == 0) {
      if (this.nothingIsEmpty) { this.end(0, 0); return; }
      const nil = this.resp3 ? NULL3 : NULL_ARRAY;
      this.end(nil.ptr, nil.len);
      return;
    }
    const out = new ByteBuf();
    putHeader(out, this.resp3 ? 0x25 : 0x2a, served);
    for (let k = 0; k < this.keyPart.length; k++) {
      const a = this.answers[this.keyPart[k]]!;
      if (isNull(a.ptr + starts[k])) continue;
      if (!this.resp3) putHeader(out, 0x2a, 2);
      const key = rdStreamsArg + k;
      putHeader(out, 0x24, argLen(key));
      out.append(argPtr(key), argLen(key));
      out.pushByte(0x0d); out.pushByte(0x0a);
      out.append(a.ptr + starts[k], ends[k] - starts[k]);
    }
    this.end(out.ptr, out.len);
    out.release();
  }

  private release(): void {
    for (let i = 0; i < this.answers.length; i++) {
      const a = this.answers[i];
      if (a != null) a.release();
      this.answers[i] = null;
    }
  }

  end(ptr: usize, len: u32): void {
    this.done(ptr, len);
    this.release();
    this.argv.release();
  }
}

function errorReply(op: XreadOp, text: Lit): void {
  const out = new ByteBuf();
  out.pushByte(0x2d);
  out.append(text.ptr, text.len);
  out.pushByte(0x0d); out.pushByte(0x0a);
  op.end(out.ptr, out.len);
  out.release();
}

function isNull(p: usize): bool {
  return load<u8>(p) == 0x5f || (load<u8>(p) == 0x2a && load<u8>(p, 1) == 0x2d);
}

function isXreadgroup(): bool { return bytesEqualNoCase(argPtr(0), argLen(0), XREADGROUP.ptr, XREADGROUP.len); }

/** The starter of XREAD and XREADGROUP (movable keys: it runs for every call on a multi-shard server). */
export function startXread(c: Conn, parent: Op | null, holder: u32): Op | null {
  const isGroup = isXreadgroup();
  if (!parseXread(isGroup)) return null;
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = 0; k < rdNumStreams; k++) marks[keyShard(argPtr(rdStreamsArg + k), argLen(rdStreamsArg + k))] = true;
  const shards = shardList(marks);
  if (shards.length == 1 && shards[0] == shardIndex) {
    xreadGeneric(isGroup);
    return null;
  }
  if (shards.length == 1) {
    return forwardWhole(c, parent, holder, shards[0]);
  }
  const op = new XreadOp(c, shards, holder, isGroup);
  op.parent = parent;
  op.start();
  return op;
}

// ---- the target side ----

const failed = new ByteBuf();

function internalXread(c: Conn): void {
  const check = bytesEqualNoCase(argPtr(1), argLen(1), CHECK.ptr, CHECK.len);
  parseI64(argPtr(2), argLen(2));
  const count = parsedI64;
  const noack = load<u8>(argPtr(3)) == 0x31;
  const hasGroup = load<u8>(argPtr(4)) == 0x31;
  setXreadOptions(count, noack, hasGroup ? 5 : -1, 7, (argc - 7) >> 1);
  failed.len = 0;
  pushCapture(failed);
  const bad = resolveAll();
  popCapture();
  if (bad >= 0) {
    replyArrayLen(2);
    replyInt(bad);
    writeRaw(failed.ptr, failed.len);
    failed.len = 0;
    return;
  }
  if (check) { replyArrayLen(1); replyInt(-1); return; }
  decideAll();
  replyArrayLen(rdNumStreams + 1);
  replyInt(-1);
  for (let k = 0; k < rdNumStreams; k++) {
    if (keyServed(k)) serveKey(k, false); else replyNullArray();
  }
}

export function registerXreadInternals(): void {
  defineInternal("\0xread", internalXread);
}

const XREAD_INTERNAL = new Lit("\0xread");
const XREADGROUP = new Lit("xreadgroup");
const CHECK = new Lit("check");
const READ = new Lit("read");
const ZERO = new Lit("0");
const ONE = new Lit("1");
const NULL3 = new Lit("_\r\n");
const NULL_ARRAY = new Lit("*-1\r\n");
