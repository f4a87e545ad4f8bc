// CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the parameters this server actually has.
//
// Only parameters that are facts about this server are listed: fixed ones (databases 1, no persistence,
// no eviction), ones the host tells (port, bind, dir), and the two that can change (hz, maxmemory-policy:
// stored and reported; the policy has no effect while maxmemory is 0, exactly as in Redis). Anything
// else is unknown, with Redis's error. Parameters Redis can change at runtime but this server cannot
// accept only their current value; the ones Redis itself never changes at runtime always refuse.
//
// CONFIG SET follows Redis's two phases: every name is checked first (unknown, immutable, duplicate:
// the first problem found is the error), then every value; nothing changes unless all are good.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, defineSubcommand, Command, F_ADMIN, F_NOSCRIPT, F_LOADING, F_STALE } from "./table";
import { replyMapLen, replyBulk, replyOk, replyErrorLit, replyArrayLen, replySimpleLit } from "../resp/writer";
import { textStart, textError, putLit, putArg, putStr, putByte, putBytes } from "./report-text";
import { hostInfoValue, foundPtr, foundLen } from "../shard/server-info";
import { resetStats } from "./server-stats";
import { globMatch } from "../util/glob";
import { bytesEqualNoCase } from "../util/bytes";
import { parseI64, parsedI64 } from "../util/int";
import { ByteBuf, Lit } from "../util/mem";
import * as E from "../resp/errors";

// ---- the values that can change ----

export let configHz: i32 = 10;
const POLICIES: string[] = [
  "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
  "allkeys-random", "noeviction",
];
let policy: i32 = 7;

export function maxmemoryPolicy(): string { return POLICIES[policy]; }

// ---- the parameter table ----

/** Redis never changes it at runtime: SET always refuses. */
const IMMUTABLE: u8 = 0;
/** Redis can change it, this server cannot: SET accepts the current value only. */
const FIXED: u8 = 1;
/** The two this server can change. */
const HZ: u8 = 2;
const POLICY: u8 = 3;

class Param {
  readonly name: Lit;
  readonly kind: u8;
  /** The value: a constant, or (host = true) the name of a host info line. */
  readonly value: string;
  readonly host: bool;
  constructor(name: string, kind: u8, value: string, host: bool) {
    this.name = new Lit(name);
    this.kind = kind;
    this.value = value;
    this.host = host;
  }
}

const PARAMS: Param[] = [
  new Param("appendonly", FIXED, "no", false),
  new Param("bind", FIXED, "bind", true),
  new Param("cluster-enabled", IMMUTABLE, "no", false),
  new Param("daemonize", IMMUTABLE, "no", false),
  new Param("databases", IMMUTABLE, "1", false),
  new Param("dir", FIXED, "dir", true),
  new Param("hz", HZ, "", false),
  new Param("maxmemory", FIXED, "0", false),
  new Param("maxmemory-policy", POLICY, "", false),
  new Param("port", FIXED, "tcp_port", true),
  new Param("proto-max-bulk-len", FIXED, "536870912", false),
  new Param("save", FIXED, "", false),
  new Param("tcp-keepalive", FIXED, "0", false),
  new Param("timeout", FIXED, "0", false),
];

const valueBuf = new ByteBuf();

function putAscii(s: string): void {
  for (let i = 0; i < s.length; i++) valueBuf.pushByte(<u8>s.charCodeAt(i));
}

/** The current value of parameter `i` into valueBuf; false when the host did not say (not listed). */
function paramValue(i: i32): bool {
  const p = PARAMS[i];
  valueBuf.len = 0;
  if (p.host) {
    if (!hostInfoValue(p.value)) return false;
    valueBuf.append(foundPtr, foundLen);
  } else if (p.kind == HZ) {
    putAscii(configHz.toString());
  } else if (p.kind == POLICY) {
    putAscii(POLICIES[policy]);
  } else {
    putAscii(p.value);
  }
  return true;
}

/** The listed parameter named by argument `arg` (any case), or -1. */
function paramByArg(arg: i32): i32 {
  for (let i = 0; i < PARAMS.length; i++) {
    const name = PARAMS[i].name;
    if (bytesEqualNoCase(argPtr(arg), argLen(arg), name.ptr, name.len) && paramValue(i)) return i;
  }
  return -1;
}

// ---- CONFIG GET ----

/** Per parameter: how it was matched — -1 not, 0 by a pattern (reply its name), else the argument. */
const matchedBy = new Array<i32>(PARAMS.length);

function hasGlob(arg: i32): bool {
  for (let i: u32 = 0; i < argLen(arg); i++) {
    const b = load<u8>(argPtr(arg) + i);
    if (b == 0x2a || b == 0x3f || b == 0x5b) return true;
  }
  return false;
}

function matchArg(arg: i32): void {
  if (!hasGlob(arg)) {
    const i = paramByArg(arg);
    if (i >= 0 && matchedBy[i] < 0) matchedBy[i] = arg;
    return;
  }
  for (let i = 0; i < PARAMS.length; i++) {
    const name = PARAMS[i].name;
    if (matchedBy[i] >= 0 || !paramValue(i)) continue;
    if (globMatch(argPtr(arg), argLen(arg), name.ptr, name.len, true)) matchedBy[i] = 0;
  }
}

function configGet(c: Conn): void {
  for (let i = 0; i < PARAMS.length; i++) matchedBy[i] = -1;
  for (let arg = 2; arg < argc; arg++) matchArg(arg);
  let n = 0;
  for (let i = 0; i < PARAMS.length; i++) if (matchedBy[i] >= 0) n++;
  replyMapLen(n);
  for (let i = 0; i < PARAMS.length; i++) {
    const by = matchedBy[i];
    if (by < 0) continue;
    if (by == 0) replyBulk(PARAMS[i].name.ptr, PARAMS[i].name.len);
    else replyBulk(argPtr(by), argLen(by));
    paramValue(i);
    replyBulk(valueBuf.ptr, valueBuf.len);
  }
}

