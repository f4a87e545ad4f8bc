// The outbox: everything the engine hands back to its host after a call, as records
// `[kind u8][conn u32][len u32][payload]` (docs/abi.md). Replies are appended to the open DATA record of
// the connection being answered; switching connection closes it. The host drains the whole outbox after
// each call, so it never holds more than one call's output.
import { rawAlloc, rawRealloc } from "../util/mem";

export const KIND_DATA: u8 = 1;
export const KIND_CLOSE: u8 = 2;
/** A message for another shard: `conn` is the target shard's index (shard/messages.ts). */
export const KIND_MSG: u8 = 3;
/** A trace event (docs/abi.md): one JSON object, only while the host asked for tracing. */
export const KIND_TRACE: u8 = 4;
const HEADER: u32 = 9;

let buf: usize = rawAlloc(1 << 16);
let cap: u32 = 1 << 16;
let len: u32 = 0;
/** Start of the open DATA record, or -1. */
let openAt: i32 = -1;
let openConn: u32 = 0;

export function outboxPtr(): usize { return buf; }

export function outboxClear(): void {
  len = 0;
  openAt = -1;
}

/** Closes any open record and returns the outbox length. */
export function outboxSeal(): u32 {
  closeRecord();
  return len;
}

function grow(extra: u32): void {
  const need = len + extra;
  if (need <= cap) return;
  let next = cap << 1;
  while (next < need) next <<= 1;
  buf = rawRealloc(buf, next);
  cap = next;
}

function closeRecord(): void {
  if (openAt < 0) return;
  store<u32>(buf + <usize>openAt + 5, len - <u32>openAt - HEADER);
  openAt = -1;
}

function openRecord(kind: u8, conn: u32): void {
  closeRecord();
  grow(HEADER);
  const at = buf + len;
  store<u8>(at, kind);
  store<u32>(at + 1, conn);
  store<u32>(at + 5, 0);
  if (kind == KIND_DATA) { openAt = <i32>len; openConn = conn; }
  len += HEADER;
}

/** Room for `n` payload bytes for `conn`; returns where to write them. Call `outboxCommit(n)` after. */
export function outboxReserve(conn: u32, n: u32): usize {
  if (openAt < 0 || openConn != conn) openRecord(KIND_DATA, conn);
  grow(n);
  return buf + len;
}

export function outboxCommit(n: u32): void {
  len += n;
}

/** Room for one whole message of `size` bytes to shard `to`; write it, then `outboxCommitMessage`. */
export function outboxMessage(to: u32, size: u32): usize {
  openRecord(KIND_MSG, to);
  store<u32>(buf + len - 4, size);
  grow(size);
  return buf + len;
}

export function outboxCommitMessage(size: u32): void {
  len += size;
}

/** Asks the host to close `conn` once what is before this record has been written. */
export function outboxClose(conn: u32): void {
  openRecord(KIND_CLOSE, conn);
}

/** A trace record with `n` payload bytes from `ptr`. */
export function outboxTrace(ptr: usize, n: u32): void {
  openRecord(KIND_TRACE, 0);
  store<u32>(buf + len - 4, n);
  grow(n);
  memory.copy(buf + len, ptr, n);
  len += n;
}
