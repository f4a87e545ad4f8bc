// What a blocking command asks for, parsed once at its origin: the kind of waiter, the keys in argument
// order (each with its shard), when it times out, what a serve takes, and how to ask another shard to
// try it now. Each blocking command family builds one (commands/lists-blocking.ts for lists).
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { formatI64 } from "../util/int";
import { keyShard } from "../shard/placement";
import { reqArg } from "../shard/messages";
import { KIND_STREAM } from "./kinds";

export class BlockSpec {
  readonly keys: Array<ByteBuf> = new Array<ByteBuf>();
  readonly keyShards: Array<u32> = new Array<u32>();
  /** What the waiter waits for on each key beyond "data" (a stream ID …); empty for lists. */
  readonly keyArgs: Array<ByteBuf> = new Array<ByteBuf>();
  /** A serve's arguments after the key (`pop L 1 1`), for a serve on the key's own shard. */
  readonly serveHow: Array<ByteBuf> = new Array<ByteBuf>();
  /** BLMOVE / BRPOPLPUSH: the destination list, its shard and end; null for pops. */
  dest: ByteBuf | null = null;
  destShard: u32 = 0;
  toHead: bool = false;
  fromHead: bool = true;
  /** When the wait ends without data, in Unix ms; 0 waits forever. */
  deadline: i64 = 0;
  /** The reply of a timeout: a null array (BLPOP, BLMPOP), else a null bulk (BLMOVE). */
  nullArray: bool = true;
  /** The command's arguments before its keys, and after them (rebuilding it for a subset of keys). */
  readonly prefix: Array<ByteBuf> = new Array<ByteBuf>();
  readonly suffix: Array<ByteBuf> = new Array<ByteBuf>();
  /** The key count goes between prefix and keys (BLMPOP's numkeys). */
  countBeforeKeys: bool = false;
  /** Keys on several shards are tried all at once and answered together (XREAD replies every stream
   *  with data, not the first): the try is the family's own gather op (block-op.ts onGatherTry). */
  gatherAll: bool = false;
  /** The command as sent (argv, `[len u32][bytes]…`), for a gathering try. */
  readonly argv: ByteBuf = new ByteBuf();

  constructor(readonly kind: u8) {}

  addKey(ptr: usize, len: u32): void {
    this.addKeyWith(ptr, len, 0, 0);
  }

  /** A key and what the waiter waits for there (a stream ID, `$` …). */
  addKeyWith(ptr: usize, len: u32, arg: usize, argLen: u32): void {
    this.keys.push(bufferOf(ptr, len));
    this.keyShards.push(keyShard(ptr, len));
    this.keyArgs.push(bufferOf(arg, argLen));
  }

  /** Adds one argument to what a serve asks for after the key. */
  how(text: Lit): void { this.serveHow.push(bufferOf(text.ptr, text.len)); }

  /** Whether the keys' shard may serve this waiter without asking its origin (a pop or a read, all keys
   *  on that shard): a serve that comes too late is given back (escrow) or harmless (a read). */
  direct(): bool {
    if (this.dest != null || this.gatherAll && this.kind != KIND_STREAM) return false;
    const first = this.keyShards[0];
    for (let i = 1; i < this.keyShards.length; i++) if (this.keyShards[i] != first) return false;
    return true;
  }

  /** Every shard involved (keys and destination) is `shard`. */
  allOn(shard: u32): bool {
    for (let i = 0; i < this.keyShards.length; i++) if (unchecked(this.keyShards[i]) != shard) return false;
    return this.dest == null || this.destShard == shard;
  }

  /** Appends (reqArg) the command rebuilt for keys [from, to). */
  reqCommand(from: i32, to: i32): void {
    for (let i = 0; i < this.prefix.length; i++) reqBuf(unchecked(this.prefix[i]));
    if (this.countBeforeKeys) {
      countText.len = 0;
      countText.reserve(24);
      countText.len = formatI64(countText.ptr, to - from);
      reqBuf(countText);
    }
    for (let i = from; i < to; i++) reqBuf(unchecked(this.keys[i]));
    for (let i = 0; i < this.suffix.length; i++) reqBuf(unchecked(this.suffix[i]));
  }

  release(): void {
    releaseAll(this.keys);
    releaseAll(this.keyArgs);
    releaseAll(this.prefix);
    releaseAll(this.suffix);
    releaseAll(this.serveHow);
    this.argv.release();
    const d = this.dest;
    if (d != null) d.release();
  }
}

const countText = new ByteBuf();

function reqBuf(b: ByteBuf): void { reqArg(b.ptr, b.len); }

function releaseAll(list: Array<ByteBuf>): void {
  for (let i = 0; i < list.length; i++) unchecked(list[i]).release();
}
