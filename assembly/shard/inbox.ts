// Messages arriving at this shard (from the host's rings, or from itself through the loopback queue),
// each handled by the side of the protocol it belongs to: requests are executed here as the target and
// answered; answers and lock grants go to the origin's ops; lock, unlock and watch messages to their
// owners. Requests from anyone but the lock holder wait while the shard is locked.
import { conns } from "./conn";
import { Conn } from "./conn";
import {
  M_REQ, M_REP, M_LOCK, M_LOCKED, M_UNLOCK, M_DIRTY, M_UNWATCH, MF_RESP3, MF_LOCKED, MF_BATCH, HEADER,
  M_ARM, M_READY, M_SERVE, M_SERVED, M_DELIVERED, M_RESTORE, M_DISARM,
  msgType, msgFlags, msgOp, msgPart, msgConn, msgHolder, sendReply,
} from "./messages";
import { opById } from "./ops";
import { lockGrant, lockRelease, lockHeld, lockHeldBy } from "./lock";
import { loopbackPending, loopbackTake, loopbackDone } from "./loopback";
import { argsReset, argsPush, argPtr, argLen, argc } from "./args";
import { lookupCommand, lookupSubcommand, commandAt } from "../commands/table";
import { pushCapture, popCapture, replyTarget } from "../resp/writer";
import { ByteBuf } from "../util/mem";
import { shardIndex } from "./server-info";
import { watchForgetConn, watchCheckExpired, markDirty } from "./watch";
import { keyExpiredNow } from "../store/keyspace";
import {
  armFromMessage, serveFromMessage, disarmFromMessage, deliveredFromMessage, restoreFromMessage,
  readyFromMessage, servedFromMessage,
} from "../blocking/protocol-in";
import { readyPending, serveReadyKeys } from "../blocking/waiters";

/** The client a forwarded command runs for: the origin keeps the real connection. */
const remoteClient = new Conn(0, 0);
/** Reply buffers by nesting depth: a request's command can resume a local connection whose commands
 *  drain the loopback and so run requests of their own before this one has answered. */
const replyBufs = new Array<ByteBuf>();
let requestDepth: i32 = 0;

/**
 * Messages held while another holder has the lock — requests and lock requests from anyone else, in
 * arrival order: [from u32][message] — and, in the same queue, this shard's own connections that stopped
 * before a command because of the lock: [CONNECTION u32][conn id u32]. They are replayed in that order
 * once the lock is free, and replay stops as soon as a held LOCK takes the lock again, so nothing ever
 * overtakes what arrived before it: a local client waits its turn behind earlier lock requests, and a
 * stream of LOCKs from other shards cannot starve it.
 */
const held = new Array<ByteBuf>();
let heldHead: i32 = 0;

/** Marks a held entry that is a stalled local connection, not a message. */
const CONNECTION: u32 = 0xffffffff;

/** Resumes a connection that stalled on the lock (session.ts). */
let resumeHook: (conn: u32) => void = noop;
function noop(conn: u32): void {}
export function onResumeConnection(hook: (conn: u32) => void): void { resumeHook = hook; }

/** A local connection stopped before a command because the shard is locked: it waits in line. */
export function holdConnection(conn: u32): void {
  const entry = new ByteBuf();
  entry.reserve(8);
  store<u32>(entry.ptr, CONNECTION);
  store<u32>(entry.ptr, conn, 4);
  entry.len = 8;
  held.push(entry);
}

export function initInbox(): void {}

function lockFreed(): void {
  // What the transaction wrote wakes blocked clients now that it is complete.
  if (readyPending()) serveReadyKeys();
  replayHeld();
}

function replayHeld(): void {
  while (heldHead < held.length && !lockHeld()) {
    const m = held[heldHead++];
    const from = load<u32>(m.ptr);
    if (from == CONNECTION) resumeHook(load<u32>(m.ptr, 4));
    else handleMessage(from, m.ptr + 4, m.len - 4);
    m.release();
  }
  if (heldHead == held.length) {
    held.length = 0;
    heldHead = 0;
  }
}

/** A batch from shard `from`: records `[len u32][message]`. */
export function deliverBatch(from: u32, ptr: usize, len: u32): void {
  let at: u32 = 0;
  while (at + 4 <= len) {
    const n = load<u32>(ptr + at);
    handleMessage(from, ptr + at + 4, n);
    if (readyPending()) serveReadyKeys();
    at += 4 + n;
  }
  drainLoopback();
}

/** Processes the messages this shard sent itself, until there are none. */
export function drainLoopback(): void {
  if (readyPending()) serveReadyKeys();
  while (loopbackPending()) {
    const batch = loopbackTake();
    let at: u32 = 0;
    while (at + 4 <= batch.len) {
      const n = load<u32>(batch.ptr + at);
      handleMessage(shardIndex, batch.ptr + at + 4, n);
      if (readyPending()) serveReadyKeys();
      at += 4 + n;
    }
    loopbackDone(batch);
  }
}

