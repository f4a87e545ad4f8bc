// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Inside MULTI a connection's commands are queued at
// its origin shard (checked for existence and arity first: a failure aborts the transaction, as in
// Redis). EXEC runs the queue atomically: on one shard simply in a row; across shards as an ExecOp
// (shard/exec-op.ts) that takes the lock of every shard involved first. WATCH registers each key on
// the shard that owns it (shard/watch.ts) and answers once every owner has registered it.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { defineCommand, defineInternal, Command, lookupCommand, lookupSubcommand, F_FAST, F_NOSCRIPT,
         F_LOADING, F_STALE, F_ALLOW_BUSY, F_NO_MULTI } from "./table";
import { replyOk, replyErrorLit, replySimpleLit, replyArrayLen, replyNullArray } from "../resp/writer";
import { ByteBuf, Lit } from "../util/mem";
import { keyShard } from "../shard/placement";
import { shardIndex, shardCount } from "../shard/server-info";
import { watchAdd, watchForgetConn, watchCheckExpired } from "../shard/watch";
import { keyExpiredNow } from "../store/keyspace";
import { sendSignal, M_UNWATCH, reqBegin, reqArg } from "../shard/messages";
import { AllOkOp } from "../shard/gather";
import { attachSlot, lastKeyIndex } from "../shard/route";
import { formatI64, parseI64, parsedI64 } from "../util/int";
import { ExecOp } from "../shard/exec-op";
import { pubsubForget } from "./pubsub";

// ---- queueing ----

/** Inside MULTI: queues the command and answers QUEUED; false for the commands that run at once. */
export function queueInMulti(c: Conn, cmd: Command): bool {
  const top = cmd.parent != null ? cmd.parent! : cmd;
  if (top === execCmd || top === discardCmd || top === multiCmd || top === watchCmd
      || top === quitCmd || top === resetCmd) return false;
  const argv = new ByteBuf();
  argvSave(argv);
  c.queued.push(argv);
  replySimpleLit(QUEUED);
  return true;
}

/** A command could not be queued (unknown, wrong arity): EXEC will refuse. */
export function flagMultiError(c: Conn): void {
  if (c.inMulti) c.multiAborted = true;
}

/** Makes a queued command the current argument vector. */
export function loadArgv(argv: ByteBuf): void { argvLoad(argv); }

/** The table entry of the current argument vector (queued commands were checked when queued). */
export function currentCommand(): Command {
  let cmd = lookupCommand(argPtr(0), argLen(0))!;
  if (cmd.subcommands != null && argc >= 2) {
    const sub = lookupSubcommand(cmd, argPtr(1), argLen(1));
    if (sub != null) cmd = sub;
  }
  return cmd;
}

function endMulti(c: Conn): void {
  c.inMulti = false;
  c.multiAborted = false;
  for (let i = 0; i < c.queued.length; i++) c.queued[i].release();
  c.queued.length = 0;
}

// ---- commands ----

function multi(c: Conn): void {
  if (c.inMulti) { replyErrorLit(ERR_NESTED); return; }
  c.inMulti = true;
  replyOk();
}

function discard(c: Conn): void {
  if (!c.inMulti) { replyErrorLit(ERR_DISCARD_WITHOUT); return; }
  endMulti(c);
  unwatchAll(c);
  replyOk();
}

function exec(c: Conn): void {
  if (!c.inMulti) { replyErrorLit(ERR_EXEC_WITHOUT); return; }
  if (c.multiAborted) {
    endMulti(c);
    unwatchAll(c);
    replyErrorLit(ERR_EXECABORT);
    return;
  }
  const queued = c.queued;
  c.queued = new Array<ByteBuf>();
  c.inMulti = false;
  c.multiAborted = false;
  const shards = involvedShards(c, queued);
  if (shards.length == 0 || (shards.length == 1 && shards[0] == shardIndex)) {
    execHere(c, queued);
    return;
  }
  const op = new ExecOp(c, queued, shards);
  attachSlot(c, op, true);
  op.start();
}

/** Every shard a queued command (or a watched key) touches, ascending. */
function involvedShards(c: Conn, queued: Array<ByteBuf>): Array<u32> {
  const mark = new StaticArray<bool>(<i32>shardCount);
  if (shardCount > 1) {
    for (let i = 0; i < c.watchShards.length; i++) mark[c.watchShards[i]] = true;
    for (let q = 0; q < queued.length; q++) {
      loadArgv(queued[q]);
      const cmd = currentCommand();
      if (cmd.everyShard) {
        for (let s = 0; s < <i32>shardCount; s++) mark[s] = true;
      } else if (cmd.firstKey > 0 && cmd.firstKey < argc) {
        const last = min(lastKeyIndex(cmd), argc - 1);
        const step = max(cmd.keyStep, 1);
        for (let k = cmd.firstKey; k <= last; k += step) mark[keyShard(argPtr(k), argLen(k))] = true;
      }
    }
  }
  const out = new Array<u32>();
  for (let s = 0; s < <i32>shardCount; s++) if (mark[s]) out.push(s);
  return out;
}

