// Key commands: the ones that act on keys whatever their type. This file holds the family's rows of the
// command table (registerKeyCommands: arity, flags, key positions and ACL categories as Redis 7.0's
// COMMAND INFO shows them) and the small commands; the larger pieces have their own files:
//   keys-expire.ts  EXPIRE family, TTL family, PERSIST
//   keys-scan.ts    KEYS, SCAN
//   keys-object.ts  OBJECT and its subcommands
//   keys-names.ts   type and encoding names (TYPE, SCAN TYPE, OBJECT ENCODING)
//   keys-args.ts    options read as C strings, errors quoting them
// The keyspace (store/keyspace.ts) owns entries, expiry and the hash table; commands here only look
// keys up, delete them, and re-key them (RENAME moves the entry's value, type and TTL to the new name;
// nothing is copied). Commands over several keys see only this shard's keys: the host splits and sums.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import {
  defineCommand, defineSubcommand, F_WRITE, F_READONLY, F_FAST, F_LOADING, F_STALE,
} from "./table";
import { replyInt, replyOk, replyNull, replyBulk, replyErrorLit, replySimpleLit } from "../resp/writer";
import * as E from "../resp/errors";
import { argIsWord } from "./keys-args";
import { typeName, TYPE_NONE_NAME } from "./keys-names";
import {
  expire, pexpire, expireat, pexpireat, ttl, pttl, expiretime, pexpiretime, persist,
} from "./keys-expire";
import { keys, scan } from "./keys-scan";
import {
  objectContainer, objectHelp, objectIdletime, objectEncoding, objectFreq, objectRefcount,
} from "./keys-object";
import {
  db, lookup, lookupRead, lookupReadNoTouch, deleteKey, deleteEntry, renameEntry, isExpired,
  statExpiredAdd, keyCount, flushAll,
} from "../store/keyspace";
import { entryType, entryKey, entryKeyLen } from "../store/entry";
import { bytesEqual } from "../util/bytes";
import { Lit } from "../util/mem";

// ---- existence ----

/** DEL and UNLINK: the number of keys removed (values are freed at once either way). */
function del(c: Conn): void {
  let removed = 0;
  for (let j = 1; j < argc; j++) if (deleteKey(argPtr(j), argLen(j))) removed++;
  replyInt(removed);
}

/** A key named twice counts twice. */
function exists(c: Conn): void {
  let found = 0;
  for (let j = 1; j < argc; j++) if (lookupReadNoTouch(argPtr(j), argLen(j)) != 0) found++;
  replyInt(found);
}

/** Like EXISTS, but a read that updates the keys' access time. */
function touch(c: Conn): void {
  let found = 0;
  for (let j = 1; j < argc; j++) if (lookupRead(argPtr(j), argLen(j)) != 0) found++;
  replyInt(found);
}

function type(c: Conn): void {
  const e = lookupReadNoTouch(argPtr(1), argLen(1));
  replySimpleLit(e == 0 ? TYPE_NONE_NAME : typeName(entryType(e)));
}

/**
 * A random live key, or null. An expired key drawn is deleted and another drawn, as a Redis master
 * does: every retry removes a key, so the tries are bounded by the number of keys.
 */
function randomkey(c: Conn): void {
  while (true) {
    const e = db.random();
    if (e == 0) { replyNull(); return; }
    if (!isExpired(e)) { replyBulk(entryKey(e), entryKeyLen(e)); return; }
    deleteEntry(e);
    statExpiredAdd(1);
  }
}

function dbsize(c: Conn): void {
  replyInt(keyCount());
}

// ---- RENAME ----

/**
 * RENAME (nx false) and RENAMENX. A missing source is an error even when both names are the same; the
 * same name is then a no-op. RENAME overwrites a destination of any type, RENAMENX leaves it and says 0.
 */
function renameGeneric(nx: bool): void {
  const same = bytesEqual(argPtr(1), argLen(1), argPtr(2), argLen(2));
  const src = lookup(argPtr(1), argLen(1));
  if (src == 0) { replyErrorLit(E.ERR_NO_KEY); return; }
  if (same) { replyRenamed(nx, false); return; }
  const dst = lookup(argPtr(2), argLen(2));
  if (dst != 0) {
    if (nx) { replyInt(0); return; }
    deleteEntry(dst);
  }
  renameEntry(src, argPtr(2), argLen(2));
  replyRenamed(nx, true);
}

