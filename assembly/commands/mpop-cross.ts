// LMPOP / ZMPOP (numkeys key … end [COUNT n]) whose keys live on several shards: with every involved
// shard locked, each key's shard is asked `<CMD> 1 key end COUNT n` in argument order, and the first
// answer that is not a null array (the elements, or WRONGTYPE) is the reply — exactly the key Redis would
// have popped from, since nothing else runs on those shards meanwhile.
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { LockingOp } from "../shard/locking-op";
import { reqBegin, reqArg } from "../shard/messages";
import { keyShard } from "../shard/placement";
import { headerValue } from "../resp/frame";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { formatI64 } from "../util/int";

export class MpopOp extends LockingOp {
  /** The keys in argument order (arguments 2 …), and each one's shard. */
  private readonly keys: Array<ByteBuf> = new Array<ByteBuf>();
  private readonly keyShards: Array<u32> = new Array<u32>();
  private readonly count: ByteBuf = new ByteBuf();
  private next: i32 = 0;

  constructor(c: Conn, shards: Array<u32>, holder: u32, private readonly command: Lit, private readonly end: Lit,
              numkeys: i32, count: i64) {
    super(c, shards, holder);
    for (let k = 2; k < 2 + numkeys; k++) {
      this.keys.push(bufferOf(argPtr(k), argLen(k)));
      this.keyShards.push(keyShard(argPtr(k), argLen(k)));
    }
    this.count.reserve(24);
    this.count.len = formatI64(this.count.ptr, count);
  }

  run(): void { this.tryNext(); }

  private tryNext(): void {
    if (this.next >= this.keys.length) {
      const nil = this.resp3 ? NULL3 : NULL_ARRAY;
      this.finishMpop(nil.ptr, nil.len);
      return;
    }
    const key = this.keys[this.next];
    reqBegin(this.keyShards[this.next]);
    reqArg(this.command.ptr, this.command.len);
    reqArg(ONE.ptr, 1);
    reqArg(key.ptr, key.len);
    reqArg(this.end.ptr, this.end.len);
    reqArg(COUNT.ptr, COUNT.len);
    reqArg(this.count.ptr, this.count.len);
    this.send(<u32>this.next);
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    const isNull = load<u8>(ptr) == 0x5f || (load<u8>(ptr) == 0x2a && headerValue(ptr, 0) < 0);
    if (!isNull) { this.finishMpop(ptr, len); return; }
    this.next++;
    this.tryNext();
  }

  private finishMpop(ptr: usize, len: u32): void {
    this.done(ptr, len);
    for (let i = 0; i < this.keys.length; i++) this.keys[i].release();
    this.count.release();
  }
}

const ONE = new Lit("1");
const COUNT = new Lit("count");
const NULL_ARRAY = new Lit("*-1\r\n");
const NULL3 = new Lit("_\r\n");
