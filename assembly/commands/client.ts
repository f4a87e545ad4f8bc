// CLIENT: the connections of this shard, as Redis 7.0.15 shows and manages them. ID, SETNAME, GETNAME,
// INFO and LIST describe (lines formatted by client-list.ts), KILL closes, NO-EVICT sets a flag, HELP
// prints Redis's text. Subcommands Redis 7.0 has and this server does not honour (PAUSE, UNPAUSE, REPLY,
// UNBLOCK, TRACKING, CACHING, GETREDIR, TRACKINGINFO) are absent, so they answer "unknown subcommand".
//
// KILL, as Redis does it: the old form `CLIENT KILL ip:port` may kill the caller and answers OK or
// "No such client"; the new form takes filters (ID, TYPE, ADDR, LADDR, USER, SKIPME) and answers how
// many it killed. Others are terminated at once (connTerminate: the host closes them after what was
// already written); the caller, if it matches, is closed right after this reply (c.closing).
import { Conn, conns } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { connTerminate } from "../shard/session";
import { defineCommand, defineSubcommand, F_ADMIN, F_NOSCRIPT, F_LOADING, F_STALE } from "./table";
import {
  replyInt, replyOk, replyNull, replyBulk, replyErrorLit, replyArrayLen, replySimpleLit,
} from "../resp/writer";
import { argIs, argToInt, argToIntOrReply, argInt } from "./options";
import { unblockConn } from "../blocking/blocked";
import { replySubcommandSyntax } from "./streams-groups";
import { UNBLOCK_TIMEOUT, UNBLOCK_ERROR } from "../blocking/block-op";
import { validClientName, setClientName } from "./client-name";
import { putClientInfo, isSubscribed } from "./client-list";
import { textStart, textVerbatim, putByte, replyErrorQuoting } from "./report-text";
import { bytesEqual } from "../util/bytes";
import { Lit, ByteBuf } from "../util/mem";
import * as E from "../resp/errors";

// ---- client types (TYPE filters): a subscribed connection is a pubsub client, the rest are normal ----

const TYPE_INVALID = -1;
const TYPE_NORMAL = 0;
const TYPE_REPLICA = 1;
const TYPE_PUBSUB = 2;
const TYPE_MASTER = 3;

/** The type named by argument `i` (Redis's getClientTypeByName), or TYPE_INVALID. */
function clientTypeArg(i: i32): i32 {
  if (argIs(i, NORMAL)) return TYPE_NORMAL;
  if (argIs(i, SLAVE) || argIs(i, REPLICA)) return TYPE_REPLICA;
  if (argIs(i, PUBSUB)) return TYPE_PUBSUB;
  if (argIs(i, MASTER)) return TYPE_MASTER;
  return TYPE_INVALID;
}

function clientType(c: Conn): i32 { return isSubscribed(c) ? TYPE_PUBSUB : TYPE_NORMAL; }

// ---- describing ----

function clientId(c: Conn): void { replyInt(c.id); }

function clientSetname(c: Conn): void {
  if (!validClientName(argPtr(2), argLen(2))) { replyErrorLit(E.ERR_CLIENT_NAME); return; }
  setClientName(c, argPtr(2), argLen(2));
  replyOk();
}

function clientGetname(c: Conn): void {
  if (c.name.len == 0) replyNull(); else replyBulk(c.name.ptr, c.name.len);
}

function clientInfo(c: Conn): void {
  textStart();
  putClientInfo(c, c);
  putByte(0x0a);
  textVerbatim();
}

function putListed(other: Conn, caller: Conn): void {
  putClientInfo(other, caller);
  putByte(0x0a);
}

/** CLIENT LIST [TYPE type | ID id ...] */
export function clientList(c: Conn): void {
  let type = TYPE_INVALID;
  if (argc == 4 && argIs(2, TYPE)) {
    type = clientTypeArg(3);
    if (type == TYPE_INVALID) { replyErrorQuoting(E.ERR_UNKNOWN_CLIENT_TYPE, 3); return; }
  } else if (argc > 3 && argIs(2, ID)) {
    for (let i = 3; i < argc; i++) {
      if (!argToInt(i)) { replyErrorLit(E.ERR_INVALID_CLIENT_ID); return; }
    }
    listByIds(c);
    return;
  } else if (argc != 2) {
    replyErrorLit(E.ERR_SYNTAX);
    return;
  }
  textStart();
  const all = conns.values();
  for (let i = 0; i < all.length; i++) {
    const other = all[i];
    if (type == TYPE_INVALID || clientType(other) == type) putListed(other, c);
  }
  textVerbatim();
}

function listByIds(c: Conn): void {
  textStart();
  for (let i = 3; i < argc; i++) {
    argToInt(i);
    if (argInt <= 0 || argInt > <i64>u32.MAX_VALUE || !conns.has(<u32>argInt)) continue;
    putListed(conns.get(<u32>argInt), c);
  }
  textVerbatim();
}

// ---- CLIENT KILL ----

