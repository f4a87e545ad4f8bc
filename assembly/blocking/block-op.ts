// The origin side of one blocking command (docs/blocking.md): the connection's own shard is the only
// arbiter of which ready key serves it. The op holds the connection's reply slot as a barrier, so
// commands pipelined behind it wait and answer after it.
//
//   trying   — is there data now? Keys all here: tried before this op exists. Keys all on one other
//              shard: one `\0btry` there tries and, if nothing, arms the waiter in the same step. Keys
//              spread over shards: their locks are taken (ascending), the keys tried in argument order,
//              and if nothing, ARM goes to every involved shard before UNLOCK. BLMOVE whose destination
//              lives elsewhere: `\0btry` on the source answers "present" and the move runs as LMOVE.
//   waiting  — armed; READY from a target starts a serve. Timeouts and CLIENT UNBLOCK end it here.
//   serving  — one SERVE at a time; READYs meanwhile wait their turn. An empty SERVED goes back to
//              waiting (or to the next ready key); data goes to the client, and DELIVERED releases the
//              target's escrow — or RESTORE gives it back if the connection went away meanwhile.
//   pushing  — BLMOVE across shards: the popped element is pushed on the destination before the reply;
//              a destination of another type answers WRONGTYPE and the element goes back (Redis 7.0).
// Whatever ends the op, every shard where it armed gets DISARM.
import { Conn } from "../shard/conn";
import { Op } from "../shard/ops";
import { LockingOp } from "../shard/locking-op";
import {
  reqBegin, reqArg, sendArgv, sendBody, sendSignal, M_ARM, M_SERVE, M_DELIVERED, M_RESTORE, M_DISARM,
  MF_SERVED_DATA, MF_RESP3,
} from "../shard/messages";
import { shardIndex, shardCount } from "../shard/server-info";
import { nowMs } from "../shard/clock";
import { argvLoad } from "../shard/args";
import { ByteBuf, Lit } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { BlockSpec } from "./block-spec";
import { armWaiter, serveDirectly } from "./waiters";
import { newSeq, registerBlocked, unregisterBlocked } from "./blocked";
import { traceKey } from "./trace";
import { ESCROWED } from "./start";

const ST_TRYING: u8 = 0;
const ST_WAITING: u8 = 1;
const ST_SERVING: u8 = 2;
const ST_PUSHING: u8 = 3;
const ST_DONE: u8 = 4;

const PART_TRY: u32 = 0;
const PART_PUSH: u32 = 1;

/** CLIENT UNBLOCK's two endings. */
export const UNBLOCK_TIMEOUT: u8 = 1;
export const UNBLOCK_ERROR: u8 = 2;

export class BlockOp extends LockingOp {
  readonly spec: BlockSpec;
  readonly seq: u32;
  /** False inside MULTI/EXEC: no data now answers like a timeout. */
  readonly mayBlock: bool;
  state: u8 = ST_TRYING;
  /** The connection counts as blocked (CLIENT LIST flag b, INFO blocked_clients, CLIENT UNBLOCK). */
  blocked: bool = false;
  private readonly armed: StaticArray<bool>;
  /** Keys (indexes) told READY while a serve was in flight: served next, in arrival order. */
  private readonly readyLater: Array<i32> = new Array<i32>();
  private servingKey: i32 = -1;
  private attempt: u32 = 0;
  private escrow: u32 = 0;
  private nextKey: i32 = 0;
  private spreading: bool = false;
  /** The lock-free try of the leading keys (trySpread) is out. */
  private prefixing: bool = false;
  private unblockPending: u8 = 0;
  /** The shard the last try went to (its escrow lives there). */
  private tryShard: u32 = 0;

  constructor(c: Conn, spec: BlockSpec, shards: Array<u32>, holder: u32, mayBlock: bool) {
    super(c, shards, holder);
    this.spec = spec;
    this.mayBlock = mayBlock;
    this.seq = newSeq();
    this.armed = new StaticArray<bool>(<i32>shardCount);
    this.plainReplies = false;
    registerBlocked(this);
  }

  /** The shards whose locks this op takes (a gathering try runs under them). */
  lockedShards(): Array<u32> { return this.shards; }

  // ---- trying ----

  /** Keys all here, tried already with nothing: wait on them. */
  waitHere(): void {
    const s = this.spec;
    const w = armWaiter(shardIndex, this.seq, this.connId, s.kind, s.keys, s.keyArgs);
    if (s.direct()) serveDirectly(w, s.serveHow, this.resp3);
    this.armed[shardIndex] = true;
    this.enterWaiting();
  }

  /** Keys all on one other shard: try there, arming in the same step. */
  tryOn(shard: u32): void {
    this.sendTry(shard, 0, this.spec.keys.length, this.mayBlock);
  }

