// The shard lock: what makes a multi-shard transaction (EXEC, MSETNX, a cross-shard RENAME, an atomic
// MGET/MSET) atomic. While a holder — an op on some origin shard — has this shard's lock, no other
// client's command runs here: requests and lock requests from anyone else are held (shard/inbox.ts keeps
// them in one FIFO, in arrival order, and replays them when the lock is free again), and local
// connections stall before their next command. Holders take the locks of all the shards they touch one
// at a time in ascending shard order, so two holders can never wait on each other in a cycle. The lock
// is re-entrant for its holder (a cross-shard RENAME inside EXEC).
import { sendSignal, M_LOCKED } from "./messages";

let holderShard: i32 = -1;
let holderId: u32 = 0;
let depth: u32 = 0;

export function lockHeld(): bool { return holderShard >= 0; }

export function lockHeldBy(shard: u32, id: u32): bool {
  return holderShard == <i32>shard && holderId == id;
}

/** Grants the lock (it must be free or already this holder's) and answers LOCKED. */
export function lockGrant(shard: u32, id: u32): void {
  if (lockHeldBy(shard, id)) {
    depth++;
  } else {
    holderShard = <i32>shard;
    holderId = id;
    depth = 1;
  }
  sendSignal(shard, M_LOCKED, id, 0);
}

/** Releases one level; true when the lock became free. */
export function lockRelease(shard: u32, id: u32): bool {
  if (!lockHeldBy(shard, id)) return false;
  if (--depth > 0) return false;
  holderShard = -1;
  holderId = 0;
  return true;
}
