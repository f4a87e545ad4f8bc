// HSCAN key cursor [MATCH pattern] [COUNT count]: Redis 7.0's scanGenericCommand for a hash.
//  1. The cursor is parsed first (keys-scan.ts parseCursor: strtoul's rules), then the key is looked up:
//     a missing key answers [0, []] without reading the options; a key of another type, WRONGTYPE.
//  2. Options COUNT n (n >= 1) and MATCH pattern, repeatable, the last one winning; anything else
//     (TYPE included: it belongs to SCAN only) is a syntax error.
//  3. A listpack hash answers every pair and cursor 0, whatever the cursor and COUNT. A table is walked
//     with store/hash.ts's reverse-binary cursor (every field present for the whole scan is returned at
//     least once) until the cursor is back to 0, COUNT elements (fields and values both count, as in
//     Redis) are collected, or COUNT*10 steps are spent.
//  4. MATCH filters on the field; a filtered field takes its value with it.
//  5. Reply [cursor as a bulk string, [field, value, …]] (a flat array in RESP3 as in RESP2).
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { defineCommand, F_READONLY } from "./table";
import { replyArrayLen, replyBulk, replyBulkI64, replyErrorLit } from "../resp/writer";
import { parseCursor, scanCursor } from "./keys-scan";
import { globMatch } from "../util/glob";
import { Lit } from "../util/mem";
import * as E from "../resp/errors";
import { entryValue } from "../store/entry";
import { hashForm, hashLoad, hashScan, FORM_LISTPACK, fieldPtr, fieldLen, valPtr, valLen } from "../store/hash";
import { hashEntry } from "./hashes";
import { parseScanOptions, scanCount, scanMatchArg } from "./scan-options";

/** Handles of the pairs collected (store/hash.ts), valid while the command runs. */
let found = new Array<usize>();

/** Step 3; returns the cursor to reply. */
function collect(h: usize, cursor: u64): u64 {
  if (hashForm(h) == FORM_LISTPACK) return hashScan(h, cursor, found);
  let budget: i64 = scanCount * 10;
  do {
    cursor = hashScan(h, cursor, found);
  } while (cursor != 0 && budget-- != 0 && (<i64>found.length << 1) < scanCount);
  return cursor;
}

/** Step 4: keeps the handles whose field matches, in place; returns how many. */
function filter(h: usize): i32 {
  let kept = 0;
  for (let i = 0, n = found.length; i < n; i++) {
    const p = unchecked(found[i]);
    hashLoad(h, p);
    if (scanMatchArg >= 0 && !globMatch(argPtr(scanMatchArg), argLen(scanMatchArg), fieldPtr, fieldLen, false)) continue;
    unchecked(found[kept++] = p);
  }
  return kept;
}

function hscan(c: Conn): void {
  if (!parseCursor(2)) { replyErrorLit(E.ERR_INVALID_CURSOR); return; }
  const cursor = scanCursor;
  const e = hashEntry(1, true);
  if (e < 0) return;
  if (e == 0) {
    replyArrayLen(2);
    replyBulk(ZERO.ptr, ZERO.len);
    replyArrayLen(0);
    return;
  }
  if (!parseScanOptions(3, false)) return;
  const h = entryValue(<usize>e);
  found.length = 0;
  const next = collect(h, cursor);
  const kept = filter(h);
  replyArrayLen(2);
  replyBulkI64(<i64>next);
  replyArrayLen(kept * 2);
  for (let i = 0; i < kept; i++) {
    hashLoad(h, unchecked(found[i]));
    replyBulk(fieldPtr, fieldLen);
    replyBulk(valPtr, valLen);
  }
  if (found.length > 65536) found = new Array<usize>(); else found.length = 0;
}

export function registerHashScan(): void {
  defineCommand("hscan", -3, F_READONLY, 1, 1, 1, "read hash slow", hscan);
}

const ZERO = new Lit("0");