  /**
   * Keys on several shards. First, without locks, the leading run of keys that live on the first key's
   * shard: those come first in argument order, so if one has data it is the answer, and one try on one
   * shard is atomic. Only if they are empty: lock every involved shard, then try key by key (run()).
   */
  trySpread(): void {
    const s = this.spec;
    if (s.gatherAll || this.holder != 0) { this.tryUnderLocks(); return; }
    const shard = s.keyShards[0];
    let to = 1;
    while (to < s.keys.length && s.keyShards[to] == shard) to++;
    this.prefixing = true;
    this.sendTry(shard, 0, to, false);
  }

  private tryUnderLocks(): void {
    this.spreading = true;
    this.start();
  }

  run(): void {
    if (this.spec.gatherAll) { gatherStarter(this); return; }
    this.nextKey = 0;
    this.tryNextRun();
  }

  private sendTry(shard: u32, from: i32, to: i32, arm: bool): void {
    this.tryShard = shard;
    reqBegin(shard);
    reqArg(BTRY.ptr, BTRY.len);
    reqArg(arm ? ONE.ptr : ZERO.ptr, 1);
    seqText.len = 0;
    seqText.reserve(12);
    store<u32>(seqText.ptr, this.seq);
    seqText.len = 4;
    reqArg(seqText.ptr, 4);
    this.spec.reqCommand(from, to);
    this.send(PART_TRY);
  }

  /** The next run of consecutive keys that live on one shard, tried there (under the locks). */
  private tryNextRun(): void {
    const s = this.spec;
    const n = s.keys.length;
    if (this.nextKey >= n) { this.nothingAnywhere(); return; }
    const from = this.nextKey;
    const shard = s.keyShards[from];
    let to = from + 1;
    while (to < n && s.keyShards[to] == shard) to++;
    this.nextKey = to;
    this.sendTry(shard, from, to, false);
  }

  /** Every key tried empty under the locks: arm everywhere before unlocking, or time out at once. */
  private nothingAnywhere(): void {
    if (!this.mayBlock) { this.unlock(); this.endTimeout(); return; }
    const s = this.spec;
    for (let shard: u32 = 0; shard < shardCount; shard++) {
      let any = false;
      for (let i = 0; i < s.keys.length; i++) {
        if (s.keyShards[i] != shard) continue;
        if (!any) { reqBegin(shard); reqArg(KIND_ARG[s.kind].ptr, 1); any = true; }
        reqArg(s.keys[i].ptr, s.keys[i].len);
        reqArg(s.keyArgs[i].ptr, s.keyArgs[i].len);
      }
      if (!any) continue;
      sendArgv(M_ARM, 0, this.seq, 0, this.connId);
      this.armed[shard] = true;
    }
    this.unlock();
    this.enterWaiting();
  }

  onReply(part: u32, ptr: usize, len: u32): void {
    if (part == PART_PUSH) { this.pushed(ptr, len); return; }
    if (this.prefixing) {
      this.prefixing = false;
      if (len == 0) { this.tryUnderLocks(); return; }
    }
    if (len == 0) {
      // Nothing there. Armed by that same step when it was asked to.
      if (this.spreading) { this.tryNextRun(); return; }
      if (!this.mayBlock) { this.endTimeout(); return; }
      this.armed[this.spec.keyShards[0]] = true;
      this.enterWaiting();
      return;
    }
    if (len == 1 && load<u8>(ptr) == 0) { this.moveNow(); return; }
    this.unlock();
    if (load<u8>(ptr) == ESCROWED) { this.triedWithEscrow(ptr, len); return; }
    this.end(ptr, len);
  }

  /** A try that popped for this client on its key's shard: the client has it, or it goes back. */
  private triedWithEscrow(ptr: usize, len: u32): void {
    const escrow = load<u32>(ptr, 1);
    const shard = this.tryShard;
    if (this.conn.open) {
      this.deliveredTo(shard, escrow);
      this.end(ptr + 5, len - 5);
    } else {
      this.giveBack(shard, escrow);
      this.end(0, 0);
    }
  }

  /** BLMOVE with data in its source and the destination elsewhere: exactly LMOVE. */
  private moveNow(): void {
    moveStarter(this);
  }

  /** A gathering try answered (empty: nothing anywhere), or the LMOVE child did: the element, WRONGTYPE —
   *  or null if the source emptied meanwhile. */
  onChildDone(child: Op, ptr: usize, len: u32): void {
    if (this.spec.gatherAll) {
      if (len == 0) { this.nothingAnywhere(); return; }
      this.unlock();
      this.end(ptr, len);
      return;
    }
    const isNull = len > 0 && (load<u8>(ptr) == 0x5f || (len >= 3 && load<u8>(ptr) == 0x24 && load<u8>(ptr, 1) == 0x2d));
    if (isNull) { this.tryOn(this.spec.keyShards[0]); return; }
    this.end(ptr, len);
  }

