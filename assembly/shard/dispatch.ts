// Runs one parsed command for a connection: finds it in the command table, checks its arity, and calls
// its handler. The errors for unknown commands and subcommands and for wrong arity are produced here,
// with Redis's exact texts (arguments quoted and cut at 128 bytes, CR/LF turned into spaces).
import { Conn } from "./conn";
import { argc, argPtr, argLen } from "./args";
import { Command, lookupCommand, lookupSubcommand, F_BLOCKING } from "../commands/table";
import { BlockingCommand, blockingEntryOf } from "../blocking/registry";
import { startBlocking } from "../blocking/start";
import { replyTarget, replyError } from "../resp/writer";
import { ByteBuf, Lit } from "../util/mem";
import { clockSet } from "./clock";
import { placeOf, startRemote, attachSlot } from "./route";
import { shardIndex } from "./server-info";
import { forwardsInBatch, forwardInBatch, flushForwards } from "./forward-batch";
import { mustQueue, beginQueuedReply, endQueuedReply } from "./replies";
import { queueInMulti, flagMultiError } from "../commands/multi";
import { allowedWhileSubscribed, replyNotAllowedWhileSubscribed } from "../commands/pubsub";

const errText = new ByteBuf();

function putText(s: Lit): void { errText.append(s.ptr, s.len); }

/** Appends up to `limit` bytes of an argument the way C's `%.*s` prints it (stops at a NUL). */
function putArg(ptr: usize, len: u32, limit: u32): void {
  let n: u32 = 0;
  while (n < len && n < limit && load<u8>(ptr + n) != 0) n++;
  errText.append(ptr, n);
}

function sendErrText(): void {
  for (let i: u32 = 0; i < errText.len; i++) {
    const b = load<u8>(errText.ptr + i);
    if (b == 0x0d || b == 0x0a) store<u8>(errText.ptr + i, 0x20);
  }
  replyError(errText.ptr, errText.len);
  errText.len = 0;
}

function replyUnknownCommand(): void {
  errText.len = 0;
  putText(UNKNOWN_COMMAND);
  putArg(argPtr(0), argLen(0), 128);
  putText(WITH_ARGS);
  const argsStart = errText.len;
  for (let i = 1; i < argc && errText.len - argsStart < 128; i++) {
    errText.pushByte(0x27);
    putArg(argPtr(i), argLen(i), 128 - (errText.len - 1 - argsStart));
    errText.pushByte(0x27);
    errText.pushByte(0x20);
  }
  sendErrText();
}

function replyUnknownSubcommand(parent: Command): void {
  errText.len = 0;
  putText(UNKNOWN_SUB);
  putArg(argPtr(1), argLen(1), 128);
  putText(TRY);
  const name = parent.name;
  for (let i: u32 = 0; i < name.len; i++) errText.pushByte(load<u8>(name.ptr + i) & 0xdf);
  putText(HELP);
  sendErrText();
}

export function replyWrongArity(cmd: Command): void {
  errText.len = 0;
  putText(WRONG_ARGS);
  putText(cmd.fullNameLit);
  putText(COMMAND_END);
  sendErrText();
}

/** Executes the command in the argument vector for `c`. */
export function dispatch(c: Conn, nowMs: i64): void {
  replyTarget(c.id, c.resp3);
  clockSet(nowMs);
  c.lastInteractionMs = nowMs;
  const cmd = admit(c);
  if (cmd != null) execute(c, cmd);
}

// Why admit refused a command (its reply is written by `refuse`).
const UNKNOWN: i32 = 0;
const UNKNOWN_SUBCOMMAND: i32 = 1;
const WRONG_ARITY: i32 = 2;
const NOT_WHILE_SUBSCRIBED: i32 = 3;

