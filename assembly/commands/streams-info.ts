// XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP, in Redis 7.0.15's shapes: maps (flat arrays
// in RESP2), keys in Redis's order, groups and consumers in name order. radix-tree-keys is our node
// count (nodes split where Redis's listpacks do); radix-tree-nodes is the size of the radix tree Redis
// would build over those nodes' first IDs (store/stream-index.ts). Times (seen-time, idle, delivery
// times) come from the shard's clock.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, defineSubcommand, F_READONLY, F_LOADING, F_STALE } from "./table";
import { replyErrorLit, replyInt, replyNull, replyArrayLen, replyMapLen, replyBulk, replyBulkLit, replySimpleLit } from "../resp/writer";
import { argToIntOrReply, argInt } from "./options";
import { Lit } from "../util/mem";
import * as E from "../resp/errors";
import { argIsWord } from "./keys-args";
import { nowMs } from "../shard/clock";
import { ID_MAX } from "../store/stream-id";
import {
  streamLength, streamLastMs, streamLastSeq, streamFirstMs, streamFirstSeq, streamMaxDelMs, streamMaxDelSeq,
  streamEntriesAdded, streamGroups, streamNodeCount, streamGroupLag, lagValue, streamIndex,
} from "../store/stream";
import { idxSeekFirst, idxSeekLast, raxNodeCount } from "../store/stream-index";
import {
  namesCount, namesAt, itemName, itemNameLen, groupLookup, groupLastMs, groupLastSeq, groupEntriesRead,
  groupPel, groupConsumers, consumerPel, consumerSeen, nackTime, nackCount, nackConsumer, ENTRIES_READ_INVALID,
} from "../store/stream-groups";
import { pelCount, pelMs, pelSeq, pelValue } from "../store/stream-pel";
import { streamEntry, streamOf, replyId, replyRange, replyNoGroup, replyCurrentEntry } from "./streams-args";
import { replySubcommandSyntax } from "./streams-groups";

function xinfoContainer(c: Conn): void {}

/** The stream of argument 2, or 0 after replying (no such key / WRONGTYPE). */
function infoStream(): usize {
  const e = streamEntry(2, true);
  if (e < 0) return 0;
  if (e == 0) { replyErrorLit(E.ERR_NO_KEY); return 0; }
  return streamOf(e);
}

function key(name: Lit): void { replyBulkLit(name); }

function radixNodes(s: usize): i64 { return raxNodeCount(streamIndex(s)); }

function xinfoStream(c: Conn): void {
  const s = infoStream();
  if (s == 0) return;
  let full = false;
  let count: i64 = 10;
  const optc = argc - 3;
  if (optc > 0) {
    if ((optc != 1 && optc != 3) || !argIsWord(3, FULL)) { replySubcommandSyntax(XINFO_NAME); return; }
    if (optc == 3) {
      if (!argIsWord(4, COUNT)) { replySubcommandSyntax(XINFO_NAME); return; }
      if (!argToIntOrReply(5)) return;
      count = argInt < 0 ? 10 : argInt;
    }
    full = true;
  }
  replyMapLen(full ? 9 : 10);
  key(LENGTH); replyInt(<i64>streamLength(s));
  key(RADIX_KEYS); replyInt(<i64>streamNodeCount(s));
  key(RADIX_NODES); replyInt(radixNodes(s));
  key(LAST_ID); replyId(streamLastMs(s), streamLastSeq(s));
  key(MAX_DELETED); replyId(streamMaxDelMs(s), streamMaxDelSeq(s));
  key(ENTRIES_ADDED); replyInt(<i64>streamEntriesAdded(s));
  key(RECORDED_FIRST); replyId(streamFirstMs(s), streamFirstSeq(s));
  const t = streamGroups(s);
  if (!full) {
    key(GROUPS); replyInt(namesCount(t));
    key(FIRST_ENTRY); edgeEntry(s, false);
    key(LAST_ENTRY); edgeEntry(s, true);
    return;
  }
  key(ENTRIES);
  replyRange(s, 0, 0, ID_MAX, ID_MAX, <u64>count, false);
  key(GROUPS);
  replyArrayLen(namesCount(t));
  for (let i: u32 = 0; i < namesCount(t); i++) fullGroup(s, namesAt(t, i), count);
}

/** The first or last entry, or a null. */
function edgeEntry(s: usize, last: bool): void {
  if (streamLength(s) == 0) { replyNull(); return; }
  // replyRange writes an array of one entry; the entry alone is wanted.
  replyRangeOne(s, last);
}

function replyRangeOne(s: usize, last: bool): void {
  const ok = last ? idxSeekLast(streamIndex(s), ID_MAX, ID_MAX) : idxSeekFirst(streamIndex(s), 0, 0);
  if (ok) replyCurrentEntry(); else replyNull();
}

function entriesRead(g: usize): void {
  const v = groupEntriesRead(g);
  if (v != ENTRIES_READ_INVALID) replyInt(v); else replyNull();
}

function lag(s: usize, g: usize): void {
  if (streamGroupLag(s, g)) replyInt(lagValue); else replyNull();
}

