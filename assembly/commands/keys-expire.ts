// A key's time to live, as commands: EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT set it, TTL, PTTL,
// EXPIRETIME and PEXPIRETIME read it, PERSIST removes it. The keyspace (store/keyspace.ts) owns the
// expiry itself (the volatile set, lazy and active deletion); this file owns Redis 7.0's rules for the
// commands, step by step as expireGenericCommand runs them:
//  1. Options NX | XX | GT | LT (any order, repeats allowed); an unknown one is "Unsupported option",
//     then NX with any other is refused, then GT with LT.
//  2. The time must be an integer; seconds are scaled to ms and the base (now, or 0 for the *AT forms)
//     added, and an overflow at either step is "invalid expire time in '<command>' command".
//  3. A missing key replies 0. The options compare against the current TTL, a persistent key counting
//     as an infinite TTL (so GT never applies to it and LT always does).
//  4. A time that is not in the future (when <= now) deletes the key; either way the reply is 1.
// Readers do not touch the key's access time (LOOKUP_NOTOUCH) and round seconds to nearest.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { nowMs } from "../shard/clock";
import { replyInt, replyErrorLit } from "../resp/writer";
import * as E from "../resp/errors";
import { argToIntOrReply, argInt } from "./options";
import { argIsWord, replyErrorWithArg } from "./keys-args";
import { replyExpireTimeError } from "./expire-time";
import { lookup, lookupReadNoTouch, deleteEntry, setExpire, removeExpire } from "../store/keyspace";
import { entryExpireAt, NO_EXPIRY } from "../store/entry";
import { Lit } from "../util/mem";

// ---- setting a TTL ----

const EXPIRE_NX: u32 = 1;
const EXPIRE_XX: u32 = 2;
const EXPIRE_GT: u32 = 4;
const EXPIRE_LT: u32 = 8;

/** The options of the command being run, once parseExpireFlags succeeded. */
let expireFlags: u32 = 0;

/** Step 1. False after replying the error. */
function parseExpireFlags(): bool {
  expireFlags = 0;
  for (let j = 3; j < argc; j++) {
    if (argIsWord(j, NX)) expireFlags |= EXPIRE_NX;
    else if (argIsWord(j, XX)) expireFlags |= EXPIRE_XX;
    else if (argIsWord(j, GT)) expireFlags |= EXPIRE_GT;
    else if (argIsWord(j, LT)) expireFlags |= EXPIRE_LT;
    else { replyErrorWithArg(E.ERR_UNSUPPORTED_OPTION, j); return false; }
  }
  if ((expireFlags & EXPIRE_NX) != 0 && (expireFlags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
    replyErrorLit(E.ERR_EXPIRE_NX_AND);
    return false;
  }
  if ((expireFlags & (EXPIRE_GT | EXPIRE_LT)) == (EXPIRE_GT | EXPIRE_LT)) {
    replyErrorLit(E.ERR_EXPIRE_GT_AND_LT);
    return false;
  }
  return true;
}

/** The absolute expiry in ms computed by expireTimeFromArg. */
let expireWhen: i64 = 0;

/** Step 2. False after replying the error. */
function expireTimeFromArg(baseMs: i64, seconds: bool, command: Lit): bool {
  if (!argToIntOrReply(2)) return false;
  let when = argInt;
  if (seconds) {
    if (when > i64.MAX_VALUE / 1000 || when < i64.MIN_VALUE / 1000) { replyExpireTimeError(command); return false; }
    when *= 1000;
  }
  if (when > i64.MAX_VALUE - baseMs) { replyExpireTimeError(command); return false; }
  expireWhen = when + baseMs;
  return true;
}

/** Step 3: do the options let `when` replace the entry's current expiry? */
function optionsAllow(e: usize, when: i64): bool {
  if (expireFlags == 0) return true;
  const current = entryExpireAt(e);
  if ((expireFlags & EXPIRE_NX) != 0 && current != NO_EXPIRY) return false;
  if ((expireFlags & EXPIRE_XX) != 0 && current == NO_EXPIRY) return false;
  if ((expireFlags & EXPIRE_GT) != 0 && (current == NO_EXPIRY || when <= current)) return false;
  if ((expireFlags & EXPIRE_LT) != 0 && current != NO_EXPIRY && when >= current) return false;
  return true;
}

function expireGeneric(baseMs: i64, seconds: bool, command: Lit): void {
  if (!parseExpireFlags()) return;
  if (!expireTimeFromArg(baseMs, seconds, command)) return;
  const e = lookup(argPtr(1), argLen(1));
  if (e == 0 || !optionsAllow(e, expireWhen)) { replyInt(0); return; }
  if (expireWhen <= nowMs) deleteEntry(e);
  else setExpire(e, expireWhen);
  replyInt(1);
}

export function expire(c: Conn): void { expireGeneric(nowMs, true, EXPIRE_NAME); }
export function pexpire(c: Conn): void { expireGeneric(nowMs, false, PEXPIRE_NAME); }
export function expireat(c: Conn): void { expireGeneric(0, true, EXPIREAT_NAME); }
export function pexpireat(c: Conn): void { expireGeneric(0, false, PEXPIREAT_NAME); }

// ---- reading and removing it ----

/** -2 for a missing key, -1 for a persistent one, else the TTL (or the expiry time) in ms or s. */
function ttlGeneric(inMs: bool, absolute: bool): void {
  const e = lookupReadNoTouch(argPtr(1), argLen(1));
  if (e == 0) { replyInt(-2); return; }
  const at = entryExpireAt(e);
  if (at == NO_EXPIRY) { replyInt(-1); return; }
  let ttl = absolute ? at : at - nowMs;
  if (ttl < 0) ttl = 0;
  // Rounded to the nearest second; unsigned so an expiry near i64.MAX_VALUE cannot wrap.
  replyInt(inMs ? ttl : <i64>((<u64>ttl + 500) / 1000));
}

export function ttl(c: Conn): void { ttlGeneric(false, false); }
export function pttl(c: Conn): void { ttlGeneric(true, false); }
export function expiretime(c: Conn): void { ttlGeneric(false, true); }
export function pexpiretime(c: Conn): void { ttlGeneric(true, true); }

export function persist(c: Conn): void {
  const e = lookup(argPtr(1), argLen(1));
  replyInt(e != 0 && removeExpire(e) ? 1 : 0);
}

const NX = new Lit("nx");
const XX = new Lit("xx");
const GT = new Lit("gt");
const LT = new Lit("lt");
const EXPIRE_NAME = new Lit("expire");
const PEXPIRE_NAME = new Lit("pexpire");
const EXPIREAT_NAME = new Lit("expireat");
const PEXPIREAT_NAME = new Lit("pexpireat");
