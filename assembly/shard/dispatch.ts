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
import { runsHere, startRemote, attachSlot } from "./route";
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
  if (mustQueue(c)) {
    // Errors found before the command runs (unknown command, arity) wait their turn too.
    beginQueuedReply(c);
    dispatchChecked(c, nowMs);
    endQueuedReply();
    return;
  }
  dispatchChecked(c, nowMs);
}

function dispatchChecked(c: Conn, nowMs: i64): void {
  clockSet(nowMs);
  c.lastInteractionMs = nowMs;
  let cmd = lookupCommand(argPtr(0), argLen(0));
  if (cmd == null || cmd.internal) { flagMultiError(c); replyUnknownCommand(); return; }
  if (cmd.subcommands != null && argc >= 2) {
    const sub = lookupSubcommand(cmd, argPtr(1), argLen(1));
    if (sub == null) { flagMultiError(c); replyUnknownSubcommand(cmd); return; }
    cmd = sub;
  }
  if (!cmd.arityOk(argc)) { flagMultiError(c); replyWrongArity(cmd); return; }
  if (!c.resp3 && c.channels.length + c.patterns.length > 0 && !allowedWhileSubscribed(cmd)) {
    replyNotAllowedWhileSubscribed(cmd);
    return;
  }
  c.lastCommand = cmd.fullName;
  if (c.inMulti && queueInMulti(c, cmd)) return;
  cmd.calls++;
  execute(c, cmd);
}

/** Runs a command here or starts it across shards; its reply keeps its place in the pipeline. */
function execute(c: Conn, cmd: Command): void {
  if ((cmd.flags & F_BLOCKING) != 0) {
    const b = blockingEntryOf(cmd);
    if (b != null && b.wantsToBlock(c)) { executeBlocking(c, b); return; }
  }
  const queued = mustQueue(c);
  if (queued) beginQueuedReply(c);
  if (cmd.originOnly || runsHere(cmd)) {
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
