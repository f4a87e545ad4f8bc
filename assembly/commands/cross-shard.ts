// How the multi-key and every-shard commands of the string and key families run when a command's keys
// span shards: each gets a starter (commands/table.ts `crossShard`) that splits it into per-shard
// requests and picks the combiner. Commands that are atomic on one Redis (MGET, MSET, DEL, EXISTS,
// TOUCH, UNLINK, KEYS, FLUSHALL) run their fan-out under the involved shards' locks (AtomicOp);
// DBSIZE, RANDOMKEY and SCAN, which promise no snapshot, fan out without locking. Also the shard-to-shard commands those starters use (`\0take`,
// `\0put`, `\0randomkey`). Single-shard servers never come here.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { argIs } from "./options";
import { Command, lookupCommand, crossShard, defineInternal } from "./table";
import { Op } from "../shard/ops";
import { GatherOp, MgetOp, SumOp, AllOkOp, ConcatArrayOp, putHeader } from "../shard/gather";
import { MsetnxOp, RenameOp } from "../shard/move-ops";
import { AtomicOp, FanOut } from "../shard/atomic-op";
import { shardList, shardsOfArgs } from "../shard/locking-op";
import { reqBegin, reqArg, reqWholeArgv } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { replyErrorLit, replyBulk, writeRaw, replyNull } from "../resp/writer";
import { ByteBuf, Lit } from "../util/mem";
import { headerValue, headerEnd } from "../resp/frame";
import { formatI64, parseI64, parsedI64 } from "../util/int";
import { randomBelow } from "../util/random";
import { lookup, deleteEntry, db, isExpired } from "../store/keyspace";
import { entryKey, entryKeyLen } from "../store/entry";
import { encodeValue, decodeValueInto } from "../store/value-codec";
import { parseCursor, scanCursor } from "./keys-scan";

function withParent(op: Op, parent: Op | null, holder: u32): void {
  op.parent = parent;
  op.holder = holder;
}

/** Sends `<name> <the keys (and values) of this command on shard s>` to each shard that has some. */
function fanOutByKey(op: GatherOp, first: i32, step: i32, width: i32): void {
  const last = argc - 1;
  for (let s: u32 = 0; s < shardCount; s++) {
    let any = false;
    for (let k = first; k <= last; k += step) {
      if (keyShard(argPtr(k), argLen(k)) != s) continue;
      if (!any) { reqBegin(s); reqArg(argPtr(0), argLen(0)); any = true; }
      for (let w = 0; w < width; w++) reqArg(argPtr(k + w), argLen(k + w));
    }
    if (any) { op.expect(s); op.send(s); }
  }
}

/** The shards the command's keys live on (positions first, first+step, …). */
function keyShards(first: i32, step: i32): Array<u32> {
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = first; k < argc; k += step) marks[keyShard(argPtr(k), argLen(k))] = true;
  return shardList(marks);
}

function allShards(): Array<u32> {
  const out = new Array<u32>();
  for (let s: u32 = 0; s < shardCount; s++) out.push(s);
  return out;
}

/** Runs `fanOut` under the locks of `shards` (at once inside EXEC, which holds them already). */
function atomically(c: Conn, parent: Op | null, holder: u32, shards: Array<u32>, fanOut: FanOut): Op | null {
  if (holder != 0) return fanOut(c, parent, holder);
  const op = new AtomicOp(c, shards, fanOut);
  op.parent = parent;
  op.start();
  return op;
}

function startMget(c: Conn, parent: Op | null, holder: u32): Op | null {
  return atomically(c, parent, holder, keyShards(1, 1), fanOutMget);
}

function fanOutMget(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new MgetOp(c);
  withParent(op, parent, holder);
  for (let k = 1; k < argc; k++) op.keyShards.push(keyShard(argPtr(k), argLen(k)));
  fanOutByKey(op, 1, 1, 1);
  return op;
}

