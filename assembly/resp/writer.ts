// Reply encoding, RESP2 and RESP3. Every reply of a command goes through these functions to the
// connection being answered (`replyTarget`); the protocol version of that connection picks the shapes
// (null, map, set, double, verbatim). Error texts come from resp/errors.ts without their leading '-'.
import { outboxReserve, outboxCommit } from "../shard/outbox";
import { formatI64 } from "../util/int";
import { formatDouble17g } from "../util/float";
import { Lit, ByteBuf } from "../util/mem";

/** The connection whose replies are being written, and whether it speaks RESP3. */
export let replyConn: u32 = 0;
export let replyResp3: bool = false;

export function replyTarget(conn: u32, resp3: bool): void {
  replyConn = conn;
  replyResp3 = resp3;
}

const CRLF: u16 = 0x0a0d;

/**
 * Capture: while set, replies go into this buffer instead of the outbox — a reply that must wait for an
 * earlier one (pipelined behind a forwarded command) or that travels back to another shard.
 */
let capture: ByteBuf | null = null;

const MAX_CAPTURE_DEPTH = 64;
const savedCaptures = new StaticArray<ByteBuf | null>(MAX_CAPTURE_DEPTH);
const savedConns = new StaticArray<u32>(MAX_CAPTURE_DEPTH);
const savedResp3 = new StaticArray<bool>(MAX_CAPTURE_DEPTH);
let captureDepth: i32 = 0;

/**
 * Sends replies into `buf` (null: straight to the outbox) until the matching popCapture, which restores
 * the capture and reply target that were in force before. Captures nest.
 */
export function pushCapture(buf: ByteBuf | null): void {
  const d = captureDepth++;
  savedCaptures[d] = capture;
  savedConns[d] = replyConn;
  savedResp3[d] = replyResp3;
  capture = buf;
}

export function popCapture(): void {
  const d = --captureDepth;
  capture = savedCaptures[d];
  replyConn = savedConns[d];
  replyResp3 = savedResp3[d];
}

export function capturing(): bool { return capture != null; }

/** The capture buffer in force (null: the outbox). */
export function captureBuffer(): ByteBuf | null { return capture; }

/** How many bytes the capture in force holds so far (0 when writing to the outbox). */
export function replyBuffered(): u32 { const c = capture; return c != null ? c.len : 0; }

function put(n: u32): usize {
  const buf = capture;
  if (buf == null) return outboxReserve(replyConn, n);
  buf.reserve(n);
  return buf.ptr + buf.len;
}

function commit(n: u32): void {
  const buf = capture;
  if (buf == null) outboxCommit(n); else buf.len += n;
}

export function writeRaw(ptr: usize, len: u32): void {
  const at = put(len);
  memory.copy(at, ptr, len);
  commit(len);
}

function prefixed(prefix: u8, ptr: usize, len: u32): void {
  const at = put(len + 3);
  store<u8>(at, prefix);
  memory.copy(at + 1, ptr, len);
  store<u16>(at + 1 + len, CRLF);
  commit(len + 3);
}

function header(prefix: u8, n: i64): void {
  const at = put(24);
  store<u8>(at, prefix);
  const digits = formatI64(at + 1, n);
  store<u16>(at + 1 + digits, CRLF);
  commit(digits + 3);
}

export function replySimple(ptr: usize, len: u32): void { prefixed(0x2b, ptr, len); }
export function replySimpleLit(text: Lit): void { prefixed(0x2b, text.ptr, text.len); }
export function replyError(ptr: usize, len: u32): void { prefixed(0x2d, ptr, len); }
export function replyErrorLit(text: Lit): void { prefixed(0x2d, text.ptr, text.len); }
export function replyInt(v: i64): void { header(0x3a, v); }

export function replyOk(): void {
  const at = put(5);
  store<u32>(at, 0x0d4b4f2b); // "+OK\r"
  store<u8>(at + 4, 0x0a);
  commit(5);
}

export function replyBulk(ptr: usize, len: u32): void {
  header(0x24, len);
  const at = put(len + 2);
  memory.copy(at, ptr, len);
  store<u16>(at + len, CRLF);
  commit(len + 2);
}

export function replyBulkLit(text: Lit): void { replyBulk(text.ptr, text.len); }

export function replyBulkI64(v: i64): void {
  const at = put(48);
  const digits = formatI64(at + 24, v);
  store<u8>(at, 0x24);
  const h = formatI64(at + 1, digits);
  store<u16>(at + 1 + h, CRLF);
  memory.copy(at + 3 + h, at + 24, digits);
  store<u16>(at + 3 + h + digits, CRLF);
  commit(h + digits + 5);
}

/** A missing value: `$-1` in RESP2, `_` in RESP3. */
export function replyNull(): void {
  if (replyResp3) writeRaw(NULL3.ptr, NULL3.len);
  else writeRaw(NULL_BULK.ptr, NULL_BULK.len);
}

/** A missing aggregate: `*-1` in RESP2, `_` in RESP3. */
export function replyNullArray(): void {
  if (replyResp3) writeRaw(NULL3.ptr, NULL3.len);
  else writeRaw(NULL_ARRAY.ptr, NULL_ARRAY.len);
}

export function replyArrayLen(n: i64): void { header(0x2a, n); }

/** A map of `n` pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
export function replyMapLen(n: i64): void {
  if (replyResp3) header(0x25, n); else header(0x2a, n * 2);
}

/** A set of `n` members: `~n` in RESP3, an array in RESP2. */
export function replySetLen(n: i64): void {
  if (replyResp3) header(0x7e, n); else header(0x2a, n);
}

/** A push frame (`>n`) in RESP3, an array in RESP2. */
export function replyPushLen(n: i64): void {
  if (replyResp3) header(0x3e, n); else header(0x2a, n);
}

export function replyBool(v: bool): void {
  if (replyResp3) writeRaw(v ? TRUE3.ptr : FALSE3.ptr, 4);
  else replyInt(v ? 1 : 0);
}

/** A double: `,` in RESP3, a bulk string in RESP2 (Redis 7.0 formats both with %.17g). */
export function replyDouble(v: f64): void {
  const tmp = put(64);
  const n = formatDouble17g(tmp + 32, v);
  if (replyResp3) {
    store<u8>(tmp, 0x2c);
    memory.copy(tmp + 1, tmp + 32, n);
    store<u16>(tmp + 1 + n, CRLF);
    commit(n + 3);
  } else {
    store<u8>(tmp, 0x24);
    const h = formatI64(tmp + 1, n);
    store<u16>(tmp + 1 + h, CRLF);
    memory.copy(tmp + 3 + h, tmp + 32, n);
    store<u16>(tmp + 3 + h + n, CRLF);
    commit(h + n + 5);
  }
}

/** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
export function replyVerbatim(ptr: usize, len: u32): void {
  if (!replyResp3) { replyBulk(ptr, len); return; }
  header(0x3d, len + 4);
  const at = put(len + 6);
  store<u32>(at, 0x3a747874); // "txt:"
  memory.copy(at + 4, ptr, len);
  store<u16>(at + 4 + len, CRLF);
  commit(len + 6);
}

const NULL3 = new Lit("_\r\n");
const NULL_BULK = new Lit("$-1\r\n");
const NULL_ARRAY = new Lit("*-1\r\n");
const TRUE3 = new Lit("#t\r\n");
const FALSE3 = new Lit("#f\r\n");
