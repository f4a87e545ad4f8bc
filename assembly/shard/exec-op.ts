// EXEC across shards (see docs/runtime.md, "Transactions"):
//   1. lock  — take the lock of every involved shard, one at a time, in ascending shard order (LOCK,
//              wait for LOCKED, next). Ordered locking means two transactions never wait in a cycle.
//   2. check — with every lock held, the connection's WATCH verdict is final: DIRTY messages travel the
//              same FIFO rings as LOCKED and so have already arrived. A dirty watch answers null; a
//              client that closed meanwhile (its watches forgotten) gets nothing run.
//   3. run   — the queued commands one after the other, each as a child op running under this lock
//              (its requests carry the holder id, so locked shards accept them and nobody else's).
//   4. unlock — UNLOCK every shard; the reply is the array of the commands' replies.
// The op runs to the end even if the client disconnects, so no lock is ever left behind.
import { Conn } from "./conn";
import { Op } from "./ops";
import { LockingOp } from "./locking-op";
import { startRemote, keysPlace, KEYS_NONE } from "./route";
import { pushCapture, popCapture, replyTarget } from "../resp/writer";
import { ByteBuf, Lit } from "../util/mem";
import { putHeader } from "./gather";
import { loadArgv, currentCommand, unwatchAll } from "../commands/multi";

export class ExecOp extends LockingOp {
  private readonly client: Conn;
  private readonly queued: Array<ByteBuf>;
  private next: i32 = 0;
  private readonly replies: ByteBuf = new ByteBuf();
  private readonly scratch: ByteBuf = new ByteBuf();

  constructor(c: Conn, queued: Array<ByteBuf>, shards: Array<u32>) {
    super(c, shards, 0);
    this.client = c;
    this.queued = queued;
  }

  run(): void {
    // The client left while the locks were being taken: its watches are gone with it, so nothing may run
    // (on one Redis, a client that closed before EXEC ran never gets its EXEC run at all).
    if (!this.client.open) {
      this.end(EMPTY);
      return;
    }
    if (this.client.watchDirty) {
      unwatchAll(this.client);
      this.end(this.resp3 ? NULL3 : NULL_ARRAY);
      return;
    }
    unwatchAll(this.client);
    this.runNext();
  }

  private runNext(): void {
    while (this.next < this.queued.length) {
      loadArgv(this.queued[this.next]);
      const cmd = currentCommand();
      cmd.calls++;
      this.scratch.len = 0;
      pushCapture(this.scratch);
      replyTarget(this.connId, this.resp3);
      // A command with no keys (PING, ECHO, CLIENT …) touches no shard: it runs right here. (Sent as a
      // request to this shard it could wait behind another holder's lock that this one never took.)
      if (cmd.originOnly || (!cmd.everyShard && keysPlace(cmd) == KEYS_NONE)) {
        cmd.handler(this.client);
        popCapture();
        this.collect(this.scratch.ptr, this.scratch.len);
        continue;
      }
      const child = startRemote(this.client, cmd, this, this.holder);
      popCapture();
      if (child == null) {
        this.collect(this.scratch.ptr, this.scratch.len);
        continue;
      }
      return; // onChildDone continues
    }
    this.finishExec();
  }

  onChildDone(child: Op, ptr: usize, len: u32): void {
    this.collect(ptr, len);
    this.runNext();
  }

  private collect(ptr: usize, len: u32): void {
    this.replies.append(ptr, len);
    this.next++;
  }

  private finishExec(): void {
    const out = new ByteBuf();
    putHeader(out, 0x2a, this.queued.length);
    out.append(this.replies.ptr, this.replies.len);
    this.release();
    this.done(out.ptr, out.len);
    out.release();
  }

  private end(reply: Lit): void {
    this.release();
    this.done(reply.ptr, reply.len);
  }

  private release(): void {
    for (let i = 0; i < this.queued.length; i++) this.queued[i].release();
    this.replies.release();
    this.scratch.release();
  }
}

const NULL_ARRAY = new Lit("*-1\r\n");
const EMPTY = new Lit("");
const NULL3 = new Lit("_\r\n");