function startSum(c: Conn, parent: Op | null, holder: u32): Op | null {
  return atomically(c, parent, holder, keyShards(1, 1), fanOutSum);
}

function fanOutSum(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new SumOp(c);
  withParent(op, parent, holder);
  fanOutByKey(op, 1, 1, 1);
  return op;
}

function startMset(c: Conn, parent: Op | null, holder: u32): Op | null {
  if ((argc & 1) == 0) { replyErrorLit(MSET_ARITY); return null; }
  return atomically(c, parent, holder, keyShards(1, 2), fanOutMset);
}

function fanOutMset(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new AllOkOp(c);
  withParent(op, parent, holder);
  fanOutByKey(op, 1, 2, 2);
  return op;
}

function startMsetnx(c: Conn, parent: Op | null, holder: u32): Op | null {
  if ((argc & 1) == 0) { replyErrorLit(MSETNX_ARITY); return null; }
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let k = 1; k < argc; k += 2) marks[keyShard(argPtr(k), argLen(k))] = true;
  const shards = shardList(marks);
  const op = new MsetnxOp(c, shards, holder);
  op.parent = parent;
  for (let i = 0; i < shards.length; i++) {
    for (let k = 1; k < argc; k += 2) {
      if (keyShard(argPtr(k), argLen(k)) == shards[i]) op.addPair(i, argPtr(k), argLen(k), argPtr(k + 1), argLen(k + 1));
    }
  }
  op.start();
  return op;
}

function startRenameGeneric(c: Conn, parent: Op | null, holder: u32, nx: bool): Op | null {
  const s1 = keyShard(argPtr(1), argLen(1));
  const s2 = keyShard(argPtr(2), argLen(2));
  const op = new RenameOp(c, shardsOfArgs(1, 2), holder, argPtr(1), argLen(1), s1, argPtr(2), argLen(2), s2, nx);
  op.parent = parent;
  op.start();
  return op;
}

function startRename(c: Conn, parent: Op | null, holder: u32): Op | null { return startRenameGeneric(c, parent, holder, false); }
function startRenamenx(c: Conn, parent: Op | null, holder: u32): Op | null { return startRenameGeneric(c, parent, holder, true); }

/** The same command on every shard. */
function everyShard(op: GatherOp): Op {
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    reqWholeArgv();
    op.expect(s);
    op.send(s);
  }
  return op;
}

function startEverySum(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new SumOp(c); withParent(op, parent, holder); return everyShard(op);
}
function startEveryOk(c: Conn, parent: Op | null, holder: u32): Op | null {
  return atomically(c, parent, holder, allShards(), fanOutEveryOk);
}
function fanOutEveryOk(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new AllOkOp(c); withParent(op, parent, holder); return everyShard(op);
}
function startEveryConcat(c: Conn, parent: Op | null, holder: u32): Op | null {
  return atomically(c, parent, holder, allShards(), fanOutEveryConcat);
}
function fanOutEveryConcat(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new ConcatArrayOp(c); withParent(op, parent, holder); return everyShard(op);
}

// ---- RANDOMKEY: every shard offers its size and a random key; one is picked, weighted by size ----

class RandomKeyOp extends GatherOp {
  combine(): void {
    let total: i64 = 0;
    for (let i = 0; i < this.parts.length; i++) total += sizeOf(this.parts[i]!);
    if (total > 0) {
      let r = <i64>randomBelow(<u32>min<i64>(total, u32.MAX_VALUE));
      for (let i = 0; i < this.parts.length; i++) {
        const p = this.parts[i]!;
        const size = sizeOf(p);
        if (r < size && this.pick(p)) return;
        r -= size;
      }
      for (let i = 0; i < this.parts.length; i++) if (this.pick(this.parts[i]!)) return;
    }
    const nil = this.resp3 ? NULL3 : NULL_BULK;
    this.finish(nil.ptr, nil.len);
  }

