// The blocked commands whose connections live on this shard, by sequence number: what READY and SERVED
// messages are routed to, what the timeout sweep walks, what CLIENT UNBLOCK, CLIENT LIST (flag b) and INFO
// (blocked_clients, clients_in_timeout_table) look at, and what a closing connection ends. Sequence
// numbers are never reused (unlike op ids), so a late message about a finished command finds nothing.
import { Conn } from "../shard/conn";
import { BlockOp } from "./block-op";

let lastSeq: u32 = 0;
const bySeq = new Map<u32, BlockOp>();
const byConn = new Map<u32, BlockOp>();

export function newSeq(): u32 {
  if (++lastSeq == 0) lastSeq = 1;
  return lastSeq;
}

export function registerBlocked(op: BlockOp): void {
  bySeq.set(op.seq, op);
  byConn.set(op.connId, op);
}

export function unregisterBlocked(op: BlockOp): void {
  bySeq.delete(op.seq);
  if (byConn.has(op.connId) && byConn.get(op.connId) === op) byConn.delete(op.connId);
}

export function blockedBySeq(seq: u32): BlockOp | null {
  return bySeq.has(seq) ? bySeq.get(seq) : null;
}

/** Is connection `id` (of this shard) blocked right now? */
export function isBlocked(id: u32): bool {
  return byConn.has(id) && byConn.get(id).blocked;
}

/** INFO's blocked_clients (and, with `withTimeout`, clients_in_timeout_table) on this shard. */
export function blockedCount(withTimeout: bool): i64 {
  let n: i64 = 0;
  const ops = bySeq.values();
  for (let i = 0; i < ops.length; i++) {
    const op = unchecked(ops[i]);
    if (op.blocked && (!withTimeout || op.spec.deadline > 0)) n++;
  }
  return n;
}

/** The tick: every waiting command whose deadline passed times out. */
export function sweepTimeouts(now: i64): void {
  if (bySeq.size == 0) return;
  const ops = bySeq.values();
  for (let i = 0; i < ops.length; i++) unchecked(ops[i]).checkTimeout(now);
}

/** Connection `c` closed: its blocked command ends (its registrations everywhere are disarmed). */
export function blockedConnGone(c: Conn): void {
  if (byConn.has(c.id)) byConn.get(c.id).connGone();
}

/** CLIENT UNBLOCK for connection `id` of this shard: 1 when it was blocked, else 0. */
export function unblockConn(id: u32, how: u8): i64 {
  if (!byConn.has(id)) return 0;
  return byConn.get(id).unblock(how) ? 1 : 0;
}
