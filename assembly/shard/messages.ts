// The binary messages shards send each other (docs/runtime.md). Each is one outbox record of kind MSG
// addressed to the target shard; the host moves it through the ring from this shard to the target, and
// the target's host hands it in with `shard_deliver(from, …)`. Rings are FIFO per ordered pair of shards,
// and the protocols built on these messages rely on exactly that and nothing more.
//
// Header (20 bytes): [type u8][flags u8][pad u16][op u32][part u32][conn u32][holder u32], then the body.
// `op` names the operation at the origin that the answer goes back to; `holder` names the lock holder
// (a transaction's op id) a LOCKED request runs under; `conn` is the origin's connection id.
//   REQ     origin → target  body = argv: [argc u32] ([len u32][bytes])*; flags: RESP3, LOCKED (runs
//                            inside the lock held by `op`'s transaction). The target runs the command
//                            and answers REP with the same op and part.
//           With flag BATCH (shard/forward-batch.ts) the body is several commands of one connection:
//           [count u32] then per command [table index u32][argc u32]([len u32][bytes])*; the target
//           runs them in a row and answers one REP.
//   REP     target → origin  body = the reply bytes (RESP2 or RESP3 as asked); to a BATCH request,
//                            the replies in command order, each as [len u32][bytes].
//   LOCK    origin → target  take this shard's lock for holder `op` (queued FIFO if it is held).
//   LOCKED  target → origin  the lock is yours.
//   UNLOCK  origin → target  release one level of the lock held by `op`.
//   DIRTY   target → origin  a key watched by connection `conn` was modified (WATCH).
//   UNWATCH origin → target  forget every key watched by connection `conn`.
// The blocking protocol (docs/blocking.md; assembly/blocking/): `op` carries the blocked command's
// sequence number at its origin (never reused), `conn` the origin's connection id.
//   ARM       origin → target  body = argv: [kind, key, arg, key, arg…]: register the waiter on these keys.
//   READY     target → origin  body = the key: it has data and this waiter is next in its queue.
//   SERVE     origin → target  body = argv: [key, how…]: pop for this waiter now; `part` = attempt;
//                              flag RESP3: the payload in the client's protocol.
//   SERVED    target → origin  flags SERVED_DATA when something was taken; body = [escrow u32][payload].
//   DELIVERED origin → target  body = [escrow u32]: the payload reached a live connection; forget it.
//   RESTORE   origin → target  body = [escrow u32]: nobody took it; put it back where it came from.
//   DISARM    origin → target  forget every registration of this waiter here.
import { outboxMessage, outboxCommitMessage } from "./outbox";
import { loopbackReserve, loopbackCommit } from "./loopback";
import { shardIndex } from "./server-info";
import { argc, argPtr, argLen } from "./args";

export const M_REQ: u8 = 1;
export const M_REP: u8 = 2;
export const M_LOCK: u8 = 3;
export const M_LOCKED: u8 = 4;
export const M_UNLOCK: u8 = 5;
export const M_DIRTY: u8 = 6;
export const M_UNWATCH: u8 = 7;
export const M_ARM: u8 = 8;
export const M_READY: u8 = 9;
export const M_SERVE: u8 = 10;
export const M_SERVED: u8 = 11;
export const M_DELIVERED: u8 = 12;
export const M_RESTORE: u8 = 13;
export const M_DISARM: u8 = 14;

export const MF_RESP3: u8 = 1;
export const MF_LOCKED: u8 = 2;
/** SERVED: the serve took something (else the key was empty by then). */
export const MF_SERVED_DATA: u8 = 4;
/** REQ: the body is a batch of commands (shard/forward-batch.ts), answered by one REP. */
export const MF_BATCH: u8 = 8;

export const HEADER: u32 = 20;

// @ts-ignore: decorator
@inline export function msgType(m: usize): u8 { return load<u8>(m); }
// @ts-ignore: decorator
@inline export function msgFlags(m: usize): u8 { return load<u8>(m, 1); }
// @ts-ignore: decorator
@inline export function msgOp(m: usize): u32 { return load<u32>(m, 4); }
// @ts-ignore: decorator
@inline export function msgPart(m: usize): u32 { return load<u32>(m, 8); }
// @ts-ignore: decorator
@inline export function msgConn(m: usize): u32 { return load<u32>(m, 12); }
// @ts-ignore: decorator
@inline export function msgHolder(m: usize): u32 { return load<u32>(m, 16); }

