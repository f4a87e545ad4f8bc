// The keyspace (store/keyspace.ts over store/dict.ts) without the host: keys in and out by the
// hundred thousand, lazy expiry driven by the shard clock, SCAN's guarantee across table growth and
// shrinking, and re-keying (RENAME) carrying the value and the TTL. The clock only moves forward
// (clockSet ignores going back), so every test sets times above the previous test's.
import {
  db, lookup, insertKey, deleteKey, deleteEntry, keyCount, flushAll, setExpire, removeExpire,
  renameEntry, lookupReadNoTouch, volatileCount, volatileAt, statExpired,
} from "../../assembly/store/keyspace";
import {
  entrySetType, entrySetValue, entryValue, entryType, entryEncoding, entryExpireAt, entryKey,
  entryKeyLen, entryVolIdx, entryAccess, entrySetAccess, TYPE_STRING, ENC_EMBSTR, NO_EXPIRY,
} from "../../assembly/store/entry";
import { strNew, strData, strLen } from "../../assembly/store/strval";
import { activeExpireCycle } from "../../assembly/store/expiry";
import { clockSet, nowMs } from "../../assembly/shard/clock";
import { formatI64 } from "../../assembly/util/int";
import { bytesEqual } from "../../assembly/util/bytes";

const KEY = memory.data(64);
const OTHER = memory.data(64);

/** Writes "<prefix><i>" at `at`; returns its length. */
function name(at: usize, prefix: string, i: i64): u32 {
  for (let k = 0; k < prefix.length; k++) store<u8>(at + <usize>k, <u8>prefix.charCodeAt(k));
  return <u32>prefix.length + formatI64(at + <usize>prefix.length, i);
}

/** Adds key "<prefix><i>" holding its own name as a string; returns the entry. */
function put(prefix: string, i: i64): usize {
  const len = name(KEY, prefix, i);
  const e = insertKey(KEY, len);
  entrySetType(e, TYPE_STRING, ENC_EMBSTR);
  entrySetValue(e, strNew(KEY, len));
  return e;
}

function find(prefix: string, i: i64): usize {
  return lookup(KEY, name(KEY, prefix, i));
}

function valueIs(e: usize, prefix: string, i: i64): bool {
  const v = entryValue(e);
  return bytesEqual(strData(v), strLen(v), KEY, name(KEY, prefix, i));
}

/** Every entry of the volatile set knows its own position there. */
function volatileSetConsistent(): bool {
  for (let i: u32 = 0; i < volatileCount; i++) {
    const e = volatileAt(i);
    if (entryVolIdx(e) != i || entryExpireAt(e) == NO_EXPIRY) return false;
  }
  return true;
}

/** The next key the shrinking test deletes, and the end (closures cannot capture locals). */
let shrinkNext: i32 = 0;
let shrinkEnd: i32 = 0;

/** Marks for SCAN: seen[i] counts the times key i was returned. */
function scanAll(seen: StaticArray<u8>, prefix: string, between: (step: i32) => void): void {
  const out = new Array<usize>();
  let cursor: u64 = 0;
  let step = 0;
  do {
    out.length = 0;
    cursor = db.scan(cursor, out);
    for (let j = 0; j < out.length; j++) {
      const e = out[j];
      const k = entryKey(e);
      const len = entryKeyLen(e);
      if (len <= <u32>prefix.length || load<u8>(k) != <u8>prefix.charCodeAt(0)) continue;
      let n: i32 = 0;
      for (let p = <u32>prefix.length; p < len; p++) n = n * 10 + <i32>(load<u8>(k + p) - 0x30);
      if (seen[n] < 255) seen[n]++;
    }
    between(step++);
  } while (cursor != 0);
}

/** How many of the first `n` keys the scan never returned. */
function unseen(seen: StaticArray<u8>, n: i32): i32 {
  let missing = 0;
  for (let i = 0; i < n; i++) if (seen[i] == 0) missing++;
  return missing;
}

