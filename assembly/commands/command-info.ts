// COMMAND, COUNT, LIST, INFO and HELP: the command table described to clients, in Redis 7.0's shapes.
// Arity, flags, legacy key positions and ACL categories come from our table (table.ts); tips, key specs
// and the flags the table has no bit for, from what Redis says about the same command (command-meta.ts).
// Commands come in table order (Redis's own order is its hash table's, i.e. arbitrary); the shard-to-shard
// internal rows are never shown. GETKEYS lives in command-getkeys.ts, DOCS in command-docs.ts; all are
// registered here.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import {
  Command, allCommands, defineCommand, defineSubcommand, lookupCommand, lookupSubcommand,
  F_WRITE, F_READONLY, F_DENYOOM, F_ADMIN, F_PUBSUB, F_NOSCRIPT, F_BLOCKING, F_LOADING, F_STALE, F_FAST,
  F_NO_AUTH, F_NO_MULTI, F_ALLOW_BUSY,
} from "./table";
import {
  replyArrayLen, replySetLen, replyInt, replyBulk, replyNull, replyErrorLit, replySimpleLit,
} from "../resp/writer";
import { replySimpleStr, replySimplePrefixed, replyBulkStr } from "./report-text";
import { metaRow, metaField, splitList, META_EXTRA_FLAGS, META_TIPS, META_KEY_SPECS } from "./command-meta";
import { parseKeySpecs, replyKeySpecs } from "./key-specs";
import { argIs } from "./options";
import { globMatch } from "../util/glob";
import { bytesEqualIgnoreCase } from "../util/bytes";
import { Lit } from "../util/mem";
import { ERR_SYNTAX } from "../resp/errors";
import { commandGetkeys, commandGetkeysAndFlags } from "./command-getkeys";
import { commandDocs } from "./command-docs";

// ---- finding commands by name ----

/** A command by its full name (`get`, `client|list`), as COMMAND INFO and DOCS take it; null if none. */
export function lookupByFullName(ptr: usize, len: u32): Command | null {
  let bar: u32 = 0;
  while (bar < len && load<u8>(ptr + bar) != 0x7c) bar++;
  const base = lookupCommand(ptr, bar);
  if (base != null && base.internal) return null;
  if (bar == len) return base;
  if (base == null || base.subcommands == null) return null;
  const rest = ptr + bar + 1;
  const restLen = len - bar - 1;
  for (let i: u32 = 0; i < restLen; i++) if (load<u8>(rest + i) == 0x7c) return null;
  return lookupSubcommand(base, rest, restLen);
}

/** The top-level commands clients can see: all but the shard-to-shard ones. */
export function publicCommands(): Command[] {
  const list = new Array<Command>();
  for (let i = 0, n = allCommands.length; i < n; i++) {
    const cmd = unchecked(allCommands[i]);
    if (!cmd.internal) list.push(cmd);
  }
  return list;
}

/** Calls `visit` for every public command, each top-level one followed by its subcommands. */
export function forEachCommand(visit: (cmd: Command) => void): void {
  const list = publicCommands();
  for (let i = 0, n = list.length; i < n; i++) {
    const cmd = unchecked(list[i]);
    visit(cmd);
    const subs = cmd.subcommands;
    if (subs == null) continue;
    for (let j = 0, m = subs.length; j < m; j++) visit(unchecked(subs[j]));
  }
}

// ---- one command's description ----

/**
 * Every flag COMMAND INFO can show, in the order Redis prints them (addReplyFlagsForCommand; sentinel is
 * hidden there), with its table bit — 0 for the flags only Redis's facts carry (META_EXTRA_FLAGS).
 */
const FLAG_ORDER: string[] = [
  "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
  "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "no_mandatory_keys", "no_async_loading",
  "no_multi", "movablekeys", "allow_busy",
];
const FLAG_BITS: u32[] = [
  F_WRITE, F_READONLY, F_DENYOOM, 0, F_ADMIN, F_PUBSUB, F_NOSCRIPT, F_BLOCKING, F_LOADING, F_STALE,
  0, 0, 0, F_FAST, F_NO_AUTH, 0, 0,
  F_NO_MULTI, 0, F_ALLOW_BUSY,
];

function hasFlag(cmd: Command, extra: string[], i: i32): bool {
  const bit = FLAG_BITS[i];
  return bit != 0 ? (cmd.flags & bit) != 0 : extra.includes(FLAG_ORDER[i]);
}

function replyFlags(cmd: Command, extra: string[]): void {
  let n = 0;
  for (let i = 0; i < FLAG_ORDER.length; i++) if (hasFlag(cmd, extra, i)) n++;
  replySetLen(n);
  for (let i = 0; i < FLAG_ORDER.length; i++) if (hasFlag(cmd, extra, i)) replySimpleStr(FLAG_ORDER[i]);
}

function replyCategories(cmd: Command): void {
  const names = splitList(cmd.categories, " ");
  replySetLen(names.length);
  for (let i = 0; i < names.length; i++) replySimplePrefixed(0x40, names[i]);
}

function replyTips(row: i32): void {
  const tips = splitList(metaField(row, META_TIPS), ",");
  replySetLen(tips.length);
  for (let i = 0; i < tips.length; i++) replyBulkStr(tips[i]);
}