/** The command to run, or null when it was answered already (an error, or QUEUED inside MULTI). */
function admit(c: Conn): Command | null {
  let cmd = lookupCommand(argPtr(0), argLen(0));
  if (cmd == null || cmd.internal) { refuse(c, UNKNOWN, null); return null; }
  if (cmd.subcommands != null && argc >= 2) {
    const sub = lookupSubcommand(cmd, argPtr(1), argLen(1));
    if (sub == null) { refuse(c, UNKNOWN_SUBCOMMAND, cmd); return null; }
    cmd = sub;
  }
  if (!cmd.arityOk(argc)) { refuse(c, WRONG_ARITY, cmd); return null; }
  if (!c.resp3 && c.channels.length + c.patterns.length > 0 && !allowedWhileSubscribed(cmd)) {
    refuse(c, NOT_WHILE_SUBSCRIBED, cmd);
    return null;
  }
  c.lastCommand = cmd.fullName;
  if (c.inMulti && queueInTurn(c, cmd)) return null;
  cmd.calls++;
  return cmd;
}

/** Answers a command refused before it runs; the error waits its turn behind outstanding replies. */
function refuse(c: Conn, why: i32, cmd: Command | null): void {
  if (why != NOT_WHILE_SUBSCRIBED) flagMultiError(c);
  const queued = mustQueue(c);
  if (queued) beginQueuedReply(c);
  if (why == UNKNOWN) replyUnknownCommand();
  else if (why == UNKNOWN_SUBCOMMAND) replyUnknownSubcommand(cmd!);
  else if (why == WRONG_ARITY) replyWrongArity(cmd!);
  else replyNotAllowedWhileSubscribed(cmd!);
  if (queued) endQueuedReply();
}

/** Queues the command inside MULTI (true), its +QUEUED in its turn; false for EXEC, DISCARD … */
function queueInTurn(c: Conn, cmd: Command): bool {
  const queued = mustQueue(c);
  if (queued) beginQueuedReply(c);
  const done = queueInMulti(c, cmd);
  if (queued) endQueuedReply();
  return done;
}

/**
 * Runs a command here or starts it across shards; its reply keeps its place in the pipeline. A plain
 * command for one other shard joins that shard's batch (shard/forward-batch.ts); anything else that is
 * not simply run here first sends the pending batches, so it cannot overtake them.
 */
function execute(c: Conn, cmd: Command): void {
  if ((cmd.flags & F_BLOCKING) != 0) {
    const b = blockingEntryOf(cmd);
    if (b != null && b.wantsToBlock(c)) { flushForwards(); executeBlocking(c, b); return; }
  }
  const place = cmd.originOnly ? <i32>shardIndex : placeOf(cmd);
  const here = place == <i32>shardIndex;
  if (!here && place >= 0 && forwardsInBatch(cmd)) { forwardInBatch(c, cmd, <u32>place); return; }
  if (!here || cmd.originOnly) flushForwards();
  const queued = mustQueue(c);
  if (queued) beginQueuedReply(c);
  if (here) {
    cmd.handler(c);
  } else {
    const op = startRemote(c, cmd, null, 0);
    if (op != null) {
      if (queued) endQueuedReply();
      attachSlot(c, op, cmd.barrier);
      return;
    }
  }
  if (queued) endQueuedReply();
}

/** A blocking command outside MULTI: it may wait (blocking/start.ts), its reply in its place. */
function executeBlocking(c: Conn, b: BlockingCommand): void {
  const queued = mustQueue(c);
  if (queued) beginQueuedReply(c);
  startBlocking(c, b);
  if (queued) endQueuedReply();
}

const UNKNOWN_COMMAND = new Lit("ERR unknown command '");
const WITH_ARGS = new Lit("', with args beginning with: ");
const UNKNOWN_SUB = new Lit("ERR unknown subcommand '");
const TRY = new Lit("'. Try ");
const HELP = new Lit(" HELP.");
const WRONG_ARGS = new Lit("ERR wrong number of arguments for '");
const COMMAND_END = new Lit("' command");
