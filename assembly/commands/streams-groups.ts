// XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), after Redis 7.0's t_stream.c, and
// what the group commands share: finding a consumer the way streamLookupConsumer does (a consumer is
// "seen" whenever a command looks it up to act for it, not when it is listed) and the subcommand syntax
// error. Groups, consumers and NACKs live in store/stream-groups.ts; the pending entries list commands
// (XACK, XPENDING, XCLAIM, XAUTOCLAIM) are streams-pending.ts; reading through a group (XREADGROUP) is
// streams-read.ts. As in Redis 7.0, no XGROUP subcommand counts as a change of the key for WATCH,
// except CREATE making the stream with MKSTREAM.
import { keyTouched } from "../blocking/waiters";
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, defineSubcommand, F_WRITE, F_DENYOOM, F_LOADING, F_STALE } from "./table";
import { replyErrorLit, replyInt, replyOk, replyArrayLen, replySimpleLit } from "../resp/writer";
import { argToIntOrReply, argInt } from "./options";
import { argCLen, argIsWord } from "./keys-args";
import { Lit } from "../util/mem";
import * as E from "../resp/errors";
import { entryModified } from "../store/keyspace";
import { nowMs } from "../shard/clock";
import { idParse, idMs, idSeq } from "../store/stream-id";
import { streamLastMs, streamLastSeq, streamGroups } from "../store/stream";
import {
  groupCreate, groupLookup, groupDestroy, groupSetLast, groupSetEntriesRead, consumerLookup, consumerCreate,
  consumerDelete, consumerSetSeen, ENTRIES_READ_INVALID,
} from "../store/stream-groups";
import { streamEntry, streamOf, argStrictId, replyNoGroup, argIsSymbol } from "./streams-args";
import { createStream } from "./streams";
import { registerStreamPendingCommands } from "./streams-pending";
import { textStart, putLit, putBytes, textError } from "./report-text";

// ---- shared ----

/** The consumer named `name`, seen now; created when missing (streamLookupConsumer + Create). */
export function consumerFor(g: usize, name: usize, nameLen: u32): usize {
  let c = consumerLookup(g, name, nameLen);
  if (c == 0) c = consumerCreate(g, name, nameLen, nowMs);
  else consumerSetSeen(c, nowMs);
  return c;
}

/** `ERR unknown subcommand or wrong number of arguments for '<argv[1]>'. Try <CMD> HELP.` */
export function replySubcommandSyntax(cmd: Lit): void {
  textStart();
  putLit(E.ERR_SUBCOMMAND_SYNTAX);
  putBytes(argPtr(1), min<u32>(argCLen(1), 128));
  putLit(TRY);
  putLit(cmd);
  putLit(HELP_WORD);
  textError();
}

// ---- XGROUP ----

function xgroupContainer(c: Conn): void {}

/** The common start of XGROUP's subcommands: the stream (0 when missing), or -1 after an error. */
function xgroupStream(mkstream: bool): isize {
  const e = streamEntry(2, false);
  if (e < 0) return -1;
  if (e == 0 && !mkstream) { replyErrorLit(E.ERR_XGROUP_NEEDS_KEY); return -1; }
  return e;
}

/** The group of argument 3 in stream entry `e`, or 0 after replying NOGROUP. */
function xgroupGroup(e: isize): usize {
  const g = groupLookup(streamGroups(streamOf(e)), argPtr(3), argLen(3));
  if (g == 0) replyNoGroup(2, 3);
  return g;
}

function xgroupCreate(c: Conn): void {
  let mkstream = false;
  let entriesRead: i64 = ENTRIES_READ_INVALID;
  for (let i = 5; i < argc;) {
    if (argIsWord(i, MKSTREAM)) { mkstream = true; i++; }
    else if (argIsWord(i, ENTRIESREAD) && i + 1 < argc) {
      if (!argToIntOrReply(i + 1)) return;
      entriesRead = argInt;
      if (entriesRead < 0 && entriesRead != ENTRIES_READ_INVALID) { replyErrorLit(E.ERR_ENTRIESREAD); return; }
      i += 2;
    } else { replySubcommandSyntax(XGROUP_NAME); return; }
  }
  let e = xgroupStream(mkstream);
  if (e < 0) return;
  if (argc > 8) { replySubcommandSyntax(XGROUP_NAME); return; }
  let ms: u64 = 0;
  let seq: u64 = 0;
  if (argIsSymbol(4, 0x24)) {
    if (e != 0) { ms = streamLastMs(streamOf(e)); seq = streamLastSeq(streamOf(e)); }
  } else {
    if (!argStrictId(4, 0)) return;
    ms = idMs;
    seq = idSeq;
  }
  // Only a stream made here (MKSTREAM) counts as a change of the key for WATCH, as in Redis 7.0.
  if (e == 0) {
    e = <isize>createStream(argPtr(2), argLen(2));
    entryModified(<usize>e);
  }
  const g = groupCreate(streamGroups(streamOf(e)), argPtr(3), argLen(3), ms, seq, entriesRead);
  if (g == 0) { replyErrorLit(E.ERR_BUSYGROUP); return; }
  replyOk();
}

