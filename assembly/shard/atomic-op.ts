// Makes a multi-shard command atomic, as it is on one Redis: MSET's keys are set all at once, an MGET
// sees one moment, a FLUSHALL leaves no shard untouched while another is being read. The op copies the
// command, takes the involved shards' locks (ascending, shard/lock.ts), then starts the command's
// ordinary fan-out under its lock and unlocks when the answer is in. Inside EXEC the transaction already
// holds the locks, so the fan-out starts at once.
import { Conn } from "./conn";
import { Op } from "./ops";
import { LockingOp } from "./locking-op";
import { ByteBuf } from "../util/mem";
import { argvSave, argvLoad } from "./args";

export type FanOut = (c: Conn, parent: Op | null, holder: u32) => Op | null;

export class AtomicOp extends LockingOp {
  private readonly client: Conn;
  private readonly argv: ByteBuf = new ByteBuf();
  private readonly fanOut: FanOut;

  constructor(c: Conn, shards: Array<u32>, fanOut: FanOut) {
    super(c, shards, 0);
    this.client = c;
    this.fanOut = fanOut;
    argvSave(this.argv);
  }

  run(): void {
    argvLoad(this.argv);
    const child = this.fanOut(this.client, this, this.holder);
    if (child == null) this.done(0, 0);
  }

  onChildDone(child: Op, ptr: usize, len: u32): void {
    this.argv.release();
    this.done(ptr, len);
  }
}