function handleMessage(from: u32, m: usize, n: u32): void {
  const type = msgType(m);
  if (type == M_REQ) {
    const mine = (msgFlags(m) & MF_LOCKED) != 0 && lockHeldBy(from, msgHolder(m));
    if (lockHeld() && !mine) { hold(from, m, n); return; }
    if ((msgFlags(m) & MF_BATCH) != 0) execBatch(from, m, n);
    else execRequest(from, m, n);
  } else if (type == M_REP) {
    const op = opById(msgOp(m));
    if (op != null) op.onReply(msgPart(m), m + HEADER, n - HEADER);
  } else if (type == M_LOCK) {
    if (lockHeld() && !lockHeldBy(from, msgHolder(m))) { hold(from, m, n); return; }
    watchCheckExpired(from, msgConn(m), keyExpiredNow);
    lockGrant(from, msgHolder(m));
  } else if (type == M_LOCKED) {
    const op = opById(msgOp(m));
    if (op != null) op.onLocked(from);
  } else if (type == M_UNLOCK) {
    if (lockRelease(from, msgHolder(m))) lockFreed();
  } else if (type == M_DIRTY) {
    markDirty(msgConn(m), msgOp(m));
  } else if (type == M_UNWATCH) {
    watchForgetConn(from, msgConn(m));
  } else {
    handleBlockingMessage(type, from, m, n);
  }
}

/** The blocking protocol; a serve or a restore writes, so it waits while a transaction holds the lock. */
function handleBlockingMessage(type: u8, from: u32, m: usize, n: u32): void {
  if (type == M_ARM) armFromMessage(from, m, n);
  else if (type == M_READY) readyFromMessage(from, m, n);
  else if (type == M_SERVE) {
    if (lockHeld()) { hold(from, m, n); return; }
    serveFromMessage(from, m, n);
  } else if (type == M_SERVED) servedFromMessage(from, m, n);
  else if (type == M_DELIVERED) deliveredFromMessage(m);
  else if (type == M_RESTORE) {
    if (lockHeld()) { hold(from, m, n); return; }
    restoreFromMessage(from, m);
  } else if (type == M_DISARM) disarmFromMessage(from, m);
}

function hold(from: u32, m: usize, n: u32): void {
  const copy = new ByteBuf();
  copy.reserve(n + 4);
  store<u32>(copy.ptr, from);
  memory.copy(copy.ptr + 4, m, n);
  copy.len = n + 4;
  held.push(copy);
}

/** Runs a forwarded command here and answers the origin with its reply bytes. */
function execRequest(from: u32, m: usize, n: u32): void {
  argsReset();
  const count = load<u32>(m + HEADER);
  let at = m + HEADER + 4;
  for (let i: u32 = 0; i < count; i++) {
    const len = load<u32>(at);
    argsPush(at + 4, len);
    at += 4 + len;
  }
  remoteClient.resp3 = (msgFlags(m) & MF_RESP3) != 0;
  remoteClient.originShard = from;
  remoteClient.originConn = msgConn(m);
  if (requestDepth == replyBufs.length) replyBufs.push(new ByteBuf());
  const replyBuf = unchecked(replyBufs[requestDepth++]);
  replyBuf.len = 0;
  pushCapture(replyBuf);
  replyTarget(0, remoteClient.resp3);
  let cmd = lookupCommand(argPtr(0), argLen(0));
  if (cmd != null && cmd.subcommands != null && argc >= 2) cmd = lookupSubcommand(cmd, argPtr(1), argLen(1));
  if (cmd != null) {
    cmd.calls++;
    cmd.handler(remoteClient);
  }
  popCapture();
  requestDepth--;
  sendReply(from, msgOp(m), msgPart(m), replyBuf.ptr, replyBuf.len);
}

/**
 * Runs a batch of forwarded commands (shard/forward-batch.ts) in a row, in order, and answers one REP:
 * each command's reply as [len u32][bytes]. The commands are named by table index, already checked at
 * the origin. Like one request, a batch runs whole: blocked clients are served after it.
 */
function execBatch(from: u32, m: usize, n: u32): void {
  remoteClient.resp3 = (msgFlags(m) & MF_RESP3) != 0;
  remoteClient.originShard = from;
  remoteClient.originConn = msgConn(m);
  if (requestDepth == replyBufs.length) replyBufs.push(new ByteBuf());
  const replyBuf = unchecked(replyBufs[requestDepth++]);
  replyBuf.len = 0;
  const count = load<u32>(m + HEADER);
  let at = m + HEADER + 4;
  for (let k: u32 = 0; k < count; k++) {
    const cmd = commandAt(load<u32>(at));
    const args = load<u32>(at, 4);
    at += 8;
    argsReset();
    for (let i: u32 = 0; i < args; i++) {
      const len = load<u32>(at);
      argsPush(at + 4, len);
      at += 4 + len;
    }
    const lenAt = replyBuf.len;
    replyBuf.reserve(4);
    replyBuf.len += 4;
    pushCapture(replyBuf);
    replyTarget(0, remoteClient.resp3);
    cmd.calls++;
    cmd.handler(remoteClient);
    popCapture();
    store<u32>(replyBuf.ptr + lenAt, replyBuf.len - lenAt - 4);
  }
  requestDepth--;
  sendReply(from, msgOp(m), msgPart(m), replyBuf.ptr, replyBuf.len);
}
