// Set values: unordered collections of distinct byte strings, in raw memory, in Redis 7.0's two
// encodings (OBJECT ENCODING names them; 7.0 has no listpack sets):
//   - INTSET while every member is an integer (Redis's string2ll grammar: "12" is one, "012" and "+1"
//     are not) and there are at most SET_MAX_INTSET_ENTRIES of them: a sorted array of i64, so lookups
//     are a binary search and every walk (SMEMBERS, SSCAN …) yields the members in ascending order,
//     exactly as Redis replies them;
//   - HASHTABLE otherwise: store/member-table.ts, O(1) add, remove and lookup at any size.
// A set turns HASHTABLE the moment a non-integer member is added or the intset passes the limit, and
// never turns back (as in Redis); only a set built afresh (SINTERSTORE …, SPOP's rebuilt remainder)
// starts as an intset again. Every new set starts as an intset, which gives the same encoding as
// Redis's setTypeCreate(first member) for any sequence of adds.
//
// A set is a 16-byte header whose address is the entry's value and never moves:
//   0 enc u32    SET_ENC_INTSET | SET_ENC_HASHTABLE (the same bytes the entry keeps as its encoding)
//   4 count u32  INTSET: members
//   8 data u32   INTSET: the i64 array; HASHTABLE: the member table
//  12 cap u32    INTSET: array capacity, in members
// Reading a member gives bytes: an intset member is formatted into a scratch buffer (the iterator's own,
// or `memberPtr`/`memberLen` for setRandom), valid until the next read.
import { rawAlloc, rawRealloc, rawFree, ByteBuf } from "../util/mem";
import { parseI64, parsedI64, formatI64 } from "../util/int";
import { randomBelow } from "../util/random";
import {
  mtNew, mtFree, mtSize, mtFind, mtAdd, mtAddNew, mtRemove, mtRandom, mtBucketCount, mtBucketHead,
  nodeNext, nodeData, nodeLen,
} from "./member-table";

export const SET_ENC_INTSET: u8 = 1;
export const SET_ENC_HASHTABLE: u8 = 2;
/** Redis's set-max-intset-entries (default 512). */
export const SET_MAX_INTSET_ENTRIES: u32 = 512;

const HEADER_SIZE: usize = 16;
const INTSET_MIN_CAP: u32 = 4;

// @ts-ignore: decorator
@inline export function setEncoding(s: usize): u8 { return <u8>load<u32>(s); }
// @ts-ignore: decorator
@inline function data(s: usize): usize { return <usize>load<u32>(s, 8); }
// @ts-ignore: decorator
@inline function count(s: usize): u32 { return load<u32>(s, 4); }
// @ts-ignore: decorator
@inline function setCount(s: usize, n: u32): void { store<u32>(s, n, 4); }
// @ts-ignore: decorator
@inline function cap(s: usize): u32 { return load<u32>(s, 12); }
// @ts-ignore: decorator
@inline function intAt(s: usize, i: u32): i64 { return load<i64>(data(s) + (<usize>i << 3)); }

/** The member read by the last setRandom: valid until the next one. */
export let memberPtr: usize = 0;
export let memberLen: u32 = 0;
const scratch = memory.data(24);

/** A new, empty set (an intset). */
export function setNew(): usize {
  const s = rawAlloc(HEADER_SIZE);
  store<u32>(s, SET_ENC_INTSET);
  setCount(s, 0);
  store<u32>(s, <u32>rawAlloc(<usize>INTSET_MIN_CAP << 3), 8);
  store<u32>(s, INTSET_MIN_CAP, 12);
  return s;
}

export function setFree(s: usize): void {
  if (setEncoding(s) == SET_ENC_HASHTABLE) mtFree(data(s)); else rawFree(data(s));
  rawFree(s);
}

/** A hashtable set's member table (SSCAN walks it with its own cursor). */
export function setTable(s: usize): usize { return data(s); }

export function setSize(s: usize): u32 {
  return setEncoding(s) == SET_ENC_HASHTABLE ? mtSize(data(s)) : count(s);
}

// ---- the intset ----

/** Binary search: the index of `v`, or -(insertion point + 1). */
function intsetSearch(s: usize, v: i64): i32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>count(s) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = intAt(s, <u32>mid);
    if (at < v) lo = mid + 1;
    else if (at > v) hi = mid - 1;
    else return mid;
  }
  return -(lo + 1);
}

function intsetInsert(s: usize, pos: u32, v: i64): void {
  const n = count(s);
  if (n == cap(s)) {
    const c = cap(s) << 1;
    store<u32>(s, <u32>rawRealloc(data(s), <usize>c << 3), 8);
    store<u32>(s, c, 12);
  }
  const at = data(s) + (<usize>pos << 3);
  memory.copy(at + 8, at, <usize>(n - pos) << 3);
  store<i64>(at, v);
  setCount(s, n + 1);
}

function intsetRemoveAt(s: usize, pos: u32): void {
  const n = count(s) - 1;
  const at = data(s) + (<usize>pos << 3);
  memory.copy(at, at + 8, <usize>(n - pos) << 3);
  setCount(s, n);
  const c = cap(s);
  if (c > 64 && n < c >> 2) {
    store<u32>(s, <u32>rawRealloc(data(s), <usize>(c >> 1) << 3), 8);
    store<u32>(s, c >> 1, 12);
  }
}