  private pick(p: ByteBuf): bool {
    const keyAt = headerEnd(p.ptr, headerEnd(p.ptr, 0));
    if (load<u8>(p.ptr + keyAt + 1) == 0x2d) return false; // $-1
    this.finish(p.ptr + keyAt, p.len - keyAt);
    return true;
  }
}

function sizeOf(p: ByteBuf): i64 { return headerValue(p.ptr, headerEnd(p.ptr, 0)); }

function startRandomKey(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new RandomKeyOp(c);
  withParent(op, parent, holder);
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    reqArg(RANDOMKEY_INTERNAL.ptr, RANDOMKEY_INTERNAL.len);
    op.expect(s);
    op.send(s);
  }
  return op;
}

/** `\0randomkey` → [size, a random live key or $-1], always RESP2-shaped for the origin to read. */
function internalRandomKey(c: Conn): void {
  const out = new ByteBuf();
  putHeader(out, 0x2a, 2);
  putHeader(out, 0x3a, db.size);
  let found: usize = 0;
  for (let tries = 0; tries < 100 && db.size > 0; tries++) {
    const e = db.random();
    if (!isExpired(e)) { found = e; break; }
    deleteEntry(e);
  }
  if (found == 0) out.append(NULL_BULK.ptr, NULL_BULK.len);
  else { putHeader(out, 0x24, entryKeyLen(found)); out.append(entryKey(found), entryKeyLen(found)); out.append(CRLF.ptr, 2); }
  writeRaw(out.ptr, out.len);
  out.release();
}

// ---- SCAN: the cursor says which shard and where in it ----
// cursor = inner * n + shard. One call scans the cursor's shard and, while it has found fewer keys than
// COUNT, goes on into the next shards from their start — so a small keyspace comes back whole in one
// call with cursor 0, as from one Redis.

class ScanOp extends Op {
  shard: u32 = 0;
  count: i64 = 10;
  readonly argv: ByteBuf = new ByteBuf();
  readonly keys: ByteBuf = new ByteBuf();
  found: i64 = 0;

  /** Asks shard `shard` for `SCAN inner <the client's options>`. */
  ask(shard: u32, inner: u64): void {
    this.shard = shard;
    argvLoad(this.argv);
    const text = new ByteBuf();
    text.reserve(24);
    text.len = formatU64(text.ptr, inner);
    reqBegin(shard);
    reqArg(argPtr(0), argLen(0));
    reqArg(text.ptr, text.len);
    for (let i = 2; i < argc; i++) reqArg(argPtr(i), argLen(i));
    this.send(shard);
    text.release();
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (load<u8>(ptr) == 0x2d) { this.end(); this.finish(ptr, len); return; }
    const cursorAt = headerEnd(ptr, 0);
    const cursorLen = <u32>headerValue(ptr, cursorAt);
    const digits = headerEnd(ptr, cursorAt);
    parseI64(ptr + digits, cursorLen);
    const inner = <u64>parsedI64;
    const arrayAt = digits + cursorLen + 2;
    this.found += headerValue(ptr, arrayAt);
    const body = headerEnd(ptr, arrayAt);
    this.keys.append(ptr + body, len - body);
    if (inner == 0 && this.shard + 1 < shardCount && this.found < this.count) {
      this.ask(this.shard + 1, 0);
      return;
    }
    let next: u64 = 0;
    if (inner != 0) next = inner * <u64>shardCount + this.shard;
    else if (this.shard + 1 < shardCount) next = <u64>(this.shard + 1);
    this.reply(next);
  }

  private reply(next: u64): void {
    const text = new ByteBuf();
    text.reserve(24);
    text.len = formatU64(text.ptr, next);
    const out = new ByteBuf();
    putHeader(out, 0x2a, 2);
    putHeader(out, 0x24, text.len);
    out.append(text.ptr, text.len);
    out.append(CRLF.ptr, 2);
    putHeader(out, 0x2a, this.found);
    out.append(this.keys.ptr, this.keys.len);
    text.release();
    this.end();
    this.finishWith(out);
  }