describe("keyspace: insert, lookup, delete", () => {
  test("100k keys are found after insertion, and gone after deletion", () => {
    flushAll();
    const N = 100000;
    for (let i = 0; i < N; i++) put("key:", i);
    expect(keyCount()).toBe(N);
    let wrong = 0;
    for (let i = 0; i < N; i++) {
      const e = find("key:", i);
      if (e == 0 || !valueIs(e, "key:", i)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(find("key:", N)).toBe(0);
    for (let i = 0; i < N; i += 2) if (!deleteKey(KEY, name(KEY, "key:", i))) wrong++;
    expect(wrong).toBe(0);
    expect(keyCount()).toBe(N / 2);
    for (let i = 0; i < N; i++) if ((find("key:", i) != 0) != ((i & 1) == 1)) wrong++;
    expect(wrong).toBe(0);
    expect(deleteKey(KEY, name(KEY, "key:", 0))).toBe(false);
    for (let i = 1; i < N; i += 2) if (!deleteKey(KEY, name(KEY, "key:", i))) wrong++;
    expect(wrong).toBe(0);
    expect(keyCount()).toBe(0);
    expect(find("key:", 1)).toBe(0);
  });

  test("flushAll empties the keyspace and the volatile set", () => {
    for (let i = 0; i < 1000; i++) setExpire(put("f:", i), nowMs + 100000);
    expect(volatileCount).toBe(1000);
    flushAll();
    expect(keyCount()).toBe(0);
    expect(volatileCount).toBe(0);
    expect(find("f:", 5)).toBe(0);
    put("f:", 5);
    expect(find("f:", 5)).not.toBe(0);
    flushAll();
  });
});

describe("keyspace: lazy expiry", () => {
  test("a key is live up to its expiry time and gone one millisecond after", () => {
    clockSet(1000000);
    const e = put("ttl:", 1);
    setExpire(e, 1000500);
    clockSet(1000500);
    expect(find("ttl:", 1)).toBe(e);
    const before = statExpired;
    clockSet(1000501);
    expect(find("ttl:", 1)).toBe(0);
    expect(keyCount()).toBe(0);
    expect(statExpired).toBe(before + 1);
    expect(volatileCount).toBe(0);
  });

  test("lookupReadNoTouch expires too, and leaves the access time alone", () => {
    clockSet(2000000);
    const e = put("nt:", 1);
    entrySetAccess(e, 0);
    expect(lookupReadNoTouch(KEY, name(KEY, "nt:", 1))).toBe(e);
    expect(entryAccess(e)).toBe(0);
    setExpire(e, 2000010);
    clockSet(2000011);
    expect(lookupReadNoTouch(KEY, name(KEY, "nt:", 1))).toBe(0);
    expect(keyCount()).toBe(0);
  });

  test("removeExpire makes a key persistent; only expiring keys go", () => {
    clockSet(3000000);
    for (let i = 0; i < 100; i++) setExpire(put("mix:", i), 3000100);
    for (let i = 0; i < 100; i += 2) expect(removeExpire(find("mix:", i))).toBe(true);
    expect(removeExpire(find("mix:", 0))).toBe(false);
    expect(volatileCount).toBe(50);
    expect(volatileSetConsistent()).toBe(true);
    clockSet(3000101);
    let wrong = 0;
    for (let i = 0; i < 100; i++) if ((find("mix:", i) != 0) != ((i & 1) == 0)) wrong++;
    expect(wrong).toBe(0);
    expect(keyCount()).toBe(50);
    expect(volatileCount).toBe(0);
    flushAll();
  });
});

describe("keyspace: SCAN", () => {
  test("a full scan returns every key, whatever the table's size", () => {
    flushAll();
    const N = 5000;
    for (let i = 0; i < N; i++) put("s:", i);
    const seen = new StaticArray<u8>(N);
    scanAll(seen, "s:", (step: i32): void => {});
    expect(unseen(seen, N)).toBe(0);
    flushAll();
  });

  test("keys present throughout appear while the table grows under the scan", () => {
    flushAll();
    const N = 3000;
    for (let i = 0; i < N; i++) put("g:", i);
    const seen = new StaticArray<u8>(N);
    // The first 400 steps add 40 keys each: the table doubles three times, mid-rehash at many steps.
    scanAll(seen, "g:", (step: i32): void => {
      if (step < 400) for (let k = 0; k < 40; k++) put("new:", step * 40 + k);
    });
    expect(keyCount()).toBe(N + 400 * 40);
    expect(unseen(seen, N)).toBe(0);
    flushAll();
  });

  test("keys present throughout appear while the table shrinks under the scan", () => {
    flushAll();
    const N = 20000;
    const KEEP = 500;
    for (let i = 0; i < N; i++) put("d:", i);
    const seen = new StaticArray<u8>(N);
    shrinkNext = KEEP;
    shrinkEnd = N;
    scanAll(seen, "d:", (step: i32): void => {
      for (let k = 0; k < 400 && shrinkNext < shrinkEnd; k++) deleteKey(KEY, name(KEY, "d:", shrinkNext++));
      db.shrinkIfNeeded();
      if (db.rehashing) db.rehashStep(4);
    });
    expect(keyCount()).toBe(KEEP);
    expect(unseen(seen, KEEP)).toBe(0);
    flushAll();
  });
});

describe("keyspace: rename", () => {
  test("renameEntry moves the value, type, encoding and TTL to the new name", () => {
    flushAll();
    clockSet(4000000);
    const e = put("old:", 1);
    setExpire(e, 4005000);
    entrySetAccess(e, 7);
    const value = entryValue(e);
    const len = name(OTHER, "new:", 1);
    const moved = renameEntry(e, OTHER, len);
    expect(find("old:", 1)).toBe(0);
    expect(lookupReadNoTouch(OTHER, len)).toBe(moved);
    expect(entryValue(moved)).toBe(value);
    expect(entryType(moved)).toBe(TYPE_STRING);
    expect(entryEncoding(moved)).toBe(ENC_EMBSTR);
    expect(entryExpireAt(moved)).toBe(4005000);
    expect(entryAccess(moved)).toBe(7);
    expect(keyCount()).toBe(1);
    expect(volatileCount).toBe(1);
    expect(volatileAt(0)).toBe(moved);
  });

  test("the moved TTL still expires the key, lazily and actively", () => {
    clockSet(4005001);
    expect(lookup(OTHER, name(OTHER, "new:", 1))).toBe(0);
    expect(keyCount()).toBe(0);
    expect(volatileCount).toBe(0);
    for (let i = 0; i < 50; i++) setExpire(put("act:", i), 4005100);
    const len = name(OTHER, "renamed:", 0);
    renameEntry(find("act:", 0), OTHER, len);
    expect(volatileSetConsistent()).toBe(true);
    clockSet(4005101);
    for (let round = 0; round < 100 && volatileCount > 0; round++) activeExpireCycle();
    expect(volatileCount).toBe(0);
    expect(keyCount()).toBe(0);
  });

  test("a key without a TTL stays persistent under its new name", () => {
    clockSet(4006000);
    const e = put("p:", 1);
    setExpire(put("v:", 1), 4009000);
    const moved = renameEntry(e, OTHER, name(OTHER, "q:", 1));
    expect(entryExpireAt(moved)).toBe(NO_EXPIRY);
    expect(volatileCount).toBe(1);
    expect(volatileSetConsistent()).toBe(true);
    deleteEntry(moved);
    expect(keyCount()).toBe(1);
    flushAll();
  });

  test("renaming many expiring keys keeps the volatile set consistent", () => {
    clockSet(4010000);
    for (let i = 0; i < 1000; i++) setExpire(put("r:", i), 4020000 + i);
    let moves = 0;
    for (let i = 0; i < 1000; i += 3) {
      const moved = renameEntry(find("r:", i), OTHER, name(OTHER, "rr:", i));
      if (entryExpireAt(moved) == 4020000 + i) moves++;
    }
    expect(moves).toBe(334);
    expect(volatileCount).toBe(1000);
    expect(keyCount()).toBe(1000);
    expect(volatileSetConsistent()).toBe(true);
    let wrong = 0;
    for (let i = 0; i < 1000; i++) {
      const e = i % 3 == 0 ? lookup(OTHER, name(OTHER, "rr:", i)) : find("r:", i);
      if (e == 0 || !valueIs(e, "r:", i)) wrong++;
    }
    expect(wrong).toBe(0);
    flushAll();
  });
});
