// Cross-shard commands that must be atomic over several shards, as LockingOps:
//   MSETNX  — with every involved shard locked: EXISTS on each; if none exists, MSET on each.
//   RENAME / RENAMENX (source and destination on different shards) — with both locked: take the value
//             (with its TTL) off the source shard, put it on the destination. Nothing else runs on
//             either shard in between, so the value moves exactly once and no one sees it twice or
//             nowhere.
import { Conn } from "./conn";
import { LockingOp } from "./locking-op";
import { reqBegin, reqArg } from "./messages";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { headerValue, headerEnd } from "../resp/frame";

/** Per-shard argument lists, built by the starter, sent as parts numbered by shard. */
export class ShardArgs {
  readonly ptrs: Array<usize> = new Array<usize>();
  readonly lens: Array<u32> = new Array<u32>();
  add(ptr: usize, len: u32): void { this.ptrs.push(ptr); this.lens.push(len); }
}

export class MsetnxOp extends LockingOp {
  /** Owned copies of each shard's `k v k v …`, indexed like `shards`. */
  private readonly pairs: Array<Array<ByteBuf>> = new Array<Array<ByteBuf>>();
  private waiting: i32 = 0;
  private existing: i64 = 0;
  private phase: i32 = 0;

  constructor(c: Conn, shards: Array<u32>, holder: u32) { super(c, shards, holder); }

  addPair(shardSlot: i32, k: usize, kl: u32, v: usize, vl: u32): void {
    while (this.pairs.length <= shardSlot) this.pairs.push(new Array<ByteBuf>());
    this.pairs[shardSlot].push(bufferOf(k, kl));
    this.pairs[shardSlot].push(bufferOf(v, vl));
  }

  run(): void {
    this.phase = 0;
    this.waiting = this.shards.length;
    for (let i = 0; i < this.shards.length; i++) {
      reqBegin(this.shards[i]);
      reqArg(EXISTS.ptr, EXISTS.len);
      const list = this.pairs[i];
      for (let j = 0; j < list.length; j += 2) reqArg(list[j].ptr, list[j].len);
      this.send(<u32>i);
    }
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.phase == 0) {
      this.existing += headerValue(ptr, 0);
      if (--this.waiting > 0) return;
      if (this.existing > 0) { this.end(ZERO); return; }
      this.phase = 1;
      this.waiting = this.shards.length;
      for (let i = 0; i < this.shards.length; i++) {
        reqBegin(this.shards[i]);
        reqArg(MSET.ptr, MSET.len);
        const list = this.pairs[i];
        for (let j = 0; j < list.length; j++) reqArg(list[j].ptr, list[j].len);
        this.send(<u32>i);
      }
      return;
    }
    if (--this.waiting == 0) this.end(ONE);
  }

  private end(reply: Lit): void {
    for (let i = 0; i < this.pairs.length; i++) {
      const list = this.pairs[i];
      for (let j = 0; j < list.length; j++) list[j].release();
    }
    this.done(reply.ptr, reply.len);
  }
}

const STEP_CHECK_SOURCE: i32 = 0;
const STEP_CHECK_DEST: i32 = 1;
const STEP_TAKE: i32 = 2;
const STEP_PUT: i32 = 3;

export class RenameOp extends LockingOp {
  private readonly source: ByteBuf;
  private readonly dest: ByteBuf;
  private readonly sourceShard: u32;
  private readonly destShard: u32;
  private readonly nx: bool;
  private step: i32 = 0;

  constructor(c: Conn, shards: Array<u32>, holder: u32, src: usize, srcLen: u32, srcShard: u32,
              dst: usize, dstLen: u32, dstShard: u32, nx: bool) {
    super(c, shards, holder);
    this.source = bufferOf(src, srcLen);
    this.dest = bufferOf(dst, dstLen);
    this.sourceShard = srcShard;
    this.destShard = dstShard;
    this.nx = nx;
  }

  run(): void {
    if (this.nx) this.ask(STEP_CHECK_SOURCE, this.sourceShard, EXISTS, this.source, null);
    else this.ask(STEP_TAKE, this.sourceShard, TAKE, this.source, null);
  }

  private ask(step: i32, shard: u32, cmd: Lit, key: ByteBuf, payload: ByteBuf | null): void {
    this.step = step;
    reqBegin(shard);
    reqArg(cmd.ptr, cmd.len);
    reqArg(key.ptr, key.len);
    if (payload != null) reqArg(payload.ptr, payload.len);
    this.send(<u32>step);
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (this.step == STEP_CHECK_SOURCE) {
      if (headerValue(ptr, 0) == 0) { this.end(NO_SUCH_KEY); return; }
      this.ask(STEP_CHECK_DEST, this.destShard, EXISTS, this.dest, null);
    } else if (this.step == STEP_CHECK_DEST) {
      if (headerValue(ptr, 0) > 0) { this.end(ZERO); return; }
      this.ask(STEP_TAKE, this.sourceShard, TAKE, this.source, null);
    } else if (this.step == STEP_TAKE) {
      const size = headerValue(ptr, 0);
      if (size < 0) { this.end(NO_SUCH_KEY); return; }
      const payload = bufferOf(ptr + headerEnd(ptr, 0), <u32>size);
      this.ask(STEP_PUT, this.destShard, PUT, this.dest, payload);
      payload.release();
    } else {
      this.end(this.nx ? ONE : OK);
    }
  }

  private end(reply: Lit): void {
    this.source.release();
    this.dest.release();
    this.done(reply.ptr, reply.len);
  }
}

export const TAKE = new Lit("\0take");
export const PUT = new Lit("\0put");
const EXISTS = new Lit("exists");
const MSET = new Lit("mset");
const ZERO = new Lit(":0\r\n");
const ONE = new Lit(":1\r\n");
const OK = new Lit("+OK\r\n");
const NO_SUCH_KEY = new Lit("-ERR no such key\r\n");