  // ---- waiting ----

  private enterWaiting(): void {
    this.state = ST_WAITING;
    this.blocked = true;
    traceKey("block", shardIndex, this.connId, this.seq, 0, 0, this.spec.deadline);
    if (!this.conn.open) this.end(0, 0);
  }

  /** READY for key `key` of shard `from`. */
  onReady(from: u32, key: usize, len: u32): void {
    const i = this.keyIndex(from, key, len);
    if (i < 0) return;
    if (this.state == ST_WAITING) this.serve(i);
    else if (this.state == ST_SERVING || this.state == ST_PUSHING) this.readyLater.push(i);
  }

  private keyIndex(from: u32, key: usize, len: u32): i32 {
    const s = this.spec;
    for (let i = 0; i < s.keys.length; i++) {
      const k = s.keys[i];
      if (s.keyShards[i] == from && bytesEqual(k.ptr, k.len, key, len)) return i;
    }
    return -1;
  }

  private keyOnShard(shard: u32): i32 {
    for (let i = 0; i < this.spec.keyShards.length; i++) if (this.spec.keyShards[i] == shard) return i;
    return 0;
  }

  private serve(i: i32): void {
    const s = this.spec;
    this.state = ST_SERVING;
    this.servingKey = i;
    this.attempt++;
    const shard = s.keyShards[i];
    reqBegin(shard);
    reqArg(s.keys[i].ptr, s.keys[i].len);
    const dest = s.dest;
    if (dest != null) {
      const from = s.fromHead ? LEFT : RIGHT;
      if (s.destShard == shard) {
        reqArg(MOVE.ptr, MOVE.len);
        reqArg(from.ptr, 1);
        reqArg(dest.ptr, dest.len);
        const to = s.toHead ? LEFT : RIGHT;
        reqArg(to.ptr, 1);
      } else {
        reqArg(MOVEPOP.ptr, MOVEPOP.len);
        reqArg(from.ptr, 1);
      }
    } else {
      for (let h = 0; h < s.serveHow.length; h++) reqArg(s.serveHow[h].ptr, s.serveHow[h].len);
    }
    traceKey("serve", shardIndex, this.connId, this.seq, s.keys[i].ptr, s.keys[i].len, this.attempt, shard);
    sendArgv(M_SERVE, this.resp3 ? MF_RESP3 : 0, this.seq, this.attempt, this.connId);
  }

  // ---- serving ----

  /** SERVED from shard `from`: `escrow` and the payload (a reply, or BLMOVE's bare element). Attempt 0 is
   *  a serve the keys' shard made without asking (Waiter.direct): taken if this command still waits,
   *  given back otherwise. */
  onServed(from: u32, attempt: u32, flags: u8, escrow: u32, ptr: usize, len: u32): void {
    if (attempt == 0) {
      if ((flags & MF_SERVED_DATA) == 0) return;
      if (this.state != ST_WAITING) { this.giveBack(from, escrow); return; }
      this.state = ST_SERVING;
      this.servingKey = this.keyOnShard(from);
    } else if (this.state != ST_SERVING || attempt != this.attempt) {
      return;
    }
    const shard = this.spec.keyShards[this.servingKey];
    if ((flags & MF_SERVED_DATA) == 0) { this.servedNothing(); return; }
    const dest = this.spec.dest;
    if (dest != null && this.spec.destShard != shard) {
      if (!this.conn.open) { this.giveBack(shard, escrow); this.end(0, 0); return; }
      this.pushElsewhere(escrow, ptr, len);
      return;
    }
    if (escrow != 0) {
      if (this.conn.open) this.deliveredTo(shard, escrow);
      else this.giveBack(shard, escrow);
    }
    this.end(ptr, len);
  }

  private servedNothing(): void {
    this.state = ST_WAITING;
    if (this.readyLater.length > 0) { this.serve(this.readyLater.shift()); return; }
    if (!this.conn.open) { this.end(0, 0); return; }
    if (this.unblockPending != 0) { this.endUnblocked(this.unblockPending); return; }
    this.checkTimeout(nowMs);
  }

  private pushElsewhere(escrow: u32, element: usize, len: u32): void {
    const s = this.spec;
    this.state = ST_PUSHING;
    this.escrow = escrow;
    reqBegin(s.destShard);
    reqArg(BPUSH.ptr, BPUSH.len);
    reqArg(s.dest!.ptr, s.dest!.len);
    const to = s.toHead ? LEFT : RIGHT;
    reqArg(to.ptr, 1);
    reqArg(element, len);
    this.send(PART_PUSH);
  }

