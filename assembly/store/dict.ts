// The keyspace's hash table: chained buckets of entries (store/entry.ts) in raw memory, with Redis's
// incremental rehashing (two tables while growing or shrinking; every lookup and write moves a bucket
// along, and the host's tick moves more) so no single command pays for resizing millions of keys.
// SCAN uses Redis's reverse-binary cursor, which never misses a key that is present for the whole scan,
// even across resizes.
import { scanStep, scanVisits } from "../util/scan-cursor";
import { rawAlloc, rawFree } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { randomU32, randomBelow } from "../util/random";
import { entryNext, entrySetNext, entryHash, entryKey, entryKeyLen } from "./entry";

const MIN_SIZE: u32 = 4;

class Table {
  buckets: usize = 0;
  size: u32 = 0;
  mask: u32 = 0;
  used: u32 = 0;

  allocate(size: u32): void {
    this.buckets = rawAlloc(<usize>size << 2);
    memory.fill(this.buckets, 0, <usize>size << 2);
    this.size = size;
    this.mask = size - 1;
    this.used = 0;
  }

  release(): void {
    if (this.buckets != 0) rawFree(this.buckets);
    this.buckets = 0; this.size = 0; this.mask = 0; this.used = 0;
  }

  // @ts-ignore: decorator
  @inline head(i: u32): usize { return <usize>load<u32>(this.buckets + (<usize>i << 2)); }
  // @ts-ignore: decorator
  @inline setHead(i: u32, e: usize): void { store<u32>(this.buckets + (<usize>i << 2), <u32>e); }
}


function nextPowerOfTwo(n: u32): u32 {
  let size = MIN_SIZE;
  while (size < n) size <<= 1;
  return size;
}

export class Dict {
  private t0: Table = new Table();
  private t1: Table = new Table();
  /** Next bucket of t0 to move to t1, or -1 when not rehashing. */
  private rehashIdx: i32 = -1;

  get size(): u32 { return this.t0.used + this.t1.used; }
  get rehashing(): bool { return this.rehashIdx >= 0; }

  find(key: usize, len: u32, hash: u32): usize {
    if (this.t0.size == 0) return 0;
    if (this.rehashIdx >= 0) this.rehashStep(1);
    let e = this.t0.head(hash & this.t0.mask);
    while (e != 0) {
      if (entryHash(e) == hash && bytesEqual(entryKey(e), entryKeyLen(e), key, len)) return e;
      e = entryNext(e);
    }
    if (this.rehashIdx < 0) return 0;
    e = this.t1.head(hash & this.t1.mask);
    while (e != 0) {
      if (entryHash(e) == hash && bytesEqual(entryKey(e), entryKeyLen(e), key, len)) return e;
      e = entryNext(e);
    }
    return 0;
  }

  /** Inserts an entry whose key is not in the table. */
  add(e: usize): void {
    this.expandIfNeeded();
    if (this.rehashIdx >= 0) this.rehashStep(1);
    const t = this.rehashIdx >= 0 ? this.t1 : this.t0;
    const b = entryHash(e) & t.mask;
    entrySetNext(e, t.head(b));
    t.setHead(b, e);
    t.used++;
  }

  /** Takes the entry of `key` out of the table (not freed) and returns it, or 0. */
  unlink(key: usize, len: u32, hash: u32): usize {
    if (this.t0.size == 0) return 0;
    if (this.rehashIdx >= 0) this.rehashStep(1);
    const found = this.unlinkFrom(this.t0, key, len, hash);
    if (found != 0 || this.rehashIdx < 0) return found;
    return this.unlinkFrom(this.t1, key, len, hash);
  }

  private unlinkFrom(t: Table, key: usize, len: u32, hash: u32): usize {
    const b = hash & t.mask;
    let prev: usize = 0;
    let e = t.head(b);
    while (e != 0) {
      if (entryHash(e) == hash && bytesEqual(entryKey(e), entryKeyLen(e), key, len)) {
        if (prev == 0) t.setHead(b, entryNext(e)); else entrySetNext(prev, entryNext(e));
        t.used--;
        return e;
      }
      prev = e;
      e = entryNext(e);
    }
    return 0;
  }

