// Connection commands: PING, ECHO, HELLO, QUIT, RESET, SELECT. They change or describe the connection
// itself, never the keyspace. The server behaves as a Redis with a single database (`databases 1`).
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_FAST, F_LOADING, F_STALE, F_NO_AUTH, F_SENTINEL, F_NOSCRIPT, F_ALLOW_BUSY } from "./table";
import {
  replyBulk, replySimpleLit, replyErrorLit, replyOk, replyMapLen, replyBulkLit, replyInt, replyArrayLen,
  replyTarget, replyError,
} from "../resp/writer";
import { argIs, argToInt, argInt, argToIntOrReply } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { ERR_DB_INDEX } from "../resp/errors";
import { validClientName, setClientName } from "./client-name";
import { connReset } from "./multi";
import { F_PUBSUB_CONTEXT } from "./pubsub";

function ping(c: Conn): void {
  if (argc > 2) { replyPingArity(); return; }
  if (!c.resp3 && c.channels.length + c.patterns.length > 0) {
    // A subscribed RESP2 connection gets PING's answer in the shape of a message.
    replyArrayLen(2);
    replyBulkLit(PONG_LOWER);
    if (argc == 1) replyBulk(0, 0); else replyBulk(argPtr(1), argLen(1));
    return;
  }
  if (argc == 1) replySimpleLit(PONG);
  else replyBulk(argPtr(1), argLen(1));
}

function replyPingArity(): void { replyErrorLit(PING_ARITY); }

function echo(c: Conn): void {
  replyBulk(argPtr(1), argLen(1));
}

function quit(c: Conn): void {
  replyOk();
  c.closing = true;
}

function reset(c: Conn): void {
  connReset(c);
  c.resp3 = false;
  c.name.len = 0;
  replyTarget(c.id, false);
  replySimpleLit(RESET_REPLY);
}

function select(c: Conn): void {
  if (!argToIntOrReply(1)) return;
  if (argInt < i32.MIN_VALUE || argInt > i32.MAX_VALUE) { replyErrorLit(ERR_INT_RANGE); return; }
  if (argInt != 0) { replyErrorLit(ERR_DB_INDEX); return; }
  replyOk();
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
function hello(c: Conn): void {
  let proto: i64 = c.resp3 ? 3 : 2;
  if (argc >= 2) {
    if (!argToInt(1)) { replyErrorLit(ERR_PROTO_VERSION); return; }
    proto = argInt;
    if (proto < 2 || proto > 3) { replyErrorLit(ERR_NOPROTO); return; }
  }
  let nameArg: i32 = -1;
  for (let j = 2; j < argc; j++) {
    const more = argc - j - 1;
    if (argIs(j, AUTH) && more >= 2) {
      if (!argIs(j + 1, DEFAULT_USER)) { replyErrorLit(ERR_WRONGPASS); return; }
      j += 2;
    } else if (argIs(j, SETNAME) && more >= 1) {
      nameArg = j + 1;
      j += 1;
    } else {
      replyHelloSyntax(j);
      return;
    }
  }
  if (nameArg >= 0) {
    if (!validClientName(argPtr(nameArg), argLen(nameArg))) { replyErrorLit(ERR_BAD_NAME); return; }
    setClientName(c, argPtr(nameArg), argLen(nameArg));
  }
  c.resp3 = proto == 3;
  replyTarget(c.id, c.resp3);
  replyMapLen(7);
  replyBulkLit(K_SERVER); replyBulkLit(V_REDIS);
  replyBulkLit(K_VERSION); replyBulkLit(V_VERSION);
  replyBulkLit(K_PROTO); replyInt(proto);
  replyBulkLit(K_ID); replyInt(c.id);
  replyBulkLit(K_MODE); replyBulkLit(V_STANDALONE);
  replyBulkLit(K_ROLE); replyBulkLit(V_MASTER);
  replyBulkLit(K_MODULES); replyArrayLen(0);
}

function replyHelloSyntax(j: i32): void {
  const text = new ByteBuf();
  text.append(ERR_HELLO_OPTION.ptr, ERR_HELLO_OPTION.len);
  text.append(argPtr(j), argLen(j));
  text.pushByte(0x27);
  replyError(text.ptr, text.len);
  text.release();
}

export function registerConnectionCommands(): void {
  defineCommand("ping", -1, F_FAST | F_SENTINEL | F_PUBSUB_CONTEXT, 0, 0, 0, "fast connection", ping);
  defineCommand("echo", 2, F_FAST, 0, 0, 0, "fast connection", echo);
  defineCommand("quit", -1, F_PUBSUB_CONTEXT | F_ALLOW_BUSY | F_NOSCRIPT | F_LOADING | F_STALE | F_FAST | F_NO_AUTH,
    0, 0, 0, "fast connection", quit);
  defineCommand("reset", 1, F_PUBSUB_CONTEXT | F_NOSCRIPT | F_LOADING | F_STALE | F_FAST | F_NO_AUTH | F_ALLOW_BUSY,
    0, 0, 0, "fast connection", reset);
  defineCommand("select", 2, F_LOADING | F_STALE | F_FAST, 0, 0, 0, "fast connection", select);
  defineCommand("hello", -1, F_NOSCRIPT | F_LOADING | F_STALE | F_FAST | F_NO_AUTH | F_SENTINEL | F_ALLOW_BUSY,
    0, 0, 0, "fast connection", hello);
}

const PONG = new Lit("PONG");
const ERR_INT_RANGE = new Lit("ERR value is out of range, value must between -2147483648 and 2147483647");
const PONG_LOWER = new Lit("pong");
const RESET_REPLY = new Lit("RESET");
const PING_ARITY = new Lit("ERR wrong number of arguments for 'ping' command");
const ERR_PROTO_VERSION = new Lit("ERR Protocol version is not an integer or out of range");
const ERR_NOPROTO = new Lit("NOPROTO unsupported protocol version");
const ERR_WRONGPASS = new Lit("WRONGPASS invalid username-password pair or user is disabled.");
const ERR_HELLO_OPTION = new Lit("ERR Syntax error in HELLO option '");
const ERR_BAD_NAME = new Lit("ERR Client names cannot contain spaces, newlines or special characters.");
const AUTH = new Lit("auth");
const SETNAME = new Lit("setname");
const DEFAULT_USER = new Lit("default");
const K_SERVER = new Lit("server");
const V_REDIS = new Lit("redis");
const K_VERSION = new Lit("version");
export const V_VERSION = new Lit("7.0.15");
const K_PROTO = new Lit("proto");
const K_ID = new Lit("id");
const K_MODE = new Lit("mode");
const V_STANDALONE = new Lit("standalone");
const K_ROLE = new Lit("role");
const V_MASTER = new Lit("master");
const K_MODULES = new Lit("modules");
