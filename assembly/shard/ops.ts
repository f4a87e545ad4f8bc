// Operations in flight at the origin shard: a command (or one step of a transaction) that waits for
// answers from other shards. An op sends REQ messages tagged with its id and a part number; REP
// messages come back to `onReply`. When it has its answer it `finish`es: into the connection's reply
// slot (shard/replies.ts), or into its parent op (a command inside EXEC). An op outlives its
// connection: if the client went away the answer is dropped, but the op still runs to its end so that
// locks it holds are released and nothing is half done.
import { Conn } from "./conn";
import { ReplySlot, completeSlot } from "./replies";
import { reqSend, MF_RESP3, MF_LOCKED } from "./messages";
import { ByteBuf } from "../util/mem";

/**
 * Ops in flight, by id. An id is reused once its op finished: every message that names an op (REP,
 * LOCKED) arrives before the op can finish, so no late message can reach the next op with that id.
 */
const table = new Array<Op | null>();
const freeIds = new Array<u32>();

export function opById(id: u32): Op | null {
  return id > 0 && <i32>id <= table.length ? unchecked(table[id - 1]) : null;
}

function takeId(op: Op): u32 {
  if (freeIds.length > 0) {
    const id = freeIds.pop();
    unchecked(table[id - 1] = op);
    return id;
  }
  table.push(op);
  return <u32>table.length;
}

function releaseId(id: u32): void {
  unchecked(table[id - 1] = null);
  freeIds.push(id);
}

export class Op {
  // Set once per life: by the constructor, or by `reuseFor` for an op kept in a pool.
  id: u32;
  connId: u32;
  /** The connection the reply goes to (its `open` says whether it is still there). */
  conn: Conn;
  resp3: bool;
  /** The transaction lock this op runs under (a top-level op's own id when it locks), or 0. */
  holder: u32 = 0;
  slot: ReplySlot | null = null;
  parent: Op | null = null;
  finished: bool = false;
  /** The connection's next command must wait for this op (it waits for locks before it acts). */
  barrier: bool = false;
  /** Ask the targets for RESP2 replies whatever the client speaks (the origin reshapes them). */
  plainReplies: bool = false;

  constructor(c: Conn) {
    this.id = 0;
    this.connId = c.id;
    this.conn = c;
    this.resp3 = c.resp3;
    this.id = takeId(this);
  }

  /** Starts a finished op's next life, for connection `c` (a pool's; subclasses reset their own fields). */
  reuseFor(c: Conn): void {
    this.connId = c.id;
    this.conn = c;
    this.resp3 = c.resp3;
    this.holder = 0;
    this.slot = null;
    this.parent = null;
    this.finished = false;
    this.barrier = false;
    this.plainReplies = false;
    this.id = takeId(this);
  }

  /** Sends the REQ built with reqBegin/reqArg as part `part` of this op. */
  send(part: u32): void {
    let flags: u8 = this.resp3 && !this.plainReplies ? MF_RESP3 : 0;
    if (this.holder != 0) flags |= MF_LOCKED;
    reqSend(flags, this.id, part, this.connId, this.holder);
  }

  /** An answer to part `part` arrived. */
  onReply(part: u32, ptr: usize, len: u32): void {}

  /** The lock of shard `shard` was granted to this op. */
  onLocked(shard: u32): void {}

  /** A child op (a command inside EXEC) finished with this reply. */
  onChildDone(child: Op, ptr: usize, len: u32): void {}

  finish(ptr: usize, len: u32): void {
    if (this.finished) return;
    this.finished = true;
    releaseId(this.id);
    const parent = this.parent;
    if (parent != null) { parent.onChildDone(this, ptr, len); return; }
    const slot = this.slot;
    if (slot == null || !this.conn.open) return;
    completeSlot(this.conn, slot, ptr, len);
  }

  finishWith(buf: ByteBuf): void {
    this.finish(buf.ptr, buf.len);
    buf.release();
  }
}