/** COMMAND INFO's ten fields for one command, its subcommands nested. */
export function replyCommandInfo(cmd: Command): void {
  const row = metaRow(cmd.fullName);
  replyArrayLen(10);
  replyBulk(cmd.fullNameLit.ptr, cmd.fullNameLit.len);
  replyInt(cmd.arity);
  replyFlags(cmd, splitList(metaField(row, META_EXTRA_FLAGS), ","));
  replyInt(cmd.firstKey);
  replyInt(cmd.lastKey);
  replyInt(cmd.keyStep);
  replyCategories(cmd);
  replyTips(row);
  replyKeySpecs(parseKeySpecs(metaField(row, META_KEY_SPECS)));
  const subs = cmd.subcommands;
  if (subs == null) { replySetLen(0); return; }
  replyArrayLen(subs.length);
  for (let i = 0; i < subs.length; i++) replyCommandInfo(subs[i]);
}

function replyAllCommandInfo(): void {
  const list = publicCommands();
  replyArrayLen(list.length);
  for (let i = 0, n = list.length; i < n; i++) replyCommandInfo(unchecked(list[i]));
}

// ---- the handlers ----

/** COMMAND with no subcommand: every command. */
function command(c: Conn): void {
  replyAllCommandInfo();
}

function commandCount(c: Conn): void {
  replyInt(publicCommands().length);
}

function commandInfo(c: Conn): void {
  if (argc == 2) { replyAllCommandInfo(); return; }
  replyArrayLen(argc - 2);
  for (let i = 2; i < argc; i++) {
    const cmd = lookupByFullName(argPtr(i), argLen(i));
    if (cmd == null) replyNull(); else replyCommandInfo(cmd);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]

const FILTER_NONE = 0;
const FILTER_MODULE = 1;
const FILTER_ACLCAT = 2;
const FILTER_PATTERN = 3;
let listFilter = FILTER_NONE;
let listCount = 0;

function hasCategory(cmd: Command, ptr: usize, len: u32): bool {
  const names = splitList(cmd.categories, " ");
  for (let i = 0; i < names.length; i++) {
    const name = String.UTF8.encode(names[i]);
    if (bytesEqualIgnoreCase(ptr, len, changetype<usize>(name), <u32>name.byteLength)) return true;
  }
  return false;
}

function listed(cmd: Command): bool {
  if (listFilter == FILTER_NONE) return true;
  if (listFilter == FILTER_ACLCAT) return hasCategory(cmd, argPtr(4), argLen(4));
  if (listFilter == FILTER_PATTERN) {
    return globMatch(argPtr(4), argLen(4), cmd.fullNameLit.ptr, cmd.fullNameLit.len, true);
  }
  return false; // FILTER_MODULE: this server has no modules
}

function countListed(cmd: Command): void { if (listed(cmd)) listCount++; }
function replyListed(cmd: Command): void {
  if (listed(cmd)) replyBulk(cmd.fullNameLit.ptr, cmd.fullNameLit.len);
}

function parseListFilter(): bool {
  listFilter = FILTER_NONE;
  if (argc == 2) return true;
  if (argc != 5 || !argIs(2, FILTERBY)) return false;
  if (argIs(3, MODULE)) listFilter = FILTER_MODULE;
  else if (argIs(3, ACLCAT)) listFilter = FILTER_ACLCAT;
  else if (argIs(3, PATTERN)) listFilter = FILTER_PATTERN;
  return listFilter != FILTER_NONE;
}

function commandList(c: Conn): void {
  if (!parseListFilter()) { replyErrorLit(ERR_SYNTAX); return; }
  listCount = 0;
  forEachCommand(countListed);
  replyArrayLen(listCount);
  forEachCommand(replyListed);
}

function commandHelp(c: Conn): void {
  replyArrayLen(HELP.length);
  for (let i = 0; i < HELP.length; i++) replySimpleLit(HELP[i]);
}

export function registerCommandCommand(): void {
  const flags = F_LOADING | F_STALE;
  const cats = "slow connection";
  const parent = defineCommand("command", -1, flags, 0, 0, 0, cats, command);
  defineSubcommand(parent, "count", 2, flags, 0, 0, 0, cats, commandCount);
  defineSubcommand(parent, "list", -2, flags, 0, 0, 0, cats, commandList);
  defineSubcommand(parent, "info", -2, flags, 0, 0, 0, cats, commandInfo);
  defineSubcommand(parent, "docs", -2, flags, 0, 0, 0, cats, commandDocs);
  defineSubcommand(parent, "getkeys", -4, flags, 0, 0, 0, cats, commandGetkeys);
  defineSubcommand(parent, "getkeysandflags", -4, flags, 0, 0, 0, cats, commandGetkeysAndFlags);
  defineSubcommand(parent, "help", 2, flags, 0, 0, 0, cats, commandHelp);
}

const FILTERBY = new Lit("filterby");
const MODULE = new Lit("module");
const ACLCAT = new Lit("aclcat");
const PATTERN = new Lit("pattern");

const HELP: Lit[] = [
  new Lit("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("(no subcommand)"),
  new Lit("    Return details about all Redis commands."),
  new Lit("COUNT"),
  new Lit("    Return the total number of commands in this Redis server."),
  new Lit("LIST"),
  new Lit("    Return a list of all commands in this Redis server."),
  new Lit("INFO [<command-name> ...]"),
  new Lit("    Return details about multiple Redis commands."),
  new Lit("    If no command names are given, documentation details for all"),
  new Lit("    commands are returned."),
  new Lit("DOCS [<command-name> ...]"),
  new Lit("    Return documentation details about multiple Redis commands."),
  new Lit("    If no command names are given, documentation details for all"),
  new Lit("    commands are returned."),
  new Lit("GETKEYS <full-command>"),
  new Lit("    Return the keys from a full Redis command."),
  new Lit("GETKEYSANDFLAGS <full-command>"),
  new Lit("    Return the keys and the access flags from a full Redis command."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
