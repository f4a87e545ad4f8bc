// Walking the keyspace: KEYS (every live key matching a glob, in one reply) and SCAN (a cursor over the
// hash table's buckets, store/dict.ts). The dict owns the reverse-binary cursor and its guarantee (a key
// present for the whole scan is returned at least once, across resizes); this file owns Redis 7.0's
// scanGenericCommand around it:
//  1. The cursor is read like C's strtoul (sign allowed, no leading space, nothing after the digits).
//  2. Options COUNT n (n >= 1), MATCH pattern, TYPE name, repeatable, the last one winning.
//  3. Collect: dict steps until the cursor is back to 0, COUNT keys are collected, or COUNT*10 steps
//     are spent (so a sparse table cannot stall the shard).
//  4. Filter in order: the pattern, then the type (looked up like a read, so an expired key is deleted
//     there and reads as "none"), then expiry (an expired key still here is deleted and dropped).
//  5. Reply [cursor as a bulk string (printed as a signed 64-bit number, like Redis), [keys]].
// Neither command touches keys' access times; KEYS skips expired keys without deleting them.
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { replyArrayLen, replyBulk, replyBulkI64, replyErrorLit } from "../resp/writer";
import * as E from "../resp/errors";
import { argIsWord } from "./keys-args";
import { parseScanOptions, scanCount, scanMatchArg, scanTypeArg, isMatchAll } from "./scan-options";
import { typeName, TYPE_NONE_NAME } from "./keys-names";
import { db, isExpired, deleteEntry, lookupReadNoTouch, statExpiredAdd } from "../store/keyspace";
import { entryKey, entryKeyLen, entryType, entryNext } from "../store/entry";
import { globMatch } from "../util/glob";
import { ByteBuf } from "../util/mem";

/** Entries collected by the command being run (reused; an entry is valid until its key is deleted). */
let found = new Array<usize>();

/** Empties `found` after a command, giving back the memory of a very large KEYS reply. */
function releaseFound(): void {
  if (found.length > 65536) found = new Array<usize>();
  else found.length = 0;
}

// ---- KEYS ----

/** True when argument `i` is exactly "*", which Redis matches without the glob (it also takes ""). */
function collectMatching(patArg: i32): void {
  const all = isMatchAll(patArg);
  const pat = argPtr(patArg);
  const patLen = argLen(patArg);
  for (let t = 0; t < 2; t++) {
    const n = db.bucketCount(t);
    for (let i: u32 = 0; i < n; i++) {
      for (let e = db.bucketHead(t, i); e != 0; e = entryNext(e)) {
        if (isExpired(e)) continue;
        if (all || globMatch(pat, patLen, entryKey(e), entryKeyLen(e), false)) found.push(e);
      }
    }
  }
}

export function keys(c: Conn): void {
  found.length = 0;
  collectMatching(1);
  const n = found.length;
  replyArrayLen(n);
  for (let i = 0; i < n; i++) {
    const e = unchecked(found[i]);
    replyBulk(entryKey(e), entryKeyLen(e));
  }
  releaseFound();
}

// ---- SCAN: step 1, the cursor ----

export let scanCursor: u64 = 0;

// @ts-ignore: decorator
@inline function isCSpace(b: u32): bool { return b == 0x20 || b - 0x09 < 5; }

/** Reads argument `i` as strtoul(…, 10) with Redis's checks; false when it is an invalid cursor. */
export function parseCursor(i: i32): bool {
  const p = argPtr(i);
  const n = argLen(i);
  if (n == 0) { scanCursor = 0; return true; }
  const first = <u32>load<u8>(p);
  if (isCSpace(first)) return false;
  let k: u32 = first == 0x2b || first == 0x2d ? 1 : 0;
  const digitsFrom = k;
  let v: u64 = 0;
  let overflow = false;
  for (; k < n; k++) {
    const d = <u32>load<u8>(p + k) - 0x30;
    if (d > 9) break;
    if (v > (u64.MAX_VALUE - d) / 10) overflow = true;
    else v = v * 10 + d;
  }
  // With no digits strtoul consumes nothing, so the text must end right at its start.
  const end: u32 = k == digitsFrom ? 0 : k;
  if (overflow || (end < n && load<u8>(p + end) != 0)) return false;
  scanCursor = first == 0x2d ? 0 - v : v;
  return true;
}

// ---- SCAN: step 2, the options ----


// ---- SCAN: steps 3 and 4 ----

/** Step 3: returns the cursor to reply. */
function scanCollect(cursor: u64): u64 {
  let budget: i64 = scanCount * 10;
  do {
    cursor = db.scan(cursor, found);
  } while (cursor != 0 && budget-- != 0 && <i64>found.length < scanCount);
  return cursor;
}

/** Keys kept by the filter, as [len u32][bytes] records: a kept key may be deleted (see step 4). */
const kept = new ByteBuf();
let keptCount: i32 = 0;

function keep(key: usize, len: u32): void {
  kept.reserve(4 + len);
  store<u32>(kept.ptr + kept.len, len);
  memory.copy(kept.ptr + kept.len + 4, key, len);
  kept.len += 4 + len;
}

/** Step 4 for one collected entry; the entry may be freed on the way. */
function scanFilter(e: usize): void {
  if (scanMatchArg >= 0 &&
      !globMatch(argPtr(scanMatchArg), argLen(scanMatchArg), entryKey(e), entryKeyLen(e), false)) return;
  const mark = kept.len;
  keep(entryKey(e), entryKeyLen(e));
  if (scanTypeArg >= 0) {
    const live = lookupReadNoTouch(kept.ptr + mark + 4, entryKeyLen(e));
    const name = live == 0 ? TYPE_NONE_NAME : typeName(entryType(live));
    if (!argIsWord(scanTypeArg, name)) { kept.len = mark; return; }
    // An expired key was deleted by that lookup; Redis then finds nothing to expire and keeps the name.
    if (live == 0) { keptCount++; return; }
  }
  if (isExpired(e)) {
    deleteEntry(e);
    statExpiredAdd(1);
    kept.len = mark;
    return;
  }
  keptCount++;
}

function replyKept(): void {
  replyArrayLen(keptCount);
  let at = kept.ptr;
  for (let i = 0; i < keptCount; i++) {
    const len = load<u32>(at);
    replyBulk(at + 4, len);
    at += 4 + len;
  }
}

export function scan(c: Conn): void {
  if (!parseCursor(1)) { replyErrorLit(E.ERR_INVALID_CURSOR); return; }
  if (!parseScanOptions(2, true)) return;
  found.length = 0;
  const cursor = scanCollect(scanCursor);
  kept.len = 0;
  keptCount = 0;
  for (let i = 0, n = found.length; i < n; i++) scanFilter(unchecked(found[i]));
  releaseFound();
  replyArrayLen(2);
  replyBulkI64(<i64>cursor);
  replyKept();
  kept.len = 0;
  kept.shrinkIfIdle();
}

