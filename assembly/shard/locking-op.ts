// An op that needs several shards to itself: it takes their locks one at a time in ascending shard
// order (shard/lock.ts explains why that cannot deadlock), runs, and unlocks them all. Nested inside a
// transaction that already holds the locks (a cross-shard RENAME inside EXEC), it runs at once under
// the transaction's holder id instead.
import { Conn } from "./conn";
import { Op } from "./ops";
import { sendSignal, M_LOCK, M_UNLOCK } from "./messages";
import { keyShard } from "./placement";
import { argPtr, argLen } from "./args";

export class LockingOp extends Op {
  protected readonly shards: Array<u32>;
  private locked: i32 = 0;
  private ownsLocks: bool = false;

  constructor(c: Conn, shards: Array<u32>, holder: u32) {
    super(c);
    this.shards = shards;
    this.holder = holder;
    this.barrier = true;
  }

  /** Takes the locks (unless running under a holder already), then calls run(). */
  start(): void {
    if (this.holder != 0) { this.run(); return; }
    this.holder = this.id;
    this.ownsLocks = true;
    this.lockNext();
  }

  private lockNext(): void {
    if (this.locked < this.shards.length) {
      sendSignal(this.shards[this.locked], M_LOCK, this.id, this.connId);
      return;
    }
    this.run();
  }

  onLocked(shard: u32): void {
    this.locked++;
    this.lockNext();
  }

  /** Every lock is held: do the work, and end with `done`. */
  run(): void {}

  /** Releases the locks this op took and finishes with the reply. */
  done(ptr: usize, len: u32): void {
    this.unlock();
    this.finish(ptr, len);
  }

  /** Releases the locks this op took (it may go on without them: a blocked command waits unlocked). */
  unlock(): void {
    if (!this.ownsLocks) return;
    for (let i = 0; i < this.locked; i++) sendSignal(this.shards[i], M_UNLOCK, this.id, this.connId);
    this.locked = 0;
    this.ownsLocks = false;
    this.holder = 0;
  }
}

/** Shard indexes marked true, ascending. */
export function shardList(marks: StaticArray<bool>): Array<u32> {
  const out = new Array<u32>();
  for (let s = 0; s < marks.length; s++) if (marks[s]) out.push(<u32>s);
  return out;
}

/** The distinct shards of key arguments `i` and `j`, ascending (the order locks are taken in). */
export function shardsOfArgs(i: i32, j: i32): Array<u32> {
  const a = keyShard(argPtr(i), argLen(i));
  const b = keyShard(argPtr(j), argLen(j));
  const out = new Array<u32>();
  out.push(min(a, b));
  if (a != b) out.push(max(a, b));
  return out;
}
