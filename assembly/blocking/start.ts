// Where a blocking command starts, at its origin. Outside a transaction (dispatch.ts):
//   - keys all here: try now; nothing → a BlockOp armed here, in the same step (no message at all);
//   - keys all on one other shard, or BLMOVE (decided by its source): `\0btry` there tries and arms;
//   - keys on several shards: the BlockOp locks them, tries them in order, and arms them all.
// Inside MULTI/EXEC (the command's cross-shard starter, and its handler for keys on one shard) the same
// tries run without arming: nothing now answers like a timeout, at once, as Redis does.
// `\0btry arm seq command…` is the target's half: try the command; if nothing and `arm` is 1, register
// the waiter in the same step; an empty reply means "nothing (armed if asked)".
import { Conn } from "../shard/conn";
import { Op } from "../shard/ops";
import { argc, argPtr, argLen, argsReset, argsPush } from "../shard/args";
import { attachSlot } from "../shard/route";
import { shardIndex, shardCount } from "../shard/server-info";
import { lookupCommand, defineInternal } from "../commands/table";
import { replyNullArray, replyNull, captureBuffer, replyBuffered } from "../resp/writer";
import { BlockSpec } from "./block-spec";
import { BlockOp } from "./block-op";
import { BlockingCommand, blockingEntryOf } from "./registry";
import { armWaiter, serveDirectly } from "./waiters";
import { escrowStartRecording, escrowStopRecording } from "./escrow";
import { bufferOf } from "../util/mem";

/** A top-level blocking command (not inside EXEC). */
export function startBlocking(c: Conn, b: BlockingCommand): void {
  const spec = b.build(c);
  if (spec == null) return;
  if (shardCount == 1 || spec.allOn(shardIndex)) {
    if (b.tryNow(c)) { spec.release(); return; }
    const op = new BlockOp(c, spec, new Array<u32>(), 0, true);
    attachSlot(c, op, true);
    op.waitHere();
    return;
  }
  const op = new BlockOp(c, spec, involvedShards(spec), 0, true);
  attachSlot(c, op, true);
  begin(op, spec);
}

function begin(op: BlockOp, spec: BlockSpec): void {
  if (spec.dest != null || onOneShard(spec)) op.tryOn(spec.keyShards[0]);
  else op.trySpread();
}

/** The cross-shard starter inside EXEC (keys spread, or BLMPOP's movable keys): no blocking. */
export function startBlockingInExec(c: Conn, parent: Op | null, holder: u32): Op | null {
  const cmd = lookupCommand(argPtr(0), argLen(0))!;
  const b = blockingEntryOf(cmd)!;
  const spec = b.build(c);
  if (spec == null) return null;
  if (spec.allOn(shardIndex)) {
    if (!b.tryNow(c)) replyTimeout(spec);
    spec.release();
    return null;
  }
  const op = new BlockOp(c, spec, involvedShards(spec), holder, false);
  op.parent = parent;
  begin(op, spec);
  return op;
}

export function replyTimeout(spec: BlockSpec): void {
  if (spec.nullArray) replyNullArray(); else replyNull();
}

function onOneShard(spec: BlockSpec): bool {
  const first = spec.keyShards[0];
  for (let i = 1; i < spec.keyShards.length; i++) if (spec.keyShards[i] != first) return false;
  return true;
}

function involvedShards(spec: BlockSpec): Array<u32> {
  const marks = new StaticArray<bool>(<i32>shardCount);
  for (let i = 0; i < spec.keyShards.length; i++) marks[spec.keyShards[i]] = true;
  const out = new Array<u32>();
  for (let s = 0; s < <i32>shardCount; s++) if (marks[s]) out.push(<u32>s);
  return out;
}

// ---- the target's half ----

const savedPtrs = new Array<usize>();
const savedLens = new Array<u32>();

/** `\0btry arm seq command…`, run for another shard's (or this shard's) blocking command. */
function internalBtry(c: Conn): void {
  const arm = load<u8>(argPtr(1)) == 0x31;
  const seq = load<u32>(argPtr(2));
  const origin = c.originShard;
  const originConn = c.originConn;
  const resp3 = c.resp3;
  savedPtrs.length = 0;
  savedLens.length = 0;
  for (let i = 3; i < argc; i++) { savedPtrs.push(argPtr(i)); savedLens.push(argLen(i)); }
  argsReset();
  for (let i = 0; i < savedPtrs.length; i++) argsPush(savedPtrs[i], savedLens[i]);
  const b = blockingEntryOf(lookupCommand(argPtr(0), argLen(0))!)!;
  // What the try pops stays in escrow until the origin has it to a live connection: the reply is
  // prefixed with [1][escrow u32] then (block-op.ts).
  const at = replyBuffered();
  escrowStartRecording();
  const replied = b.tryNow(c);
  const escrow = escrowStopRecording();
  if (escrow != 0) prefixEscrow(at, escrow);
  if (replied || !arm) return;
  const spec = b.build(c)!; // read again for its keys: the origin checked it already
  const w = armWaiter(origin, seq, originConn, spec.kind, spec.keys, spec.keyArgs);
  if (spec.direct()) serveDirectly(w, spec.serveHow, resp3);
  spec.release();
}

/** Inserts [1][escrow u32] before the reply captured from `at` on. */
function prefixEscrow(at: u32, escrow: u32): void {
  const buf = captureBuffer()!;
  const tail = bufferOf(buf.ptr + at, buf.len - at);
  buf.len = at;
  buf.pushByte(ESCROWED);
  buf.reserve(4);
  store<u32>(buf.ptr + buf.len, escrow);
  buf.len += 4;
  buf.append(tail.ptr, tail.len);
  tail.release();
}

/** The first byte of a try's reply that carries an escrow (a RESP reply never starts with it). */
export const ESCROWED: u8 = 1;

export function registerBlockingInternals(): void {
  defineInternal("\0btry", internalBtry);
}