function fullGroup(s: usize, g: usize, count: i64): void {
  replyMapLen(7);
  key(NAME); replyBulk(itemName(g), itemNameLen(g));
  key(LAST_DELIVERED); replyId(groupLastMs(g), groupLastSeq(g));
  key(ENTRIES_READ); entriesRead(g);
  key(LAG); lag(s, g);
  const pel = groupPel(g);
  key(PEL_COUNT); replyInt(pelCount(pel));
  key(PENDING);
  const n = count == 0 ? pelCount(pel) : <u32>min<i64>(count, pelCount(pel));
  replyArrayLen(n);
  for (let i: u32 = 0; i < n; i++) {
    const nack = pelValue(pel, i);
    replyArrayLen(4);
    replyId(pelMs(pel, i), pelSeq(pel, i));
    const owner = nackConsumer(nack);
    replyBulk(itemName(owner), itemNameLen(owner));
    replyInt(nackTime(nack));
    replyInt(<i64>nackCount(nack));
  }
  const cs = groupConsumers(g);
  key(CONSUMERS);
  replyArrayLen(namesCount(cs));
  for (let i: u32 = 0; i < namesCount(cs); i++) {
    const cons = namesAt(cs, i);
    const cp = consumerPel(cons);
    replyMapLen(4);
    key(NAME); replyBulk(itemName(cons), itemNameLen(cons));
    key(SEEN_TIME); replyInt(consumerSeen(cons));
    key(PEL_COUNT); replyInt(pelCount(cp));
    key(PENDING);
    const m = count == 0 ? pelCount(cp) : <u32>min<i64>(count, pelCount(cp));
    replyArrayLen(m);
    for (let k: u32 = 0; k < m; k++) {
      const nack = pelValue(cp, k);
      replyArrayLen(3);
      replyId(pelMs(cp, k), pelSeq(cp, k));
      replyInt(nackTime(nack));
      replyInt(<i64>nackCount(nack));
    }
  }
}

function xinfoGroups(c: Conn): void {
  const s = infoStream();
  if (s == 0) return;
  const t = streamGroups(s);
  replyArrayLen(namesCount(t));
  for (let i: u32 = 0; i < namesCount(t); i++) {
    const g = namesAt(t, i);
    replyMapLen(6);
    key(NAME); replyBulk(itemName(g), itemNameLen(g));
    key(CONSUMERS); replyInt(namesCount(groupConsumers(g)));
    key(PENDING); replyInt(pelCount(groupPel(g)));
    key(LAST_DELIVERED); replyId(groupLastMs(g), groupLastSeq(g));
    key(ENTRIES_READ); entriesRead(g);
    key(LAG); lag(s, g);
  }
}

function xinfoConsumers(c: Conn): void {
  const s = infoStream();
  if (s == 0) return;
  const g = groupLookup(streamGroups(s), argPtr(3), argLen(3));
  if (g == 0) { replyNoGroup(2, 3); return; }
  const cs = groupConsumers(g);
  const now = nowMs;
  replyArrayLen(namesCount(cs));
  for (let i: u32 = 0; i < namesCount(cs); i++) {
    const cons = namesAt(cs, i);
    replyMapLen(3);
    key(NAME); replyBulk(itemName(cons), itemNameLen(cons));
    key(PENDING); replyInt(pelCount(consumerPel(cons)));
    const idle = now - consumerSeen(cons);
    key(IDLE); replyInt(idle < 0 ? 0 : idle);
  }
}

function xinfoHelp(c: Conn): void {
  replyArrayLen(XINFO_HELP.length);
  for (let i = 0; i < XINFO_HELP.length; i++) replySimpleLit(XINFO_HELP[i]);
}

export function registerStreamInfoCommands(): void {
  // Subcommands in the order Redis 7.0 lists them (COMMAND INFO).
  const xinfo = defineCommand("xinfo", -2, 0, 0, 0, 0, "slow", xinfoContainer);
  defineSubcommand(xinfo, "stream", -3, F_READONLY, 2, 2, 1, "read stream slow", xinfoStream);
  defineSubcommand(xinfo, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "stream slow", xinfoHelp);
  defineSubcommand(xinfo, "groups", 3, F_READONLY, 2, 2, 1, "read stream slow", xinfoGroups);
  defineSubcommand(xinfo, "consumers", 4, F_READONLY, 2, 2, 1, "read stream slow", xinfoConsumers);
}

const FULL = new Lit("full");
const COUNT = new Lit("count");
const XINFO_NAME = new Lit("XINFO");
const LENGTH = new Lit("length");
const RADIX_KEYS = new Lit("radix-tree-keys");
const RADIX_NODES = new Lit("radix-tree-nodes");
const LAST_ID = new Lit("last-generated-id");
const MAX_DELETED = new Lit("max-deleted-entry-id");
const ENTRIES_ADDED = new Lit("entries-added");
const RECORDED_FIRST = new Lit("recorded-first-entry-id");
const GROUPS = new Lit("groups");
const FIRST_ENTRY = new Lit("first-entry");
const LAST_ENTRY = new Lit("last-entry");
const ENTRIES = new Lit("entries");
const NAME = new Lit("name");
const LAST_DELIVERED = new Lit("last-delivered-id");
const ENTRIES_READ = new Lit("entries-read");
const LAG = new Lit("lag");
const PEL_COUNT = new Lit("pel-count");
const PENDING = new Lit("pending");
const CONSUMERS = new Lit("consumers");
const SEEN_TIME = new Lit("seen-time");
const IDLE = new Lit("idle");

const XINFO_HELP: Lit[] = [
  new Lit("XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("CONSUMERS <key> <groupname>"),
  new Lit("    Show consumers of <groupname>."),
  new Lit("GROUPS <key>"),
  new Lit("    Show the stream consumer groups."),
  new Lit("STREAM <key> [FULL [COUNT <count>]"),
  new Lit("    Show information about the stream."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