/** The filters of one CLIENT KILL; addr/laddr/user are argument indexes (-1: no filter). */
export class KillFilter {
  addr: i32 = -1;
  laddr: i32 = -1;
  type: i32 = TYPE_INVALID;
  id: i64 = 0;
  skipMe: bool = true;
}

/** Parses the new form's option pairs; false after replying the error. */
function parseKillFilters(f: KillFilter): bool {
  for (let i = 2; i < argc; i += 2) {
    const more = i + 1 < argc;
    if (more && argIs(i, ID)) {
      if (!argToInt(i + 1) || argInt < 1) { replyErrorLit(E.ERR_CLIENT_ID_RANGE); return false; }
      f.id = argInt;
    } else if (more && argIs(i, TYPE)) {
      f.type = clientTypeArg(i + 1);
      if (f.type == TYPE_INVALID) { replyErrorQuoting(E.ERR_UNKNOWN_CLIENT_TYPE, i + 1); return false; }
    } else if (more && argIs(i, ADDR)) {
      f.addr = i + 1;
    } else if (more && argIs(i, LADDR)) {
      f.laddr = i + 1;
    } else if (more && argIs(i, USER)) {
      if (!argIs(i + 1, DEFAULT_USER)) { replyErrorQuoting(E.ERR_NO_SUCH_USER, i + 1); return false; }
    } else if (more && argIs(i, SKIPME)) {
      if (argIs(i + 1, YES)) f.skipMe = true;
      else if (argIs(i + 1, NO)) f.skipMe = false;
      else { replyErrorLit(E.ERR_SYNTAX); return false; }
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

function sameBytes(b: ByteBuf, arg: i32): bool {
  return bytesEqual(b.ptr, b.len, argPtr(arg), argLen(arg));
}

function killMatches(f: KillFilter, other: Conn, callerId: u32): bool {
  if (f.addr >= 0 && !sameBytes(other.addr, f.addr)) return false;
  if (f.laddr >= 0 && !sameBytes(other.laddr, f.laddr)) return false;
  if (f.type != TYPE_INVALID && clientType(other) != f.type) return false;
  if (f.id != 0 && <i64>other.id != f.id) return false;
  return !(other.id == callerId && f.skipMe);
}

/** CLIENT KILL's arguments (from index 2) as a filter; null after replying the error. */
export function killFilterOrReply(): KillFilter | null {
  const f = new KillFilter();
  if (argc == 3) {
    f.addr = 2;
    f.skipMe = false;
  } else if (!parseKillFilters(f)) {
    return null;
  }
  return f;
}

/**
 * Kills this shard's connections that match; the caller (connection `callerId` of this shard, or 0 when
 * it lives elsewhere) is only marked to close after its reply. Returns how many matched.
 */
export function killLocal(f: KillFilter, callerId: u32): i64 {
  const victims = new Array<Conn>();
  let killSelf: Conn | null = null;
  const all = conns.values();
  for (let i = 0; i < all.length; i++) {
    const other = all[i];
    if (!killMatches(f, other, callerId)) continue;
    if (other.id == callerId) killSelf = other; else victims.push(other);
  }
  for (let i = 0; i < victims.length; i++) connTerminate(victims[i]);
  if (killSelf != null) killSelf.closing = true;
  return victims.length + (killSelf != null ? 1 : 0);
}

/** CLIENT KILL's reply for `killed` matches: a count (new form) or OK / "No such client" (old form). */
export function replyKilled(killed: i64, oldForm: bool): void {
  if (!oldForm) replyInt(killed);
  else if (killed == 0) replyErrorLit(E.ERR_NO_SUCH_CLIENT);
  else replyOk();
}

function clientKill(c: Conn): void {
  const f = killFilterOrReply();
  if (f == null) return;
  replyKilled(killLocal(f, c.id), argc == 3);
}

// ---- CLIENT UNBLOCK id [TIMEOUT|ERROR] ----

/** The reason argument (TIMEOUT by default); 0 after replying Redis's error. */
export function unblockReasonOrReply(): u8 {
  if (argc < 4 || argIs(3, TIMEOUT)) return UNBLOCK_TIMEOUT;
  if (argIs(3, ERROR)) return UNBLOCK_ERROR;
  replyErrorLit(ERR_UNBLOCK_REASON);
  return 0;
}

/** CLIENT UNBLOCK's checks in Redis's order: the argument count, the reason, then the id. */
export function unblockArgsOk(): bool {
  if (argc > 4) { replySubcommandSyntax(CLIENT_WORD); return false; }
  if (unblockReasonOrReply() == 0) return false;
  return argToIntOrReply(2);
}

function clientUnblock(c: Conn): void {
  if (!unblockArgsOk()) return;
  const id = argInt;
  const how = unblockReasonOrReply();
  replyInt(id < 0 || id > <i64>u32.MAX_VALUE ? 0 : unblockConn(<u32>id, how));
}

// ---- the rest ----

function clientNoEvict(c: Conn): void {
  if (argIs(2, ON)) c.noEvict = true;
  else if (argIs(2, OFF)) c.noEvict = false;
  else { replyErrorLit(E.ERR_SYNTAX); return; }
  replyOk();
}

function clientHelp(c: Conn): void {
  replyArrayLen(HELP.length);
  for (let i = 0; i < HELP.length; i++) replySimpleLit(HELP[i]);
}

/** The container's own row: never run, dispatch always descends to a subcommand. */
function clientContainer(c: Conn): void {}

export function registerClientCommands(): void {
  const plain = F_NOSCRIPT | F_LOADING | F_STALE;
  const admin = F_ADMIN | plain;
  const cats = "slow connection";
  const adminCats = "admin slow dangerous connection";
  const parent = defineCommand("client", -2, 0, 0, 0, 0, "slow", clientContainer);
  defineSubcommand(parent, "id", 2, plain, 0, 0, 0, cats, clientId);
  defineSubcommand(parent, "setname", 3, plain, 0, 0, 0, cats, clientSetname);
  defineSubcommand(parent, "getname", 2, plain, 0, 0, 0, cats, clientGetname);
  defineSubcommand(parent, "info", 2, plain, 0, 0, 0, cats, clientInfo);
  defineSubcommand(parent, "list", -2, admin, 0, 0, 0, adminCats, clientList);
  defineSubcommand(parent, "kill", -3, admin, 0, 0, 0, adminCats, clientKill);
  defineSubcommand(parent, "no-evict", 3, admin, 0, 0, 0, adminCats, clientNoEvict);
  defineSubcommand(parent, "unblock", -3, admin, 0, 0, 0, adminCats, clientUnblock);
  defineSubcommand(parent, "help", 2, F_LOADING | F_STALE, 0, 0, 0, cats, clientHelp);
}

const TYPE = new Lit("type");
const ID = new Lit("id");
const ADDR = new Lit("addr");
const LADDR = new Lit("laddr");
const USER = new Lit("user");
const SKIPME = new Lit("skipme");
const YES = new Lit("yes");
const NO = new Lit("no");
const ON = new Lit("on");
const OFF = new Lit("off");
const DEFAULT_USER = new Lit("default");
const NORMAL = new Lit("normal");
const SLAVE = new Lit("slave");
const REPLICA = new Lit("replica");
const PUBSUB = new Lit("pubsub");
const MASTER = new Lit("master");

const HELP: Lit[] = [
  new Lit("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("CACHING (YES|NO)"),
  new Lit("    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes."),
  new Lit("GETREDIR"),
  new Lit("    Return the client ID we are redirecting to when tracking is enabled."),
  new Lit("GETNAME"),
  new Lit("    Return the name of the current connection."),
  new Lit("ID"),
  new Lit("    Return the ID of the current connection."),
  new Lit("INFO"),
  new Lit("    Return information about the current client connection."),
  new Lit("KILL <ip:port>"),
  new Lit("    Kill connection made from <ip:port>."),
  new Lit("KILL <option> <value> [<option> <value> [...]]"),
  new Lit("    Kill connections. Options are:"),
  new Lit("    * ADDR (<ip:port>|<unixsocket>:0)"),
  new Lit("      Kill connections made from the specified address"),
  new Lit("    * LADDR (<ip:port>|<unixsocket>:0)"),
  new Lit("      Kill connections made to specified local address"),
  new Lit("    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)"),
  new Lit("      Kill connections by type."),
  new Lit("    * USER <username>"),
  new Lit("      Kill connections authenticated by <username>."),
  new Lit("    * SKIPME (YES|NO)"),
  new Lit("      Skip killing current connection (default: yes)."),
  new Lit("LIST [options ...]"),
  new Lit("    Return information about client connections. Options:"),
  new Lit("    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)"),
  new Lit("      Return clients of specified type."),
  new Lit("UNPAUSE"),
  new Lit("    Stop the current client pause, resuming traffic."),
  new Lit("PAUSE <timeout> [WRITE|ALL]"),
  new Lit("    Suspend all, or just write, clients for <timeout> milliseconds."),
  new Lit("REPLY (ON|OFF|SKIP)"),
  new Lit("    Control the replies sent to the current connection."),
  new Lit("SETNAME <name>"),
  new Lit("    Assign the name <name> to the current connection."),
  new Lit("UNBLOCK <clientid> [TIMEOUT|ERROR]"),
  new Lit("    Unblock the specified blocked client."),
  new Lit("TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]"),
  new Lit("         [OPTIN] [OPTOUT] [NOLOOP]"),
  new Lit("    Control server assisted client side caching."),
  new Lit("TRACKINGINFO"),
  new Lit("    Report tracking status for the current connection."),
  new Lit("NO-EVICT (ON|OFF)"),
  new Lit("    Protect current client connection from eviction."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];

const TIMEOUT = new Lit("timeout");
const ERROR = new Lit("error");
const ERR_UNBLOCK_REASON = new Lit("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
const CLIENT_WORD = new Lit("CLIENT");
