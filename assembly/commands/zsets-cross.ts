// Sorted set commands whose keys span shards, made atomic the way list moves are (lists-cross.ts): a
// LockingOp takes the involved shards' locks in ascending order, runs its steps as requests to them,
// and unlocks. Nothing else runs on a locked shard in between, so the command sees one moment of every
// source and its write lands before anyone looks.
//
// ZUNION, ZINTER, ZDIFF, ZINTERCARD, their STORE forms, ZRANGESTORE (a ZsetComputeOp), with every
// involved shard locked:
//   1. fetch   — `\0zget key` on each source's shard: `$-1` (missing), WRONGTYPE, or the set's bytes
//                (store/zset.ts zsetEncode);
//   2. compute — at the origin, the command's own handler runs on the saved arguments with the
//                fetched sets in place of the keyspace (zsets.ts sourceOverride) and its store turned
//                into a payload (zsets.ts storeResult); its reply is captured;
//   3. store   — STORE forms: `\0put dst payload` on the destination's shard (the value-codec form RENAME
//                uses; it replaces the key and its TTL), or `DEL dst` when the result is empty; then the
//                captured reply is the reply.
// ZMPOP (keys on several shards), with every involved shard locked: `ZMPOP 1 key MIN|MAX COUNT n` on
// each key's shard in argument order; the first reply that is not a null array (a pop, or WRONGTYPE) is
// the reply. Commands with numkeys have movable keys, so their starters run for every call: keys all
// here run here at once, keys all on one other shard are forwarded, and only a spread takes the locks.
import { MpopOp } from "./mpop-cross";
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { defineInternal, lookupCommand, Handler } from "./table";
import { Op } from "../shard/ops";
import { LockingOp, shardList } from "../shard/locking-op";
import { forwardWhole, putHeader } from "../shard/gather";
import { reqBegin, reqArg } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { replyErrorLit, writeRaw, pushCapture, popCapture, replyTarget } from "../resp/writer";
import { headerValue, headerEnd } from "../resp/frame";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { parseI64, parsedI64 } from "../util/int";
import * as E from "../resp/errors";
import { zsetOfSet } from "./zsets";
import { zsetFree } from "../store/zset";
import { TYPE_SET } from "../store/entry";
import { lookup } from "../store/keyspace";
import { entryType, entryValue, TYPE_ZSET } from "../store/entry";
import { zsetEncode, zsetDecode, zsetFree } from "../store/zset";
import {
  setSourceOverride, setStorePayload, storeOutcome, STORE_PUT, STORE_DELETE, SOURCE_MISSING,
  SOURCE_WRONGTYPE,
} from "./zsets";
import { parseZmpop, zmpop, zmpopKeys, zmpopMax, zmpopCount } from "./zset-pop";

// ---- the fetch step, target side ----

/** `\0zget key [1]` → `$-1` missing, WRONGTYPE, or the set's encoding as a bulk string; with `1`, a
 *  plain set comes as a sorted set with every score 1. */
function internalZget(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) { writeRaw(NULL_BULK.ptr, NULL_BULK.len); return; }
  const setsToo = argc > 2;
  if (entryType(e) != TYPE_ZSET && !(setsToo && entryType(e) == TYPE_SET)) { replyErrorLit(E.ERR_WRONGTYPE); return; }
  const out = new ByteBuf();
  if (entryType(e) == TYPE_SET) {
    const z = zsetOfSet(entryValue(e));
    zsetEncode(z, out);
    zsetFree(z);
  } else {
    zsetEncode(entryValue(e), out);
  }
  const framed = new ByteBuf();
  putHeader(framed, 0x24, out.len);
  framed.append(out.ptr, out.len);
  framed.append(CRLF.ptr, 2);
  writeRaw(framed.ptr, framed.len);
  out.release();
  framed.release();
}

// ---- fetch, compute, store ----

const PHASE_FETCH: i32 = 0;
const PHASE_STORE: i32 = 1;

export class ZsetComputeOp extends LockingOp {
  private readonly argv: ByteBuf = new ByteBuf();
  private readonly sourceArgs: Array<i32>;
  private readonly parts: Array<ByteBuf | null> = new Array<ByteBuf | null>();
  private readonly dstArg: i32;
  private readonly dstShard: u32;
  private readonly handler: Handler;
  private readonly reply: ByteBuf = new ByteBuf();
  private readonly payload: ByteBuf = new ByteBuf();
  private waiting: i32 = 0;
  private phase: i32 = PHASE_FETCH;
  /** Plain sets count as sorted sets with every score 1 (ZUNION, ZINTER, ZDIFF …, not ZRANGESTORE). */
  setsToo: bool = false;

  constructor(c: Conn, shards: Array<u32>, holder: u32, sourceArgs: Array<i32>, dstArg: i32, handler: Handler) {
    super(c, shards, holder);
    this.sourceArgs = sourceArgs;
    this.dstArg = dstArg;
    this.dstShard = dstArg >= 0 ? keyShard(argPtr(dstArg), argLen(dstArg)) : 0;
    this.handler = handler;
    this.plainReplies = true;
    argvSave(this.argv);
    for (let i = 0; i < sourceArgs.length; i++) this.parts.push(null);
  }

