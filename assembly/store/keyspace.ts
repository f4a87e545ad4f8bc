// The keyspace of this shard: key → entry, with Redis's expiry semantics. A key whose time has passed is
// gone for every reader (lazy expiry on lookup: `now > expireAt`), and the host's tick reclaims expired
// keys nobody touches (store/expiry.ts). Keys with a TTL are also kept in the volatile set so the active
// cycle can sample them in O(1).
import { Dict } from "./dict";
import { hashBytes } from "../util/hash";
import { rawAlloc, rawRealloc } from "../util/mem";
import { nowMs } from "../shard/clock";
import {
  entryAlloc, entryFree, entryKey, entryKeyLen, entryHash, entryExpireAt, entrySetExpireAt, entryType,
  entryValue, entryVolIdx, entrySetVolIdx, entrySetAccess, NO_EXPIRY, TYPE_STRING,
  entryAccess, entryEncoding, entrySetType, entrySetValue, TYPE_LIST, TYPE_ZSET, TYPE_SET, TYPE_HASH, TYPE_STREAM,
} from "./entry";
import { strFree } from "./strval";
import { listFree } from "./list";
import { setFree } from "./set";
import { hashFree } from "./hash";
import { zsetFree } from "./zset";
import { streamFree } from "./stream";
import { keyModified, allKeysModified } from "../shard/watch";
import { keyTouched } from "../blocking/waiters";

const HASH_SEED: u32 = 0x5bd1e995;

export const db = new Dict();

export let statHits: u64 = 0;
export let statMisses: u64 = 0;
export let statExpired: u64 = 0;
export let startMs: i64 = 0;

export function keyspaceStart(now: i64): void { startMs = now; }
export function statExpiredAdd(n: u32): void { statExpired += n; }

// @ts-ignore: decorator
@inline export function keyHash(key: usize, len: u32): u32 { return hashBytes(key, len, HASH_SEED); }

// ---- the volatile set: entries with a TTL, in a dense array for sampling ----

let volatile: usize = rawAlloc(64 << 2);
let volatileCap: u32 = 64;
export let volatileCount: u32 = 0;

// @ts-ignore: decorator
@inline export function volatileAt(i: u32): usize { return <usize>load<u32>(volatile + (<usize>i << 2)); }

function volatileAdd(e: usize): void {
  if (volatileCount == volatileCap) {
    volatileCap <<= 1;
    volatile = rawRealloc(volatile, <usize>volatileCap << 2);
  }
  store<u32>(volatile + (<usize>volatileCount << 2), <u32>e);
  entrySetVolIdx(e, volatileCount);
  volatileCount++;
}

function volatileRemove(e: usize): void {
  const i = entryVolIdx(e);
  volatileCount--;
  const last = volatileAt(volatileCount);
  store<u32>(volatile + (<usize>i << 2), <u32>last);
  entrySetVolIdx(last, i);
}

// ---- lookups ----

// @ts-ignore: decorator
@inline export function isExpired(e: usize): bool {
  const at = entryExpireAt(e);
  return at != NO_EXPIRY && nowMs > at;
}

function accessClock(): u32 { return <u32>((nowMs - startMs) / 1000); }

/** The live entry of `key` (an expired one is deleted on the way), or 0. No stats. */
export function lookup(key: usize, len: u32): usize {
  const e = db.find(key, len, keyHash(key, len));
  if (e == 0) return 0;
  if (isExpired(e)) {
    deleteEntry(e);
    statExpired++;
    return 0;
  }
  entrySetAccess(e, accessClock());
  return e;
}

/** `lookup` for a read command: counts keyspace hits and misses. */
export function lookupRead(key: usize, len: u32): usize {
  const e = lookup(key, len);
  if (e == 0) statMisses++; else statHits++;
  return e;
}

/** Adds a new key (the caller knows it is absent) with no value yet; returns its entry. */
export function insertKey(key: usize, len: u32): usize {
  keyModified(key, len);
  keyTouched(key, len);
  const e = entryAlloc(key, len, keyHash(key, len));
  entrySetAccess(e, accessClock());
  db.add(e);
  return e;
}

// ---- expiry ----

/** A write changed the entry's value or TTL in place (WATCH sees it; blocked clients get a look). */
export function entryModified(e: usize): void {
  keyModified(entryKey(e), entryKeyLen(e));
  keyTouched(entryKey(e), entryKeyLen(e));
}

