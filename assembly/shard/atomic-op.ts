// Makes a multi-shard command atomic, as it is on one Redis: MSET's keys are set all at once, an MGET
// sees one moment, a FLUSHALL leaves no shard untouched while another is being read. The op copies the
// command, takes the involved shards' locks (ascending, shard/lock.ts), then starts the command's
// ordinary fan-out under its lock and unlocks when the answer is in. Inside EXEC the transaction already
// holds the locks, so the fan-out starts at once.
import { Conn } from "./conn";
import { Op } from "./ops";
import { LockingOp } from "./locking-op";
import { ByteBuf } from "../util/mem";
import { argc, argPtr, argLen, argsReset, argsPush } from "./args";

export type FanOut = (c: Conn, parent: Op | null, holder: u32) => Op | null;

export class AtomicOp extends LockingOp {
  private readonly client: Conn;
  private readonly argv: ByteBuf = new ByteBuf();
  private readonly fanOut: FanOut;

  constructor(c: Conn, shards: Array<u32>, fanOut: FanOut) {
    super(c, shards, 0);
    this.client = c;
    this.fanOut = fanOut;
    for (let i = 0; i < argc; i++) {
      this.argv.reserve(4 + argLen(i));
      store<u32>(this.argv.ptr + this.argv.len, argLen(i));
      memory.copy(this.argv.ptr + this.argv.len + 4, argPtr(i), argLen(i));
      this.argv.len += 4 + argLen(i);
    }
  }

  run(): void {
    argsReset();
    let at: u32 = 0;
    while (at < this.argv.len) {
      const len = load<u32>(this.argv.ptr + at);
      argsPush(this.argv.ptr + at + 4, len);
      at += 4 + len;
    }
    const child = this.fanOut(this.client, this, this.holder);
    if (child == null) this.done(0, 0);
  }

  onChildDone(child: Op, ptr: usize, len: u32): void {
    this.argv.release();
    this.done(ptr, len);
  }
}