/** Turns an intset into a hashtable holding the same members (as their decimal texts). */
function toHashtable(s: usize): void {
  const t = mtNew();
  const n = count(s);
  for (let i: u32 = 0; i < n; i++) mtAddNew(t, scratch, formatI64(scratch, intAt(s, i)));
  rawFree(data(s));
  store<u32>(s, SET_ENC_HASHTABLE);
  setCount(s, 0);
  store<u32>(s, <u32>t, 8);
  store<u32>(s, 0, 12);
}

// ---- membership and writes ----

export function setIsMember(s: usize, p: usize, len: u32): bool {
  if (setEncoding(s) == SET_ENC_HASHTABLE) return mtFind(data(s), p, len) != 0;
  return parseI64(p, len) && intsetSearch(s, parsedI64) >= 0;
}

/** Adds a member; false when it was there already. Converts to a hashtable as Redis does. */
export function setAdd(s: usize, p: usize, len: u32): bool {
  if (setEncoding(s) == SET_ENC_INTSET) {
    if (parseI64(p, len)) {
      const pos = intsetSearch(s, parsedI64);
      if (pos >= 0) return false;
      intsetInsert(s, <u32>(-pos - 1), parsedI64);
      if (count(s) > SET_MAX_INTSET_ENTRIES) toHashtable(s);
      return true;
    }
    toHashtable(s);
  }
  return mtAdd(data(s), p, len);
}

/** Removes a member; false when it was not there. */
export function setRemove(s: usize, p: usize, len: u32): bool {
  if (setEncoding(s) == SET_ENC_HASHTABLE) return mtRemove(data(s), p, len);
  if (!parseI64(p, len)) return false;
  const pos = intsetSearch(s, parsedI64);
  if (pos < 0) return false;
  intsetRemoveAt(s, <u32>pos);
  return true;
}

/** A random member into memberPtr/memberLen (the set is not empty). */
export function setRandom(s: usize): void {
  if (setEncoding(s) == SET_ENC_HASHTABLE) {
    const n = mtRandom(data(s));
    memberPtr = nodeData(n);
    memberLen = nodeLen(n);
    return;
  }
  memberPtr = scratch;
  memberLen = formatI64(scratch, intAt(s, randomBelow(count(s))));
}

// ---- walking every member ----

/**
 * One walk over a set's members: intsets in ascending order, hashtables in bucket order. The set must
 * not be written during the walk (other sets may be). `ptr`/`len` hold the member after next().
 */
export class SetIter {
  ptr: usize = 0;
  len: u32 = 0;
  private readonly s: usize;
  private readonly own: StaticArray<u8> = new StaticArray<u8>(24);
  private index: u32 = 0;
  private which: i32 = 0;
  private node: usize = 0;

  constructor(s: usize) { this.s = s; }

  next(): bool {
    const s = this.s;
    if (setEncoding(s) == SET_ENC_INTSET) {
      if (this.index >= count(s)) return false;
      const buf = changetype<usize>(this.own);
      this.len = formatI64(buf, intAt(s, this.index++));
      this.ptr = buf;
      return true;
    }
    const t = data(s);
    let n = this.node != 0 ? nodeNext(this.node) : 0;
    while (n == 0) {
      if (this.index >= mtBucketCount(t, this.which)) {
        if (this.which == 1) { this.node = 0; return false; }
        this.which = 1;
        this.index = 0;
        continue;
      }
      n = mtBucketHead(t, this.which, this.index++);
    }
    this.node = n;
    this.ptr = nodeData(n);
    this.len = nodeLen(n);
    return true;
  }
}

// ---- moving a set between shards (store/value-codec.ts) ----
// [enc u8][count u32], then an intset's members as i64, or a hashtable's as [len u32][bytes] each.

export function setEncode(s: usize, out: ByteBuf): void {
  const enc = setEncoding(s);
  const n = setSize(s);
  out.reserve(5);
  store<u8>(out.ptr + out.len, enc);
  store<u32>(out.ptr + out.len + 1, n);
  out.len += 5;
  if (enc == SET_ENC_INTSET) {
    out.append(data(s), n << 3);
    return;
  }
  const it = new SetIter(s);
  while (it.next()) {
    out.reserve(4 + it.len);
    store<u32>(out.ptr + out.len, it.len);
    memory.copy(out.ptr + out.len + 4, it.ptr, it.len);
    out.len += 4 + it.len;
  }
}

/** A set rebuilt from setEncode's bytes, in the same encoding. */
export function setDecode(ptr: usize, len: u32): usize {
  const s = setNew();
  const enc = load<u8>(ptr);
  const n = load<u32>(ptr + 1);
  let at = ptr + 5;
  if (enc == SET_ENC_INTSET) {
    let c = INTSET_MIN_CAP;
    while (c < n) c <<= 1;
    rawFree(data(s));
    const arr = rawAlloc(<usize>c << 3);
    memory.copy(arr, at, <usize>n << 3);
    store<u32>(s, <u32>arr, 8);
    store<u32>(s, c, 12);
    setCount(s, n);
    return s;
  }
  toHashtable(s);
  const t = data(s);
  for (let i: u32 = 0; i < n; i++) {
    const el = load<u32>(at);
    mtAddNew(t, at + 4, el);
    at += 4 + el;
  }
  return s;
}