  private expandIfNeeded(): void {
    if (this.rehashIdx >= 0) return;
    if (this.t0.size == 0) { this.t0.allocate(MIN_SIZE); return; }
    if (this.t0.used >= this.t0.size) this.resize(nextPowerOfTwo(this.t0.used + 1));
  }

  /** Starts shrinking when the table is less than 10% full (called from the host's tick). */
  shrinkIfNeeded(): void {
    if (this.rehashIdx >= 0 || this.t0.size <= MIN_SIZE) return;
    if (<u64>this.t0.used * 100 / <u64>this.t0.size < 10) this.resize(nextPowerOfTwo(this.t0.used));
  }

  private resize(size: u32): void {
    if (size == this.t0.size) return;
    this.t1.allocate(size);
    this.rehashIdx = 0;
  }

  /** Moves up to `n` buckets from the old table to the new; visits at most 10n empty buckets. */
  rehashStep(n: i32): void {
    if (this.rehashIdx < 0) return;
    let emptyVisits = n * 10;
    while (n-- > 0 && this.t0.used != 0) {
      while (this.t0.head(<u32>this.rehashIdx) == 0) {
        this.rehashIdx++;
        if (--emptyVisits == 0) return;
      }
      let e = this.t0.head(<u32>this.rehashIdx);
      while (e != 0) {
        const next = entryNext(e);
        const b = entryHash(e) & this.t1.mask;
        entrySetNext(e, this.t1.head(b));
        this.t1.setHead(b, e);
        this.t0.used--;
        this.t1.used++;
        e = next;
      }
      this.t0.setHead(<u32>this.rehashIdx, 0);
      this.rehashIdx++;
    }
    if (this.t0.used == 0) {
      this.t0.release();
      const t = this.t0;
      this.t0 = this.t1;
      this.t1 = t;
      this.rehashIdx = -1;
    }
  }

  /** Visits one cursor step: pushes the entries of the visited buckets, returns the next cursor. */
  scan(cursor: u64, out: Array<usize>): u64 {
    if (this.size == 0) return 0;
    const next = scanStep(cursor, this.t0.size, this.rehashIdx >= 0 ? this.t1.size : 0);
    for (let i = 0; i < scanVisits.length; i++) {
      const visit = unchecked(scanVisits[i]);
      const t = (visit >> 32) == 0 ? this.t0 : this.t1;
      pushChain(t.head(<u32>visit), out);
    }
    return next;
  }

  /** A random entry (uniform over buckets, then over the chain), or 0 when empty. */
  random(): usize {
    if (this.size == 0) return 0;
    let e: usize = 0;
    while (e == 0) {
      if (this.rehashIdx >= 0) {
        const span = this.t0.size + this.t1.size - <u32>this.rehashIdx;
        const i = <u32>this.rehashIdx + randomBelow(span);
        e = i >= this.t0.size ? this.t1.head(i - this.t0.size) : this.t0.head(i);
      } else {
        e = this.t0.head(randomU32() & this.t0.mask);
      }
    }
    let chain: u32 = 0;
    for (let p = e; p != 0; p = entryNext(p)) chain++;
    let pick = randomBelow(chain);
    while (pick-- > 0) e = entryNext(e);
    return e;
  }

  /** Bucket access for whole-table walks (KEYS, FLUSHALL): tables 0 and 1, `bucketCount` each. */
  bucketCount(table: i32): u32 { return table == 0 ? this.t0.size : (this.rehashIdx >= 0 ? this.t1.size : 0); }
  bucketHead(table: i32, i: u32): usize { return table == 0 ? this.t0.head(i) : this.t1.head(i); }

  /** Forgets every entry (the caller frees them first) and returns to the empty state. */
  clear(): void {
    this.t0.release();
    this.t1.release();
    this.rehashIdx = -1;
  }
}

function pushChain(e: usize, out: Array<usize>): void {
  while (e != 0) {
    out.push(e);
    e = entryNext(e);
  }
}