  private end(): void {
    this.argv.release();
    this.keys.release();
  }
}

function formatU64(buf: usize, v: u64): u32 {
  if (v <= <u64>i64.MAX_VALUE) return formatI64(buf, <i64>v);
  const high = v / 10;
  const n = formatI64(buf, <i64>high);
  store<u8>(buf + n, <u8>(0x30 + v % 10));
  return n + 1;
}

/** SCAN's COUNT option, or 10; a bad COUNT is left for the shard to refuse with Redis's error. */
function scanCountOption(): i64 {
  let count: i64 = 10;
  for (let i = 2; i + 1 < argc; i += 2) {
    if (argIs(i, COUNT) && parseI64(argPtr(i + 1), argLen(i + 1))) count = parsedI64;
  }
  return count;
}

function startScan(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (!parseCursor(1)) { replyErrorLit(ERR_INVALID_CURSOR); return null; }
  const op = new ScanOp(c);
  withParent(op, parent, holder);
  op.count = scanCountOption();
  argvSave(op.argv);
  op.ask(<u32>(scanCursor % <u64>shardCount), scanCursor / <u64>shardCount);
  return op;
}

// ---- moving a key between shards ----

/** `\0take key` → the encoded value (RESP2 bulk) and the key is gone; `$-1` when missing. */
function internalTake(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0) { writeRaw(NULL_BULK.ptr, NULL_BULK.len); return; }
  const out = new ByteBuf();
  encodeValue(e, out);
  deleteEntry(e);
  const framed = new ByteBuf();
  putHeader(framed, 0x24, out.len);
  framed.append(out.ptr, out.len);
  framed.append(CRLF.ptr, 2);
  writeRaw(framed.ptr, framed.len);
  out.release();
  framed.release();
}

/** `\0put key payload` → replaces key with the encoded value. */
function internalPut(c: Conn): void {
  decodeValueInto(argPtr(1), argLen(1), argPtr(2), argLen(2));
  writeRaw(OK.ptr, OK.len);
}

function attach(name: string, starter: (c: Conn, parent: Op | null, holder: u32) => Op | null,
                every: bool, barrier: bool): void {
  const lit = new Lit(name);
  const cmd = lookupCommand(lit.ptr, lit.len);
  if (cmd != null) crossShard(cmd, starter, every, barrier);
}

export function registerCrossShard(): void {
  attach("mget", startMget, false, false);
  attach("mset", startMset, false, false);
  attach("msetnx", startMsetnx, false, true);
  attach("del", startSum, false, false);
  attach("unlink", startSum, false, false);
  attach("exists", startSum, false, false);
  attach("touch", startSum, false, false);
  attach("rename", startRename, false, true);
  attach("renamenx", startRenamenx, false, true);
  attach("dbsize", startEverySum, true, false);
  attach("flushall", startEveryOk, true, false);
  attach("flushdb", startEveryOk, true, false);
  attach("keys", startEveryConcat, true, false);
  attach("randomkey", startRandomKey, true, false);
  attach("scan", startScan, true, false);
  defineInternal("\0take", internalTake);
  defineInternal("\0put", internalPut);
  defineInternal("\0randomkey", internalRandomKey);
}

const RANDOMKEY_INTERNAL = new Lit("\0randomkey");
const MSET_ARITY = new Lit("ERR wrong number of arguments for 'mset' command");
const MSETNX_ARITY = new Lit("ERR wrong number of arguments for 'msetnx' command");
const ERR_INVALID_CURSOR = new Lit("ERR invalid cursor");
const NULL_BULK = new Lit("$-1\r\n");
const NULL3 = new Lit("_\r\n");
const OK = new Lit("+OK\r\n");
const CRLF = new Lit("\r\n");
const COUNT = new Lit("count");