export function setExpire(e: usize, at: i64): void {
  entryModified(e);
  if (entryExpireAt(e) == NO_EXPIRY) volatileAdd(e);
  entrySetExpireAt(e, at);
}

export function removeExpire(e: usize): bool {
  if (entryExpireAt(e) == NO_EXPIRY) return false;
  entryModified(e);
  volatileRemove(e);
  entrySetExpireAt(e, NO_EXPIRY);
  return true;
}

// ---- values and deletion ----

/** Frees the value of an entry (whatever its type) and leaves the entry valueless. */
export function freeValue(e: usize): void {
  const v = entryValue(e);
  if (v == 0) return;
  entryModified(e);
  const type = entryType(e);
  if (type == TYPE_STRING) strFree(v);
  else if (type == TYPE_LIST) listFree(v);
  else if (type == TYPE_SET) setFree(v);
  else if (type == TYPE_HASH) hashFree(v);
  else if (type == TYPE_ZSET) zsetFree(v);
  else if (type == TYPE_STREAM) streamFree(v);
  entrySetValue(e, 0);
}

/** Removes an entry from the keyspace and frees it. */
export function deleteEntry(e: usize): void {
  // Blocked XREADGROUP clients learn that their stream is gone (WATCH learns it from the command).
  keyTouched(entryKey(e), entryKeyLen(e));
  db.unlink(entryKey(e), entryKeyLen(e), entryHash(e));
  if (entryExpireAt(e) != NO_EXPIRY) volatileRemove(e);
  freeValue(e);
  entryFree(e);
}

export function deleteKey(key: usize, len: u32): bool {
  const e = lookup(key, len);
  if (e == 0) return false;
  deleteEntry(e);
  return true;
}

export function keyCount(): u32 { return db.size; }

/** FLUSHALL / FLUSHDB: frees every key. */
export function flushAll(): void {
  if (db.size > 0) allKeysModified();
  for (let t = 0; t < 2; t++) {
    const n = db.bucketCount(t);
    for (let i: u32 = 0; i < n; i++) {
      let e = db.bucketHead(t, i);
      while (e != 0) {
        const next = <usize>load<u32>(e);
        freeValue(e);
        entryFree(e);
        e = next;
      }
    }
  }
  db.clear();
  volatileCount = 0;
}

// ---- for the key commands (commands/keys*.ts) ----

/**
 * `lookupRead` without touching the access time: Redis's LOOKUP_NOTOUCH, used by the commands that
 * look at a key without "using" it (EXISTS, TYPE, TTL, OBJECT). Counts hits and misses.
 */
export function lookupReadNoTouch(key: usize, len: u32): usize {
  let e = db.find(key, len, keyHash(key, len));
  if (e != 0 && isExpired(e)) {
    deleteEntry(e);
    statExpired++;
    e = 0;
  }
  if (e == 0) statMisses++; else statHits++;
  return e;
}

/** Seconds since the entry was last accessed (OBJECT IDLETIME). */
export function entryIdleSeconds(e: usize): u32 {
  const now = accessClock();
  const at = entryAccess(e);
  return now > at ? now - at : 0;
}

/**
 * Re-keys an entry: a new entry named `key` (absent from the table; the caller deleted any holder)
 * takes over `e`'s value, type, encoding, TTL and access time, and `e` leaves the table and is freed
 * without its value. Returns the new entry. RENAME is this, so nothing is copied or lost but the name.
 */
export function renameEntry(e: usize, key: usize, len: u32): usize {
  const moved = entryAlloc(key, len, keyHash(key, len));
  entrySetType(moved, entryType(e), entryEncoding(e));
  entrySetValue(moved, entryValue(e));
  entrySetAccess(moved, entryAccess(e));
  const at = entryExpireAt(e);
  db.unlink(entryKey(e), entryKeyLen(e), entryHash(e));
  if (at != NO_EXPIRY) volatileRemove(e);
  entryFree(e);
  db.add(moved);
  if (at != NO_EXPIRY) setExpire(moved, at);
  return moved;
}

/** The key exists but its time has passed (it is not deleted here). */
export function keyExpiredNow(key: usize, len: u32): bool {
  const e = db.find(key, len, keyHash(key, len));
  return e != 0 && isExpired(e);
}