  run(): void {
    argvLoad(this.argv);
    this.waiting = this.sourceArgs.length;
    for (let i = 0; i < this.sourceArgs.length; i++) {
      const k = this.sourceArgs[i];
      reqBegin(keyShard(argPtr(k), argLen(k)));
      reqArg(ZGET.ptr, ZGET.len);
      reqArg(argPtr(k), argLen(k));
      if (this.setsToo) reqArg(ONE.ptr, ONE.len);
      this.send(<u32>i);
    }
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.phase == PHASE_STORE) { this.end(); return; }
    this.parts[part] = bufferOf(ptr, len);
    if (--this.waiting > 0) return;
    this.compute();
  }

  /** Step 2: the handler on the fetched sets, its reply captured and its store made a payload. */
  private compute(): void {
    argvLoad(this.argv);
    const sets = new Array<usize>(argc);
    for (let i = 0; i < argc; i++) sets[i] = SOURCE_MISSING;
    const decoded = new Array<usize>();
    for (let i = 0; i < this.sourceArgs.length; i++) {
      const p = this.parts[i]!;
      let z = SOURCE_MISSING;
      if (load<u8>(p.ptr) == 0x2d) {
        z = SOURCE_WRONGTYPE;
      } else {
        const size = headerValue(p.ptr, 0);
        if (size >= 0) {
          z = zsetDecode(p.ptr + headerEnd(p.ptr, 0), <u32>size);
          decoded.push(z);
        }
      }
      sets[this.sourceArgs[i]] = z;
      p.release();
    }
    setSourceOverride(sets);
    setStorePayload(this.dstArg >= 0 ? this.payload : null);
    pushCapture(this.reply);
    replyTarget(this.connId, this.resp3);
    this.handler(this.conn);
    popCapture();
    const outcome = storeOutcome;
    setStorePayload(null);
    setSourceOverride(null);
    for (let i = 0; i < decoded.length; i++) zsetFree(decoded[i]);
    if (outcome == STORE_PUT) this.store(PUT, true);
    else if (outcome == STORE_DELETE) this.store(DEL, false);
    else this.end();
  }

  /** Step 3: write (or delete) the destination on its shard. */
  private store(cmd: Lit, withPayload: bool): void {
    this.phase = PHASE_STORE;
    reqBegin(this.dstShard);
    reqArg(cmd.ptr, cmd.len);
    reqArg(argPtr(this.dstArg), argLen(this.dstArg));
    if (withPayload) reqArg(this.payload.ptr, this.payload.len);
    this.send(0);
  }

  private end(): void {
    this.done(this.reply.ptr, this.reply.len);
    this.reply.release();
    this.payload.release();
    this.argv.release();
  }
}

/** Runs the command here, forwards it whole, or starts a ZsetComputeOp, by where its keys live. */
function startCompute(c: Conn, parent: Op | null, holder: u32, sourceArgs: Array<i32>, dstArg: i32,
                      setsToo: bool): Op | null {
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let i = 0; i < sourceArgs.length; i++) {
    const k = sourceArgs[i];
    marks[keyShard(argPtr(k), argLen(k))] = true;
  }
  if (dstArg >= 0) marks[keyShard(argPtr(dstArg), argLen(dstArg))] = true;
  const shards = shardList(marks);
  const cmd = lookupCommand(argPtr(0), argLen(0))!;
  if (shards.length == 1) return runOrForward(c, parent, holder, shards[0], cmd.handler);
  const op = new ZsetComputeOp(c, shards, holder, sourceArgs, dstArg, cmd.handler);
  op.setsToo = setsToo;
  op.parent = parent;
  op.start();
  return op;
}

/** Keys all on `shard`: here, run at once; elsewhere, forward the command whole. */
function runOrForward(c: Conn, parent: Op | null, holder: u32, shard: u32, handler: Handler): Op | null {
  if (shard == shardIndex) {
    handler(c);
    return null;
  }
  return forwardWhole(c, parent, holder, shard);
}

/** ZRANGESTORE dst src …, the two on different shards. */
export function startZrangestore(c: Conn, parent: Op | null, holder: u32): Op | null {
  const sources = new Array<i32>();
  sources.push(2);
  return startCompute(c, parent, holder, sources, 1, false);
}

/** ZUNION/ZINTER/ZDIFF/ZINTERCARD numkeys key … and the STORE forms dst numkeys key …. */
export function startZsetAlgebra(c: Conn, parent: Op | null, holder: u32): Op | null {
  const cmd = lookupCommand(argPtr(0), argLen(0))!;
  const isStore = cmd.firstKey == 1;
  const numkeysIdx = isStore ? 2 : 1;
  // A numkeys the handler will refuse: let it reply its error, here.
  if (!parseI64(argPtr(numkeysIdx), argLen(numkeysIdx)) || parsedI64 < 1 ||
      parsedI64 > <i64>(argc - numkeysIdx - 1)) {
    cmd.handler(c);
    return null;
  }
  const sources = new Array<i32>();
  for (let i = 0; i < <i32>parsedI64; i++) sources.push(numkeysIdx + 1 + i);
  return startCompute(c, parent, holder, sources, isStore ? 1 : -1, true);
}

// ---- ZMPOP ----


export function startZmpop(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (!parseZmpop()) return null;
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = 2; k < 2 + zmpopKeys; k++) marks[keyShard(argPtr(k), argLen(k))] = true;
  const shards = shardList(marks);
  if (shards.length == 1) return runOrForward(c, parent, holder, shards[0], zmpop);
  const op = new MpopOp(c, shards, holder, ZMPOP, zmpopMax ? MAX : MIN, zmpopKeys, zmpopCount);
  op.parent = parent;
  op.start();
  return op;
}

export function registerZsetInternals(): void {
  defineInternal("\0zget", internalZget);
}

const ZGET = new Lit("\0zget");
const PUT = new Lit("\0put");
const DEL = new Lit("del");
const ZMPOP = new Lit("zmpop");
const MIN = new Lit("min");
const MAX = new Lit("max");
const COUNT = new Lit("count");
const ONE = new Lit("1");
const NULL_BULK = new Lit("$-1\r\n");
const CRLF = new Lit("\r\n");