function xgroupSetid(c: Conn): void {
  const e = xgroupStream(false);
  if (e < 0) return;
  const g = xgroupGroup(e);
  if (g == 0) return;
  if (argc != 5 && argc != 7) { replySubcommandSyntax(XGROUP_NAME); return; }
  const s = streamOf(e);
  let ms: u64 = 0;
  let seq: u64 = 0;
  if (argIsSymbol(4, 0x24)) {
    ms = streamLastMs(s);
    seq = streamLastSeq(s);
  } else {
    if (!idParse(argPtr(4), argLen(4), 0, false, false)) { replyErrorLit(E.ERR_STREAM_ID); return; }
    ms = idMs;
    seq = idSeq;
  }
  let entriesRead: i64 = ENTRIES_READ_INVALID;
  if (argc == 7) {
    if (!argIsWord(5, ENTRIESREAD)) { replySubcommandSyntax(XGROUP_NAME); return; }
    if (!argToIntOrReply(6)) return;
    entriesRead = argInt;
    if (entriesRead < 0 && entriesRead != ENTRIES_READ_INVALID) { replyErrorLit(E.ERR_ENTRIESREAD); return; }
  }
  groupSetLast(g, ms, seq);
  groupSetEntriesRead(g, entriesRead);
  replyOk();
}

function xgroupDestroy(c: Conn): void {
  const e = xgroupStream(false);
  if (e < 0) return;
  const destroyed = groupDestroy(streamGroups(streamOf(e)), argPtr(3), argLen(3));
  // Blocked XREADGROUP readers of that group are told (not a change of the key for WATCH, as in Redis).
  if (destroyed) keyTouched(argPtr(2), argLen(2));
  replyInt(destroyed ? 1 : 0);
}

function xgroupCreateConsumer(c: Conn): void {
  const e = xgroupStream(false);
  if (e < 0) return;
  const g = xgroupGroup(e);
  if (g == 0) return;
  replyInt(consumerCreate(g, argPtr(4), argLen(4), nowMs) != 0 ? 1 : 0);
}

function xgroupDelConsumer(c: Conn): void {
  const e = xgroupStream(false);
  if (e < 0) return;
  const g = xgroupGroup(e);
  if (g == 0) return;
  const pending = consumerDelete(g, argPtr(4), argLen(4));
  replyInt(pending < 0 ? 0 : pending);
}

function xgroupHelp(c: Conn): void {
  replyArrayLen(XGROUP_HELP.length);
  for (let i = 0; i < XGROUP_HELP.length; i++) replySimpleLit(XGROUP_HELP[i]);
}

export function registerStreamGroupCommands(): void {
  // Subcommands in the order Redis 7.0 lists them (COMMAND INFO).
  const xgroup = defineCommand("xgroup", -2, 0, 0, 0, 0, "slow", xgroupContainer);
  defineSubcommand(xgroup, "delconsumer", 5, F_WRITE, 2, 2, 1, "write stream slow", xgroupDelConsumer);
  defineSubcommand(xgroup, "setid", -5, F_WRITE, 2, 2, 1, "write stream slow", xgroupSetid);
  defineSubcommand(xgroup, "create", -5, F_WRITE | F_DENYOOM, 2, 2, 1, "write stream slow", xgroupCreate);
  defineSubcommand(xgroup, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "stream slow", xgroupHelp);
  defineSubcommand(xgroup, "destroy", 4, F_WRITE, 2, 2, 1, "write stream slow", xgroupDestroy);
  defineSubcommand(xgroup, "createconsumer", 5, F_WRITE | F_DENYOOM, 2, 2, 1, "write stream slow", xgroupCreateConsumer);
  registerStreamPendingCommands();
}

const MKSTREAM = new Lit("mkstream");
const ENTRIESREAD = new Lit("entriesread");
const TRY = new Lit("'. Try ");
const HELP_WORD = new Lit(" HELP.");
const XGROUP_NAME = new Lit("XGROUP");

const XGROUP_HELP: Lit[] = [
  new Lit("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("CREATE <key> <groupname> <id|$> [option]"),
  new Lit("    Create a new consumer group. Options are:"),
  new Lit("    * MKSTREAM"),
  new Lit("      Create the empty stream if it does not exist."),
  new Lit("    * ENTRIESREAD entries_read"),
  new Lit("      Set the group's entries_read counter (internal use)."),
  new Lit("CREATECONSUMER <key> <groupname> <consumer>"),
  new Lit("    Create a new consumer in the specified group."),
  new Lit("DELCONSUMER <key> <groupname> <consumer>"),
  new Lit("    Remove the specified consumer."),
  new Lit("DESTROY <key> <groupname>"),
  new Lit("    Remove the specified group."),
  new Lit("SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]"),
  new Lit("    Set the current group ID and entries_read counter."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