/** Room for a message to shard `to` (itself included: the loopback queue). */
let sendingTo: u32 = 0;

function messageReserve(to: u32, size: u32): usize {
  sendingTo = to;
  return to == shardIndex ? loopbackReserve(size) : outboxMessage(to, size);
}

function messageCommit(size: u32): void {
  if (sendingTo == shardIndex) loopbackCommit(size); else outboxCommitMessage(size);
}

function header(at: usize, type: u8, flags: u8, op: u32, part: u32, conn: u32, holder: u32): void {
  store<u8>(at, type);
  store<u8>(at, flags, 1);
  store<u16>(at, 0, 2);
  store<u32>(at, op, 4);
  store<u32>(at, part, 8);
  store<u32>(at, conn, 12);
  store<u32>(at, holder, 16);
}

/** A message with no body. */
export function sendSignal(to: u32, type: u8, op: u32, conn: u32): void {
  const at = messageReserve(to, HEADER);
  header(at, type, 0, op, 0, conn, op);
  messageCommit(HEADER);
}

/** REP: `len` reply bytes at `ptr` for part `part` of op `op`. */
export function sendReply(to: u32, op: u32, part: u32, ptr: usize, len: u32): void {
  const at = messageReserve(to, HEADER + len);
  header(at, M_REP, 0, op, part, 0, 0);
  memory.copy(at + HEADER, ptr, len);
  messageCommit(HEADER + len);
}

/** A message whose body is `len` bytes at `ptr`, optionally after a u32 (`withWord`). */
export function sendBody(to: u32, type: u8, flags: u8, op: u32, part: u32, conn: u32,
                         withWord: bool, word: u32, ptr: usize, len: u32): void {
  const extra: u32 = withWord ? 4 : 0;
  const at = messageReserve(to, HEADER + extra + len);
  header(at, type, flags, op, part, conn, 0);
  if (withWord) store<u32>(at + HEADER, word);
  memory.copy(at + HEADER + extra, ptr, len);
  messageCommit(HEADER + extra + len);
}

/** A message whose body is the argv collected with reqBegin/reqArg (ARM, SERVE). */
export function sendArgv(type: u8, flags: u8, op: u32, part: u32, conn: u32): void {
  buildArgv(type, flags, op, part, conn, 0);
}

/** Where a REQ is being built: argv is appended with `reqArg`, then `reqSend()`. */
let reqAt: usize = 0;
let reqLen: u32 = 0;
let reqTo: u32 = 0;
let reqArgc: u32 = 0;
const reqArgs = new Array<usize>();
const reqLens = new Array<u32>();

/** Starts a REQ to `to`; arguments are collected, then written in one record by reqSend. */
export function reqBegin(to: u32): void {
  reqTo = to;
  reqArgs.length = 0;
  reqLens.length = 0;
}

export function reqArg(ptr: usize, len: u32): void {
  reqArgs.push(ptr);
  reqLens.push(len);
}

/** Adds argument `i` of the command being executed. */
export function reqArgFromArgv(i: i32): void { reqArg(argPtr(i), argLen(i)); }

/** Adds every argument of the command being executed. */
export function reqWholeArgv(): void {
  for (let i = 0; i < argc; i++) reqArg(argPtr(i), argLen(i));
}

export function reqSend(flags: u8, op: u32, part: u32, conn: u32, holder: u32): void {
  buildArgv(M_REQ, flags, op, part, conn, holder);
}

function buildArgv(type: u8, flags: u8, op: u32, part: u32, conn: u32, holder: u32): void {
  const n = reqArgs.length;
  let size: u32 = HEADER + 4;
  for (let i = 0; i < n; i++) size += 4 + unchecked(reqLens[i]);
  const at = messageReserve(reqTo, size);
  header(at, type, flags, op, part, conn, holder);
  store<u32>(at + HEADER, n);
  let w = at + HEADER + 4;
  for (let i = 0; i < n; i++) {
    const len = unchecked(reqLens[i]);
    store<u32>(w, len);
    memory.copy(w + 4, unchecked(reqArgs[i]), len);
    w += 4 + len;
  }
  messageCommit(size);
}
