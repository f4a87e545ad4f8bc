// OBJECT: what the keyspace knows about a key's value. ENCODING names the entry's encoding byte,
// REFCOUNT tells Redis's shared small integers (0..9999 held as an int: 2147483647) from values owned by
// one key (1), IDLETIME is the seconds since the key was last used, FREQ is refused (it needs an LFU
// maxmemory policy, which this server never has), HELP prints Redis's text. All of them look the key
// up without touching it, and reply null for a missing key. The container and its subcommands are
// rows of the command table (keys.ts); dispatch picks the subcommand.
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { replyNull, replyInt, replyBulkLit, replyErrorLit, replyArrayLen, replySimpleLit } from "../resp/writer";
import * as E from "../resp/errors";
import { encodingName } from "./keys-names";
import { lookupReadNoTouch, entryIdleSeconds } from "../store/keyspace";
import { entryType, entryEncoding, entryValue, TYPE_STRING, ENC_INT } from "../store/entry";
import { strData, strLen } from "../store/strval";
import { parseI64, parsedI64 } from "../util/int";
import { Lit } from "../util/mem";

/** Redis's OBJ_SHARED_REFCOUNT: the refcount of an object shared by every key holding it. */
const SHARED_REFCOUNT: i64 = 2147483647;
/** Redis's OBJ_SHARED_INTEGERS: the integers 0..9999 are shared objects. */
const SHARED_INTEGERS: i64 = 10000;

/** The live entry named by argument 2, or 0 after replying null. */
function objectTarget(): usize {
  const e = lookupReadNoTouch(argPtr(2), argLen(2));
  if (e == 0) replyNull();
  return e;
}

/** Is the value one of Redis's shared integers? (An int-encoded string 0..9999: SET, INCR, … share.) */
function isSharedInteger(e: usize): bool {
  if (entryType(e) != TYPE_STRING || entryEncoding(e) != ENC_INT) return false;
  const v = entryValue(e);
  return parseI64(strData(v), strLen(v)) && parsedI64 >= 0 && parsedI64 < SHARED_INTEGERS;
}

export function objectEncoding(c: Conn): void {
  const e = objectTarget();
  if (e != 0) replyBulkLit(encodingName(entryType(e), entryEncoding(e)));
}

export function objectRefcount(c: Conn): void {
  const e = objectTarget();
  if (e != 0) replyInt(isSharedInteger(e) ? SHARED_REFCOUNT : 1);
}

export function objectIdletime(c: Conn): void {
  const e = objectTarget();
  if (e != 0) replyInt(entryIdleSeconds(e));
}

export function objectFreq(c: Conn): void {
  if (objectTarget() != 0) replyErrorLit(E.ERR_LFU_NOT_SELECTED);
}

export function objectHelp(c: Conn): void {
  replyArrayLen(HELP.length);
  for (let i = 0, n = HELP.length; i < n; i++) replySimpleLit(unchecked(HELP[i]));
}

/** The container's own row: never run, since dispatch always descends to a subcommand. */
export function objectContainer(c: Conn): void {}

/** addReplyHelp's lines for OBJECT: the header, the subcommands, then HELP's own two lines. */
const HELP: Lit[] = [
  new Lit("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("ENCODING <key>"),
  new Lit("    Return the kind of internal representation used in order to store the value"),
  new Lit("    associated with a <key>."),
  new Lit("FREQ <key>"),
  new Lit("    Return the access frequency index of the <key>. The returned integer is"),
  new Lit("    proportional to the logarithm of the recent access frequency of the key."),
  new Lit("IDLETIME <key>"),
  new Lit("    Return the idle time of the <key>, that is the approximated number of"),
  new Lit("    seconds elapsed since the last access to the key."),
  new Lit("REFCOUNT <key>"),
  new Lit("    Return the number of references of the value associated with the specified"),
  new Lit("    <key>."),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
