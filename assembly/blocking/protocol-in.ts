// Blocking-protocol messages arriving at this shard (shard/inbox.ts hands them over), each to its side:
// ARM, SERVE, DELIVERED, RESTORE and DISARM to the target side (waiters.ts, escrow.ts); READY and SERVED
// to the origin's blocked command (blocked.ts). The inbox holds SERVE and RESTORE while a transaction
// has this shard locked: they write, and a transaction sees no write but its own.
import { ByteBuf, bufferOf } from "../util/mem";
import { HEADER, MF_RESP3, msgOp, msgPart, msgConn, msgFlags, sendBody, M_RESTORE } from "../shard/messages";
import { armWaiter, serveRequested, disarmWaiter } from "./waiters";
import { escrowRelease, escrowRestore } from "./escrow";
import { blockedBySeq } from "./blocked";
import { traceKey } from "./trace";

const keys = new Array<ByteBuf>();
const args = new Array<ByteBuf>();

/** ARM: body = argv [kind, key, arg, key, arg…]. */
export function armFromMessage(from: u32, m: usize, n: u32): void {
  const count = load<u32>(m + HEADER);
  let at = m + HEADER + 4;
  const kindLen = load<u32>(at);
  const kind = load<u8>(at + 4);
  at += 4 + kindLen;
  for (let i: u32 = 1; i + 1 < count; i += 2) {
    const len = load<u32>(at);
    keys.push(bufferOf(at + 4, len));
    at += 4 + len;
    const argLen = load<u32>(at);
    args.push(bufferOf(at + 4, argLen));
    at += 4 + argLen;
  }
  armWaiter(from, msgOp(m), msgConn(m), kind, keys, args);
  for (let i = 0; i < keys.length; i++) { unchecked(keys[i]).release(); unchecked(args[i]).release(); }
  keys.length = 0;
  args.length = 0;
}

/** SERVE: body = argv [key, how…]; kept in the waiter's registration until its turn. */
export function serveFromMessage(from: u32, m: usize, n: u32): void {
  const argv = m + HEADER + 4; // past argc
  serveRequested(from, msgOp(m), msgPart(m), (msgFlags(m) & MF_RESP3) != 0, argv, n - HEADER - 4);
}

export function disarmFromMessage(from: u32, m: usize): void {
  disarmWaiter(from, msgOp(m));
}

export function deliveredFromMessage(m: usize): void {
  escrowRelease(load<u32>(m + HEADER));
}

export function restoreFromMessage(from: u32, m: usize): void {
  const id = load<u32>(m + HEADER);
  traceKey("restored", from, msgConn(m), msgOp(m), 0, 0, id);
  escrowRestore(id);
}

/** READY at the origin: body = the key. */
export function readyFromMessage(from: u32, m: usize, n: u32): void {
  const op = blockedBySeq(msgOp(m));
  if (op != null) op.onReady(from, m + HEADER, n - HEADER);
}

/** SERVED at the origin: body = [escrow u32][payload]. */
export function servedFromMessage(from: u32, m: usize, n: u32): void {
  const escrow = load<u32>(m + HEADER);
  const op = blockedBySeq(msgOp(m));
  if (op != null) {
    op.onServed(from, msgPart(m), msgFlags(m), escrow, m + HEADER + 4, n - HEADER - 4);
    return;
  }
  // Nobody to take it (cannot happen while origins answer every serve): never lose it.
  if (escrow != 0) sendBody(from, M_RESTORE, 0, msgOp(m), 0, msgConn(m), true, escrow, 0, 0);
}
