// A connection's life inside the shard: opened by the host, fed socket bytes, closed. Feeding parses
// every complete frame and executes it in order; a partial frame is kept in the connection's buffer.
// When the connection's buffer is empty the bytes are parsed where the host put them, and only a
// leftover partial frame is copied, so the common case (whole frames per read) copies nothing.
import { Conn, conns } from "./conn";
import { nowMs } from "./clock";
import { dispatch } from "./dispatch";
import { parseNext, parserKeepFrom, parserShift, parseError, parseErrorByte,
         PARSE_NEED_MORE, PARSE_COMMAND, PARSE_ERROR, PARSE_EMPTY } from "../resp/parser";
import { replyTarget, replyError, pushCapture, popCapture } from "../resp/writer";
import { outboxClose } from "./outbox";
import { ERR_PROTO_EXPECTED_DOLLAR } from "../resp/errors";
import { ByteBuf } from "../util/mem";
import { shardIndex, shardCount } from "./server-info";
import { lockHeld } from "./lock";
import { loopbackPending } from "./loopback";
import { drainLoopback, onResumeConnection, holdConnection } from "./inbox";
import { onBarrierLifted, onFlushedForClose, mustQueue } from "./replies";
import { connGone } from "../commands/multi";
import { blockedConnGone } from "../blocking/blocked";
import { readyPending } from "../blocking/waiters";
import { flushForwards } from "./forward-batch";

export function initSessions(): void {
  onResumeConnection(resumeLockStalled);
  onBarrierLifted(resumeIfStalled);
  onFlushedForClose(closeFlushed);
}

function closeFlushed(c: Conn): void {
  if (conns.has(c.id) && !c.running) connTerminate(c);
}

export function connOpen(id: u32, info: usize, infoLen: u32, nowMs: i64): void {
  const c = new Conn(id, nowMs);
  c.originShard = shardIndex;
  let nl: u32 = 0;
  while (nl < infoLen && load<u8>(info + nl) != 0x0a) nl++;
  c.addr.append(info, nl);
  if (nl < infoLen) c.laddr.append(info + nl + 1, infoLen - nl - 1);
  conns.set(id, c);
}

export function connKnown(id: u32): bool { return conns.has(id); }

export function connClose(id: u32): void {
  if (!conns.has(id)) return;
  const c = conns.get(id);
  conns.delete(id);
  c.open = false;
  connGone(c);
  blockedConnGone(c);
  c.release();
  if (loopbackPending() || readyPending()) drainLoopback();
}

/** Ends a connection from inside: the host closes it after writing what is queued. */
export function connTerminate(c: Conn): void {
  c.closing = true;
  outboxClose(c.id);
  connClose(c.id);
}

export function connFeed(id: u32, data: usize, len: u32, now: i64): void {
  if (!conns.has(id)) return;
  const c = conns.get(id);
  if (c.closing) return;
  if (c.stalled) { c.input.append(data, len); return; }
  const buffered = c.input.len > 0;
  if (buffered) c.input.append(data, len);
  const base = buffered ? c.input.ptr : data;
  const total = buffered ? c.input.len : len;
  c.running = true;
  runFrames(c, base, total, now);
  c.running = false;
  finishRun(c, buffered, base, total);
}

function finishRun(c: Conn, buffered: bool, base: usize, total: u32): void {
  if (c.closing) {
    // QUIT or a kill behind replies still owed by other shards: close once they are written.
    if (mustQueue(c)) c.closeWhenFlushed = true;
    else if (conns.has(c.id)) connTerminate(c);
    return;
  }
  keepLeftover(c, buffered, base, total);
}

/** Must the connection wait before its next command (a barrier, or the shard locked)? */
function mustStall(c: Conn): bool {
  if (c.barriers > 0) return true;
  if (shardCount > 1 && lockHeld()) {
    holdConnection(c.id);
    return true;
  }
  return false;
}

/** Runs the connection's complete frames until it must stop; then sends the batches it filled. */
function runFrames(c: Conn, base: usize, total: u32, nowMs: i64): void {
  runUntilStop(c, base, total, nowMs);
  flushForwards();
}

function runUntilStop(c: Conn, base: usize, total: u32, nowMs: i64): void {
  while (!c.closing) {
    if (mustStall(c)) { c.stalled = true; return; }
    const r = parseNext(c, base, total);
    if (r == PARSE_NEED_MORE) return;
    if (r == PARSE_EMPTY) continue;
    if (r == PARSE_ERROR) { replyProtocolError(c); return; }
    dispatch(c, nowMs);
    if (loopbackPending() || readyPending()) drainLoopback();
  }
}

/** Runs what a stalled connection has buffered, now that nothing holds it. */
function resume(c: Conn): void {
  if (c.running || !c.stalled || !conns.has(c.id)) return;
  c.stalled = false;
  c.running = true;
  // It may be resumed from inside another command (a CLIENT UNBLOCK run for another shard, whose reply is
  // being captured): its own replies go to its own socket.
  pushCapture(null);
  runFrames(c, c.input.ptr, c.input.len, nowMs);
  popCapture();
  c.running = false;
  finishRun(c, true, c.input.ptr, c.input.len);
}

function resumeIfStalled(c: Conn): void {
  if (c.stalled && c.barriers == 0) resume(c);
}

/** Its turn in the lock's line came (shard/inbox.ts): the connection runs what it has buffered. */
function resumeLockStalled(id: u32): void {
  if (!conns.has(id)) return;
  const c = conns.get(id);
  if (c.barriers == 0) resume(c);
}

function replyProtocolError(c: Conn): void {
  replyTarget(c.id, c.resp3);
  if (parseError === ERR_PROTO_EXPECTED_DOLLAR) {
    const text = new ByteBuf();
    text.append(parseError.ptr, parseError.len);
    // Redis turns CR and LF in an error text into spaces, so the reply stays one line.
    text.pushByte(parseErrorByte == 0x0d || parseErrorByte == 0x0a ? 0x20 : parseErrorByte);
    text.pushByte(0x27);
    replyError(text.ptr, text.len);
    text.release();
  } else {
    replyError(parseError.ptr, parseError.len);
  }
}

/** Drops consumed bytes; a partial frame stays (copied in if it was parsed in the host's buffer). */
function keepLeftover(c: Conn, buffered: bool, base: usize, total: u32): void {
  const keep = parserKeepFrom(c);
  if (buffered) {
    c.input.consume(keep);
    c.input.shrinkIfIdle();
  } else if (keep < total) {
    c.input.append(base + keep, total - keep);
  }
  parserShift(c, keep);
}

