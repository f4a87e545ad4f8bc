// The shard lock: what makes a multi-shard transaction (EXEC, MSETNX, a cross-shard RENAME) atomic.
// While a holder — a transaction's op on some origin shard — has this shard's lock, no other client's
// command runs here: requests from other shards are deferred and local connections stall before their
// next command. Holders take the locks of all the shards they touch one at a time in ascending shard
// order, so two transactions can never wait on each other in a cycle. The lock is re-entrant for the
// same holder (a RENAME inside an EXEC), and waiters are granted in arrival order.
import { sendSignal, M_LOCKED } from "./messages";

let holderShard: i32 = -1;
let holderId: u32 = 0;
let depth: u32 = 0;
const waitShard = new Array<u32>();
const waitId = new Array<u32>();
let waitHead: i32 = 0;

/** Called when the lock becomes free (set by shard/inbox.ts: replay deferred work). */
let freedHook: () => void = noop;
function noop(): void {}
export function onLockFreed(hook: () => void): void { freedHook = hook; }

export function lockHeld(): bool { return holderShard >= 0; }

export function lockHeldBy(shard: u32, id: u32): bool {
  return holderShard == <i32>shard && holderId == id;
}

export function lockAcquire(shard: u32, id: u32): void {
  if (holderShard < 0) {
    grant(shard, id);
  } else if (lockHeldBy(shard, id)) {
    depth++;
    sendSignal(shard, M_LOCKED, id, 0);
  } else {
    waitShard.push(shard);
    waitId.push(id);
  }
}

function grant(shard: u32, id: u32): void {
  holderShard = <i32>shard;
  holderId = id;
  depth = 1;
  sendSignal(shard, M_LOCKED, id, 0);
}

export function lockRelease(shard: u32, id: u32): void {
  if (!lockHeldBy(shard, id)) return;
  if (--depth > 0) return;
  if (waitHead < waitShard.length) {
    const s = waitShard[waitHead];
    const i = waitId[waitHead];
    waitHead++;
    if (waitHead == waitShard.length) { waitShard.length = 0; waitId.length = 0; waitHead = 0; }
    grant(s, i);
    return;
  }
  holderShard = -1;
  holderId = 0;
  freedHook();
}