// ---- CONFIG SET ----

/** `ERR CONFIG SET failed (possibly related to argument '<name>') - <why>`; name from an argument. */
function replySetFailedArg(arg: i32, why: string): void {
  textStart();
  putLit(E.ERR_CONFIG_SET_FAILED);
  putArg(arg);
  putStr("') - ");
  putStr(why);
  textError();
}

function replySetFailedName(name: Lit, why: string): void {
  textStart();
  putLit(E.ERR_CONFIG_SET_FAILED);
  putBytes(name.ptr, name.len);
  putStr("') - ");
  putStr(why);
  textError();
}

/** Phase 1: the names. Fills `targets`; false after replying the first problem. */
function checkNames(targets: i32[]): bool {
  let unknownArg = -1;
  let failedArg = -1;
  let why = "";
  for (let arg = 2; arg < argc; arg += 2) {
    const i = paramByArg(arg);
    targets.push(i);
    if (unknownArg >= 0 || failedArg >= 0) continue;
    if (i < 0) { unknownArg = arg; continue; }
    if (PARAMS[i].kind == IMMUTABLE) { failedArg = arg; why = "can't set immutable config"; continue; }
    for (let j = 0; j < targets.length - 1; j++) {
      if (targets[j] == i) { failedArg = arg; why = "duplicate parameter"; break; }
    }
  }
  if (unknownArg >= 0) { replyErrorQuotingArg(unknownArg); return false; }
  if (failedArg >= 0) { replySetFailedArg(failedArg, why); return false; }
  return true;
}

function replyErrorQuotingArg(arg: i32): void {
  textStart();
  putLit(E.ERR_CONFIG_SET_UNKNOWN);
  putArg(arg);
  putByte(0x27);
  textError();
}

let newHz: i32 = 0;
let newPolicy: i32 = 0;

/** Phase 2: the value of `arg` for parameter `i`; false after replying why it cannot be set. */
function checkValue(i: i32, arg: i32): bool {
  const p = PARAMS[i];
  if (p.kind == HZ) {
    if (!parseI64(argPtr(arg), argLen(arg))) {
      replySetFailedName(p.name, "argument couldn't be parsed into an integer");
      return false;
    }
    if (parsedI64 < 0 || parsedI64 > i32.MAX_VALUE) {
      replySetFailedName(p.name, "argument must be between 0 and 2147483647 inclusive");
      return false;
    }
    newHz = <i32>min<i64>(max<i64>(parsedI64, 1), 500);
    return true;
  }
  if (p.kind == POLICY) {
    for (let k = 0; k < POLICIES.length; k++) {
      const name = String.UTF8.encode(POLICIES[k]);
      if (bytesEqualNoCase(argPtr(arg), argLen(arg), changetype<usize>(name), <u32>name.byteLength)) {
        newPolicy = k;
        return true;
      }
    }
    replySetFailedName(p.name, "argument(s) must be one of the following: " + POLICIES.join(", "));
    return false;
  }
  paramValue(i);
  if (bytesEqualNoCase(argPtr(arg), argLen(arg), valueBuf.ptr, valueBuf.len)) return true;
  replySetFailedName(p.name, "can't set immutable config");
  return false;
}

function configSet(c: Conn): void {
  if ((argc & 1) != 0) { replyErrorLit(E.ERR_SYNTAX); return; }
  const targets = new Array<i32>();
  if (!checkNames(targets)) return;
  let hz = configHz;
  let pol = policy;
  for (let k = 0; k < targets.length; k++) {
    const i = targets[k];
    if (!checkValue(i, 3 + 2 * k)) return;
    if (PARAMS[i].kind == HZ) hz = newHz;
    else if (PARAMS[i].kind == POLICY) pol = newPolicy;
  }
  configHz = hz;
  policy = pol;
  replyOk();
}

// ---- the rest ----

let resetstatRow: Command | null = null;

function configResetstat(c: Conn): void {
  resetStats(resetstatRow!);
  replyOk();
}

function configRewrite(c: Conn): void {
  replyErrorLit(E.ERR_NO_CONFIG_FILE);
}

function configHelp(c: Conn): void {
  replyArrayLen(HELP.length);
  for (let i = 0; i < HELP.length; i++) replySimpleLit(HELP[i]);
}

/** The container's own row: never run, dispatch always descends to a subcommand. */
function configContainer(c: Conn): void {}

export function registerConfigCommands(): void {
  const flags = F_ADMIN | F_NOSCRIPT | F_LOADING | F_STALE;
  const cats = "admin slow dangerous";
  const parent = defineCommand("config", -2, 0, 0, 0, 0, "slow", configContainer);
  defineSubcommand(parent, "get", -3, flags, 0, 0, 0, cats, configGet);
  defineSubcommand(parent, "set", -4, flags, 0, 0, 0, cats, configSet);
  resetstatRow = defineSubcommand(parent, "resetstat", 2, flags, 0, 0, 0, cats, configResetstat);
  defineSubcommand(parent, "rewrite", 2, flags, 0, 0, 0, cats, configRewrite);
  defineSubcommand(parent, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "slow", configHelp);
}

const HELP: Lit[] = [
  new Lit("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("GET <pattern>"),
  new Lit("    Return parameters matching the glob-like <pattern> and their values."),
  new Lit("SET <directive> <value>"),
  new Lit("    Set the configuration <directive> to <value>."),
  new Lit("RESETSTAT"),
  new Lit("    Reset statistics reported by the INFO command."),
  new Lit("REWRITE"),
  new Lit("    Rewrite the configuration file."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