function replyRenamed(nx: bool, moved: bool): void {
  if (nx) replyInt(moved ? 1 : 0); else replyOk();
}

function rename(c: Conn): void { renameGeneric(false); }
function renamenx(c: Conn): void { renameGeneric(true); }

// ---- FLUSHDB, FLUSHALL ----

/** Both: an optional ASYNC or SYNC (freeing is synchronous either way), anything else a syntax error. */
function flush(c: Conn): void {
  if (argc > 2 || (argc == 2 && !argIsWord(1, SYNC) && !argIsWord(1, ASYNC))) {
    replyErrorLit(E.ERR_SYNTAX);
    return;
  }
  flushAll();
  replyOk();
}

// ---- the table ----

export function registerKeyCommands(): void {
  const W = F_WRITE;
  const WF = F_WRITE | F_FAST;
  const R = F_READONLY;
  const RF = F_READONLY | F_FAST;
  defineCommand("del", -2, W, 1, -1, 1, "keyspace write slow", del);
  defineCommand("unlink", -2, WF, 1, -1, 1, "keyspace write fast", del);
  defineCommand("exists", -2, RF, 1, -1, 1, "keyspace read fast", exists);
  defineCommand("touch", -2, RF, 1, -1, 1, "keyspace read fast", touch);
  defineCommand("type", 2, RF, 1, 1, 1, "keyspace read fast", type);
  defineCommand("expire", -3, WF, 1, 1, 1, "keyspace write fast", expire);
  defineCommand("pexpire", -3, WF, 1, 1, 1, "keyspace write fast", pexpire);
  defineCommand("expireat", -3, WF, 1, 1, 1, "keyspace write fast", expireat);
  defineCommand("pexpireat", -3, WF, 1, 1, 1, "keyspace write fast", pexpireat);
  defineCommand("ttl", 2, RF, 1, 1, 1, "keyspace read fast", ttl);
  defineCommand("pttl", 2, RF, 1, 1, 1, "keyspace read fast", pttl);
  defineCommand("expiretime", 2, RF, 1, 1, 1, "keyspace read fast", expiretime);
  defineCommand("pexpiretime", 2, RF, 1, 1, 1, "keyspace read fast", pexpiretime);
  defineCommand("persist", 2, WF, 1, 1, 1, "keyspace write fast", persist);
  defineCommand("keys", 2, R, 0, 0, 0, "keyspace read slow dangerous", keys);
  defineCommand("scan", -2, R, 0, 0, 0, "keyspace read slow", scan);
  defineCommand("randomkey", 1, R, 0, 0, 0, "keyspace read slow", randomkey);
  defineCommand("rename", 3, W, 1, 2, 1, "keyspace write slow", rename);
  defineCommand("renamenx", 3, WF, 1, 2, 1, "keyspace write fast", renamenx);
  defineCommand("dbsize", 1, RF, 0, 0, 0, "keyspace read fast", dbsize);
  defineCommand("flushdb", -1, W, 0, 0, 0, "keyspace write slow dangerous", flush);
  defineCommand("flushall", -1, W, 0, 0, 0, "keyspace write slow dangerous", flush);
  const object = defineCommand("object", -2, 0, 0, 0, 0, "slow", objectContainer);
  defineSubcommand(object, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "keyspace slow", objectHelp);
  defineSubcommand(object, "idletime", 3, R, 2, 2, 1, "keyspace read slow", objectIdletime);
  defineSubcommand(object, "encoding", 3, R, 2, 2, 1, "keyspace read slow", objectEncoding);
  defineSubcommand(object, "freq", 3, R, 2, 2, 1, "keyspace read slow", objectFreq);
  defineSubcommand(object, "refcount", 3, R, 2, 2, 1, "keyspace read slow", objectRefcount);
}

const SYNC = new Lit("sync");
const ASYNC = new Lit("async");
