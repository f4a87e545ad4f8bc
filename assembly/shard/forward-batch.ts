// Forwarding in batches, the origin's side: the commands of one connection that go whole to the same
// other shard during one run of its pipeline (one socket read) travel as ONE request — one REQ message
// carrying k argvs, one op, one REP carrying the k replies — instead of k of each. On a pipeline of
// random keys over 2 shards this is what makes a forwarded command cheap (bench/RESULTS.md).
//
// Protocol (docs/runtime.md, "Forwarding in batches"):
//   1. dispatch.ts asks `forwardsInBatch(cmd)`; a plain forwarded command (not a barrier, not blocking,
//      not connection state) is added to the pending batch for its target with `forwardInBatch`: it
//      takes its own reply slot now, in pipeline order, so commands for other shards and local replies
//      interleave correctly; the argv is appended to the batch's body with the command's table index
//      (the target runs it without looking the name up again).
//   2. Before anything that must not overtake a pending batch, `flushForwards()` sends every pending
//      batch: before any command that does not simply run here (fan-outs, barriers, blocking commands,
//      MULTI/EXEC/WATCH, pub/sub), and at the end of every run of a connection's pipeline. Sending early
//      is always correct; holding a batch back is only ever an optimisation.
//   3. The target runs the commands in a row, in order, and answers one REP: [len u32][reply] per command
//      (shard/inbox.ts, execBatch).
//   4. Here each reply goes into its command's slot, then the connection's queue is flushed once.
// A batch belongs to one connection and one protocol version: a command of another connection, or after
// HELLO switched RESP version, sends the pending batch first. Commands inside EXEC never batch (they run
// under the transaction's locks as ForwardOps, shard/exec-op.ts).
// Invariant: no batch is pending between two calls from the host — every run of a pipeline ends by
// sending its batches — so a connection closed by the host never leaves one behind.
import { Conn } from "./conn";
import { Op } from "./ops";
import { ReplySlot, openSlot, fillSlot, flushSlots } from "./replies";
import { sendBody, M_REQ, MF_RESP3, MF_BATCH } from "./messages";
import { argc, argPtr, argLen } from "./args";
import { shardCount } from "./server-info";
import { Command, F_BLOCKING } from "../commands/table";
import { ByteBuf } from "../util/mem";

/** A batch is sent once its body reaches this size, and a new one started (keeps messages moderate). */
const MAX_BATCH_BYTES: u32 = 32768;
/** Answered batches kept for reuse, with their buffers: forwarding allocates nothing per batch. */
const MAX_SPARE_BATCHES = 256;

/** Several commands of one connection forwarded to one shard. Invariant: slots.length commands in body. */
export class ForwardBatchOp extends Op {
  target: u32;
  /** Each command's reply slot, in the order the commands were added. */
  readonly slots: Array<ReplySlot> = new Array<ReplySlot>();
  /** The REQ body after its count: per command [table index u32][argc u32]([len u32][bytes])*. */
  readonly body: ByteBuf = new ByteBuf();

  constructor(c: Conn, target: u32) {
    super(c);
    this.target = target;
  }

  /** Appends the command being dispatched (its argv) and opens its reply slot. */
  add(cmd: Command): void {
    let size: u32 = 8;
    for (let i = 0; i < argc; i++) size += 4 + argLen(i);
    const body = this.body;
    body.reserve(size);
    let w = body.ptr + body.len;
    store<u32>(w, cmd.index);
    store<u32>(w, <u32>argc, 4);
    w += 8;
    for (let i = 0; i < argc; i++) {
      const len = argLen(i);
      store<u32>(w, len);
      memory.copy(w + 4, argPtr(i), len);
      w += 4 + len;
    }
    body.len += size;
    this.slots.push(openSlot(this.conn, false));
  }

  /** Sends the batch as one REQ. */
  sendBatch(): void {
    const flags: u8 = MF_BATCH | (this.resp3 ? MF_RESP3 : 0);
    const body = this.body;
    sendBody(this.target, M_REQ, flags, this.id, 0, this.connId, true, <u32>this.slots.length,
             body.ptr, body.len);
    body.len = 0;
    if (body.cap > MAX_BATCH_BYTES) body.release();
  }

  /** The REP: each command's reply into its slot, in order; then the connection flushes what it can. */
  onReply(part: u32, ptr: usize, len: u32): void {
    this.finish(0, 0); // no slot of its own: this only retires the op
    const c = this.conn;
    if (c.open) {
      const slots = this.slots;
      let at = ptr;
      for (let i = 0, n = slots.length; i < n; i++) {
        const size = load<u32>(at);
        fillSlot(unchecked(slots[i]), at + 4, size);
        at += 4 + size;
      }
      flushSlots(c);
    }
    recycle(this);
  }
}

const spare = new Array<ForwardBatchOp>();

function takeBatch(c: Conn, target: u32): ForwardBatchOp {
  if (spare.length == 0) return new ForwardBatchOp(c, target);
  const op = spare.pop();
  op.reuseFor(c);
  op.target = target;
  return op;
}

function recycle(op: ForwardBatchOp): void {
  op.slots.length = 0;
  if (spare.length < MAX_SPARE_BATCHES) spare.push(op);
  else op.body.release();
}

/** The batch being filled for each target shard, or null; `pendingCount` of them are non-null. */
const pending = new Array<ForwardBatchOp | null>();
let pendingCount: i32 = 0;

/** True when `cmd`, whose keys all live on one other shard, may travel in a batch. */
export function forwardsInBatch(cmd: Command): bool {
  return !cmd.barrier && !cmd.originOnly && !cmd.everyShard && (cmd.flags & F_BLOCKING) == 0;
}

/** Adds the command being dispatched for `c` to the batch for shard `target` (step 1). */
export function forwardInBatch(c: Conn, cmd: Command, target: u32): void {
  if (pending.length == 0) pending.length = <i32>shardCount;
  let op = unchecked(pending[<i32>target]);
  if (op != null && (op.conn !== c || op.resp3 != c.resp3)) {
    send(target, op);
    op = null;
  }
  if (op == null) {
    op = takeBatch(c, target);
    unchecked(pending[<i32>target] = op);
    pendingCount++;
  }
  op.add(cmd);
  if (op.body.len >= MAX_BATCH_BYTES) send(target, op);
}

/** Sends every pending batch (step 2). */
export function flushForwards(): void {
  if (pendingCount == 0) return;
  for (let t = 0, n = pending.length; t < n; t++) {
    const op = unchecked(pending[t]);
    if (op != null) send(<u32>t, op);
  }
}

function send(target: u32, op: ForwardBatchOp): void {
  unchecked(pending[<i32>target] = null);
  pendingCount--;
  op.sendBatch();
}