  /** The destination answered: the element as a bulk reply, or WRONGTYPE. */
  private pushed(ptr: usize, len: u32): void {
    const shard = this.spec.keyShards[this.servingKey];
    if (len > 0 && load<u8>(ptr) == 0x2d) this.giveBack(shard, this.escrow);
    else this.deliveredTo(shard, this.escrow);
    this.end(ptr, len);
  }

  private deliveredTo(shard: u32, escrow: u32): void {
    traceKey("deliver", shardIndex, this.connId, this.seq, 0, 0, escrow, shard);
    sendBody(shard, M_DELIVERED, 0, this.seq, 0, this.connId, true, escrow, 0, 0);
  }

  private giveBack(shard: u32, escrow: u32): void {
    if (escrow == 0) return;
    traceKey("restore", shardIndex, this.connId, this.seq, 0, 0, escrow, shard);
    sendBody(shard, M_RESTORE, 0, this.seq, 0, this.connId, true, escrow, 0, 0);
  }

  // ---- endings ----

  /** The sweep: a waiting command past its deadline answers like Redis's timeout. */
  checkTimeout(now: i64): void {
    const d = this.spec.deadline;
    if (this.state == ST_WAITING && d > 0 && now >= d) {
      traceKey("timeout", shardIndex, this.connId, this.seq, 0, 0, d);
      this.endTimeout();
    }
  }

  /** The connection closed: a waiting command just ends; one being served ends when its serve does. */
  connGone(): void {
    if (this.state == ST_WAITING) this.end(0, 0);
  }

  /** CLIENT UNBLOCK: true when the connection was blocked here. */
  unblock(how: u8): bool {
    if (!this.blocked || this.state == ST_DONE) return false;
    if (this.state == ST_WAITING) this.endUnblocked(how);
    else this.unblockPending = how;
    return true;
  }

  private endUnblocked(how: u8): void {
    if (how == UNBLOCK_ERROR) {
      this.end(UNBLOCKED.ptr, UNBLOCKED.len);
    } else {
      this.endTimeout();
    }
  }

  /** A wait that ended without data answers a null array, BLMOVE's too (Redis 7.0's
   *  replyToBlockedClientTimedOut); only a command that could not wait (inside MULTI) answers BLMOVE's
   *  null bulk. */
  private endTimeout(): void {
    const r = this.resp3 ? NULL3 : this.mayBlock || this.spec.nullArray ? NULL_ARRAY : NULL_BULK;
    this.end(r.ptr, r.len);
  }

  /** Finishes with a reply (`len` 0: none, the connection is gone) and forgets every registration. */
  private end(ptr: usize, len: u32): void {
    if (this.state == ST_DONE) return;
    this.state = ST_DONE;
    this.blocked = false;
    traceKey("unblock", shardIndex, this.connId, this.seq, 0, 0, 0);
    // Its own shard too gets DISARM as a message (the loopback): an ARM sent there under the try's locks
    // may not have been processed yet, and must be undone after it, not before.
    for (let shard: u32 = 0; shard < shardCount; shard++) {
      if (this.armed[shard]) sendSignal(shard, M_DISARM, this.seq, this.connId);
    }
    unregisterBlocked(this);
    this.done(ptr, len);
    this.spec.release();
  }
}

/** Starts BLMOVE's source-present case as an LMOVE child of the op (set by commands/lists-blocking.ts). */
let moveStarter: (op: BlockOp) => void = noMove;
function noMove(op: BlockOp): void { unreachable(); }
export function onMoveNow(starter: (op: BlockOp) => void): void { moveStarter = starter; }

/** Starts a gathering try as a child of the op, under its locks (set by commands/streams-blocking.ts). */
let gatherStarter: (op: BlockOp) => void = noMove;
export function onGatherTry(starter: (op: BlockOp) => void): void { gatherStarter = starter; }

const seqText = new ByteBuf();
const BTRY = new Lit("\0btry");
const BPUSH = new Lit("\0bpush");
const MOVE = new Lit("move");
const MOVEPOP = new Lit("movepop");
const LEFT = new Lit("L");
const RIGHT = new Lit("R");
const ZERO = new Lit("0");
const ONE = new Lit("1");
/** ARM's first argument: the kind, as one byte. */
const KIND_ARG: StaticArray<Lit> = [new Lit("\0"), new Lit("\x01"), new Lit("\x02"), new Lit("\x03"), new Lit("\x04")];
const NULL_ARRAY = new Lit("*-1\r\n");
const NULL_BULK = new Lit("$-1\r\n");
const NULL3 = new Lit("_\r\n");
const UNBLOCKED = new Lit("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