/** EXEC when every key is on this shard: nothing else runs in between, so run the queue in a row. */
function execHere(c: Conn, queued: Array<ByteBuf>): void {
  watchCheckExpired(shardIndex, c.id, keyExpiredNow);
  if (c.watchDirty) {
    unwatchAll(c);
    replyNullArray();
  } else {
    unwatchAll(c);
    replyArrayLen(queued.length);
    for (let i = 0; i < queued.length; i++) {
      loadArgv(queued[i]);
      const cmd = currentCommand();
      cmd.calls++;
      cmd.handler(c);
    }
  }
  for (let i = 0; i < queued.length; i++) queued[i].release();
}

function watch(c: Conn): void {
  if (c.inMulti) { replyErrorLit(ERR_WATCH_IN_MULTI); return; }
  let remote: AllOkOp | null = null;
  const sent = new StaticArray<bool>(<i32>shardCount);
  for (let k = 1; k < argc; k++) {
    const shard = keyShard(argPtr(k), argLen(k));
    if (shard == shardIndex) {
      watchAdd(shardIndex, c.id, c.watchEpoch, argPtr(k), argLen(k), keyExpiredNow(argPtr(k), argLen(k)));
      continue;
    }
    if (sent[shard]) continue;
    sent[shard] = true;
    if (remote == null) remote = new AllOkOp(c);
    sendWatch(c, remote, shard);
  }
  if (remote == null) { replyOk(); return; }
  attachSlot(c, remote, true);
}

const epochText = new ByteBuf();

/** `\0watch <epoch> key…` with this command's keys that live on `shard`. */
function sendWatch(c: Conn, op: AllOkOp, shard: u32): void {
  reqBegin(shard);
  reqArg(INTERNAL_WATCH.ptr, INTERNAL_WATCH.len);
  epochText.len = 0;
  epochText.reserve(24);
  epochText.len = formatI64(epochText.ptr, c.watchEpoch);
  reqArg(epochText.ptr, epochText.len);
  for (let k = 1; k < argc; k++) {
    if (keyShard(argPtr(k), argLen(k)) == shard) reqArg(argPtr(k), argLen(k));
  }
  op.expect(shard);
  op.send(shard);
  let known = false;
  for (let i = 0; i < c.watchShards.length; i++) if (c.watchShards[i] == shard) known = true;
  if (!known) c.watchShards.push(shard);
}

/** Target side of WATCH: registers the origin connection's keys here. */
function internalWatch(c: Conn): void {
  parseI64(argPtr(1), argLen(1));
  const epoch = <u32>parsedI64;
  for (let k = 2; k < argc; k++) {
    watchAdd(c.originShard, c.originConn, epoch, argPtr(k), argLen(k), keyExpiredNow(argPtr(k), argLen(k)));
  }
  replyOk();
}

function unwatch(c: Conn): void {
  unwatchAll(c);
  replyOk();
}

/** Forgets every watched key of `c`, here and on the other shards. */
export function unwatchAll(c: Conn): void {
  watchForgetConn(shardIndex, c.id);
  for (let i = 0; i < c.watchShards.length; i++) sendSignal(c.watchShards[i], M_UNWATCH, 0, c.id);
  c.watchShards.length = 0;
  c.watchDirty = false;
  c.watchEpoch++;
}

/** The connection is gone: its transaction and watches go with it. */
export function connGone(c: Conn): void {
  endMulti(c);
  unwatchAll(c);
  pubsubForget(c);
}

/** RESET: the connection forgets its transaction, watches and subscriptions. */
export function connReset(c: Conn): void {
  connGone(c);
}

let multiCmd: Command | null = null;
let execCmd: Command | null = null;
let discardCmd: Command | null = null;
let watchCmd: Command | null = null;
let quitCmd: Command | null = null;
let resetCmd: Command | null = null;

export function registerMultiCommands(): void {
  const flags = F_NOSCRIPT | F_LOADING | F_STALE | F_FAST | F_ALLOW_BUSY;
  multiCmd = defineCommand("multi", 1, flags, 0, 0, 0, "fast transaction", multi);
  execCmd = defineCommand("exec", 1, F_NOSCRIPT | F_LOADING | F_STALE, 0, 0, 0, "slow transaction", exec);
  discardCmd = defineCommand("discard", 1, flags, 0, 0, 0, "fast transaction", discard);
  watchCmd = defineCommand("watch", -2, flags, 1, -1, 1, "fast transaction", watch);
  defineCommand("unwatch", 1, flags, 0, 0, 0, "fast transaction", unwatch);
  multiCmd!.originOnly = true;
  execCmd!.originOnly = true;
  discardCmd!.originOnly = true;
  watchCmd!.originOnly = true;
  quitCmd = lookupCommand(QUIT.ptr, QUIT.len);
  resetCmd = lookupCommand(RESET.ptr, RESET.len);
  defineInternal("\0watch", internalWatch);
}

const QUEUED = new Lit("QUEUED");
const QUIT = new Lit("quit");
const RESET = new Lit("reset");
export const INTERNAL_WATCH = new Lit("\0watch");
const ERR_NESTED = new Lit("ERR MULTI calls can not be nested");
const ERR_EXEC_WITHOUT = new Lit("ERR EXEC without MULTI");
const ERR_DISCARD_WITHOUT = new Lit("ERR DISCARD without MULTI");
const ERR_EXECABORT = new Lit("EXECABORT Transaction discarded because of previous errors.");
const ERR_WATCH_IN_MULTI = new Lit("ERR WATCH inside MULTI is not allowed");
