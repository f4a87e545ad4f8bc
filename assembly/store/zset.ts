// Sorted set values: members (byte strings, unique) each with a double score, ordered by (score,
// member), in raw memory. One API over two forms, named as Redis 7.0's OBJECT ENCODING names them:
//   - LISTPACK, for small sets: one raw buffer of entries `[score f64][len u32][member][len u32]`
//     in order (the trailing length lets a walk go backwards). Every operation is a linear walk, cheap
//     at this size and in memory. Redis keeps a listpack score as text, which turns -0 into 0; so
//     does this form (a SKIPLIST set keeps -0, as Redis's does).
//   - SKIPLIST, for large ones: store/zset-skiplist.ts (skip list with spans + member hash), O(log n)
//     ranks, bounds and updates.
// A set is born LISTPACK unless its first member is longer than MAX_LISTPACK_VALUE, turns SKIPLIST
// when an insert would pass MAX_LISTPACK_ENTRIES entries or bring a longer member, and never turns back
// on its own (Redis 7.0's zsetAdd / zsetConvert). Sets built whole (ZUNIONSTORE, ZRANGESTORE …) take
// the form Redis's zsetConvertToListpackIfNeeded would give them: zsetNewFor.
//
// Positions are 0-based ranks in (score, member) order. A ZIter walks from a rank in either direction,
// O(1) a step in both forms. The header (its address is the key's value and never moves):
//   0 form u32   4 count u32   8 data u32 (LISTPACK: entry buffer; SKIPLIST: skip list)
//   12 cap u32 (LISTPACK buffer bytes)   16 used u32 (LISTPACK bytes used)
import { rawAlloc, rawRealloc, rawFree, ByteBuf } from "../util/mem";
import { bytesEqual, compareBytes } from "../util/bytes";
import {
  slNew, slFree, slLength, slFind, slInsert, slRemove, slSetScore, slRank, slAt, slCountWhile,
  slRemoveRange, nodeScore, nodeMember, nodeMemberLen, nodeNext, nodeBackward,
  setLexBound, Q_SCORE_LT, Q_SCORE_LE, Q_LEX_LT, Q_LEX_LE,
} from "./zset-skiplist";

export const FORM_LISTPACK: u32 = 0;
export const FORM_SKIPLIST: u32 = 1;

/** Redis's zset-max-listpack-entries and zset-max-listpack-value defaults. */
export const MAX_LISTPACK_ENTRIES: u32 = 128;
export const MAX_LISTPACK_VALUE: u32 = 64;
const HEADER_SIZE: usize = 20;

// @ts-ignore: decorator
@inline export function zsetForm(z: usize): u32 { return load<u32>(z); }
// @ts-ignore: decorator
@inline export function zsetLen(z: usize): u32 {
  return zsetForm(z) == FORM_SKIPLIST ? slLength(data(z)) : load<u32>(z, 4);
}
// @ts-ignore: decorator
@inline function data(z: usize): usize { return <usize>load<u32>(z, 8); }
// @ts-ignore: decorator
@inline function cap(z: usize): u32 { return load<u32>(z, 12); }
// @ts-ignore: decorator
@inline function used(z: usize): u32 { return load<u32>(z, 16); }
// @ts-ignore: decorator
@inline function setUsed(z: usize, v: u32): void { store<u32>(z, v, 16); }
// @ts-ignore: decorator
@inline function setCount(z: usize, v: u32): void { store<u32>(z, v, 4); }

// Listpack entries: score at +0, length at +8, member at +12, trailing length after the member.
// @ts-ignore: decorator
@inline function lpScore(at: usize): f64 { return load<f64>(at); }
// @ts-ignore: decorator
@inline function lpLen(at: usize): u32 { return load<u32>(at, 8); }
// @ts-ignore: decorator
@inline function lpMember(at: usize): usize { return at + 12; }
// @ts-ignore: decorator
@inline function lpSize(len: u32): u32 { return len + 16; }

/** A new, empty set in the given form. */
export function zsetNew(form: u32): usize {
  const z = rawAlloc(HEADER_SIZE);
  store<u32>(z, form);
  setCount(z, 0);
  store<u32>(z, 0, 12);
  setUsed(z, 0);
  if (form == FORM_SKIPLIST) {
    store<u32>(z, <u32>slNew(), 8);
  } else {
    store<u32>(z, <u32>rawAlloc(128), 8);
    store<u32>(z, 128, 12);
  }
  return z;
}

/** The form a set built whole gets (zsetConvertToListpackIfNeeded): `count` members, longest `maxLen`. */
export function zsetFormFor(count: u32, maxLen: u32): u32 {
  return count <= MAX_LISTPACK_ENTRIES && maxLen <= MAX_LISTPACK_VALUE ? FORM_LISTPACK : FORM_SKIPLIST;
}

export function zsetFree(z: usize): void {
  if (zsetForm(z) == FORM_SKIPLIST) slFree(data(z)); else rawFree(data(z));
  rawFree(z);
}

// ---- the listpack form ----

/**
 * The score a listpack keeps: Redis stores it as text (d2string), which prints an integral value as an
 * integer, so -0 comes back as 0; every other double survives the trip exactly.
 */
// @ts-ignore: decorator
@inline function lpStoredScore(s: f64): f64 { return s == 0 ? 0.0 : s; }

/** Offset of the entry of member p[0..n), or -1; sets foundScore. */
function lpFind(z: usize, p: usize, n: u32): i64 {
  const buf = data(z);
  const end = used(z);
  for (let off: u32 = 0; off < end; off += lpSize(lpLen(buf + off))) {
    const at = buf + off;
    if (bytesEqual(lpMember(at), lpLen(at), p, n)) { foundScore = lpScore(at); return off; }
  }
  return -1;
}

/** Offset of the entry at 0-based rank `r` (r == count: the end). */
function lpOffsetOf(z: usize, r: u32): u32 {
  const buf = data(z);
  let off: u32 = 0;
  for (let i: u32 = 0; i < r; i++) off += lpSize(lpLen(buf + off));
  return off;
}

function lpReserve(z: usize, extra: u32): void {
  const need = used(z) + extra;
  let c = cap(z);
  if (need <= c) return;
  while (c < need) c <<= 1;
  store<u32>(z, <u32>rawRealloc(data(z), c), 8);
  store<u32>(z, c, 12);
}

/** Inserts at its place (zzlInsert: before the first entry that sorts after it). */
function lpInsert(z: usize, score: f64, p: usize, n: u32): void {
  const size = lpSize(n);
  lpReserve(z, size);
  const buf = data(z);
  const end = used(z);
  let off: u32 = 0;
  while (off < end) {
    const at = buf + off;
    const s = lpScore(at);
    if (s > score || (s == score && compareBytes(lpMember(at), lpLen(at), p, n) > 0)) break;
    off += lpSize(lpLen(at));
  }
  memory.copy(buf + off + size, buf + off, end - off);
  const at = buf + off;
  store<f64>(at, lpStoredScore(score));
  store<u32>(at, n, 8);
  memory.copy(at + 12, p, n);
  store<u32>(at + 12 + n, n);
  setUsed(z, end + size);
  setCount(z, load<u32>(z, 4) + 1);
}

/** Removes the entries between byte offsets [from, to), `k` of them. */
function lpCut(z: usize, from: u32, to: u32, k: u32): void {
  const buf = data(z);
  memory.copy(buf + from, buf + to, used(z) - to);
  setUsed(z, used(z) - (to - from));
  setCount(z, load<u32>(z, 4) - k);
  const c = cap(z);
  if (c > 512 && used(z) < c >> 2) {
    store<u32>(z, <u32>rawRealloc(buf, c >> 1), 8);
    store<u32>(z, c >> 1, 12);
  }
}

function toSkiplist(z: usize): void {
  const sl = slNew();
  const buf = data(z);
  const end = used(z);
  for (let off: u32 = 0; off < end; off += lpSize(lpLen(buf + off))) {
    const at = buf + off;
    slInsert(sl, lpScore(at), lpMember(at), lpLen(at));
  }
  rawFree(buf);
  store<u32>(z, FORM_SKIPLIST);
  store<u32>(z, <u32>sl, 8);
  store<u32>(z, 0, 12);
  setUsed(z, 0);
  setCount(z, 0);
}

// ---- lookups and writes ----

/** The score found by the last successful zsetScore. */
export let foundScore: f64 = 0;

/** Is p[0..n) a member? Its score goes to foundScore. */
export function zsetScore(z: usize, p: usize, n: u32): bool {
  if (zsetForm(z) == FORM_SKIPLIST) {
    const node = slFind(data(z), p, n);
    if (node == 0) return false;
    foundScore = nodeScore(node);
    return true;
  }
  return lpFind(z, p, n) >= 0;
}

/** Adds a member the caller knows is absent, turning the set SKIPLIST first if it must (zsetAdd). */
export function zsetInsert(z: usize, score: f64, p: usize, n: u32): void {
  if (zsetForm(z) == FORM_LISTPACK) {
    if (zsetLen(z) + 1 > MAX_LISTPACK_ENTRIES || n > MAX_LISTPACK_VALUE) toSkiplist(z);
    else { lpInsert(z, score, p, n); return; }
  }
  slInsert(data(z), score, p, n);
}

/** Gives an existing member a new score (moving it to its new place). */
export function zsetUpdate(z: usize, p: usize, n: u32, score: f64): void {
  if (zsetForm(z) == FORM_SKIPLIST) {
    const sl = data(z);
    slSetScore(sl, slFind(sl, p, n), score);
    return;
  }
  // Remove and re-insert, like zsetAdd on a listpack (the member is copied out first: p may point
  // into the buffer being changed only if the caller passed one of our own entries, which it does not).
  zsetDelete(z, p, n);
  lpInsert(z, score, p, n);
}

/** Removes a member; false when it was not one. */
export function zsetDelete(z: usize, p: usize, n: u32): bool {
  if (zsetForm(z) == FORM_SKIPLIST) {
    const sl = data(z);
    const node = slFind(sl, p, n);
    if (node == 0) return false;
    slRemove(sl, node);
    return true;
  }
  const off = lpFind(z, p, n);
  if (off < 0) return false;
  lpCut(z, <u32>off, <u32>off + lpSize(n), 1);
  return true;
}

/** The 0-based rank of a member, or -1. */
export function zsetRank(z: usize, p: usize, n: u32): i64 {
  if (zsetForm(z) == FORM_SKIPLIST) {
    const sl = data(z);
    const node = slFind(sl, p, n);
    return node == 0 ? -1 : <i64>slRank(sl, node);
  }
  const buf = data(z);
  const end = used(z);
  let r: i64 = 0;
  for (let off: u32 = 0; off < end; off += lpSize(lpLen(buf + off))) {
    if (bytesEqual(lpMember(buf + off), lpLen(buf + off), p, n)) return r;
    r++;
  }
  return -1;
}

/** Removes the members of ranks [start, end] (0 ≤ start ≤ end < len); returns how many. */
export function zsetDeleteRange(z: usize, start: u32, end: u32): u32 {
  if (zsetForm(z) == FORM_SKIPLIST) return slRemoveRange(data(z), start, end);
  const from = lpOffsetOf(z, start);
  const buf = data(z);
  let to = from;
  for (let i = start; i <= end; i++) to += lpSize(lpLen(buf + to));
  lpCut(z, from, to, end - start + 1);
  return end - start + 1;
}

// ---- bounds: where a score or lex range starts and ends, as ranks ----

/**
 * Members before the first whose score is ≥ min (> min when `ex`): the rank where a score range
 * starts (zslFirstInRange / zzlFirstInRange).
 */
export function zsetCountBelowScore(z: usize, min: f64, ex: bool): u32 {
  if (zsetForm(z) == FORM_SKIPLIST) return slCountWhile(data(z), ex ? Q_SCORE_LE : Q_SCORE_LT, min);
  const it = new ZIter(z);
  let r: u32 = 0;
  for (it.seek(0); it.valid; it.next()) {
    if (ex ? it.score > min : it.score >= min) break;
    r++;
  }
  return r;
}

/** Members up to the last whose score is ≤ max (< max when `ex`): one past where a score range ends. */
export function zsetCountUpToScore(z: usize, max: f64, ex: bool): u32 {
  if (zsetForm(z) == FORM_SKIPLIST) return slCountWhile(data(z), ex ? Q_SCORE_LT : Q_SCORE_LE, max);
  const n = zsetLen(z);
  if (n == 0) return 0;
  const it = new ZIter(z);
  let r = n;
  for (it.seek(n - 1); it.valid; it.prev()) {
    if (ex ? it.score < max : it.score <= max) break;
    r--;
  }
  return r;
}

/** A lex bound: "-" (kind -1), "+" (kind 1) or bytes (kind 0), inclusive or exclusive. */
export class LexBound {
  kind: i32 = 0;
  ptr: usize = 0;
  len: u32 = 0;
  ex: bool = false;
}

/** Compares member p[0..n) with a lex bound's value (sdscmplex). */
export function lexCompare(p: usize, n: u32, b: LexBound): i32 {
  if (b.kind < 0) return 1;
  if (b.kind > 0) return -1;
  return compareBytes(p, n, b.ptr, b.len);
}

export function lexGteMin(p: usize, n: u32, min: LexBound): bool {
  const c = lexCompare(p, n, min);
  return min.ex ? c > 0 : c >= 0;
}

export function lexLteMax(p: usize, n: u32, max: LexBound): bool {
  const c = lexCompare(p, n, max);
  return max.ex ? c < 0 : c <= 0;
}

/** Members before the first that is ≥ the lex min (a forward walk on listpack, a descent on skiplist). */
export function zsetCountBelowLex(z: usize, min: LexBound): u32 {
  if (zsetForm(z) == FORM_SKIPLIST) {
    setLexBound(min.kind, min.ptr, min.len);
    return slCountWhile(data(z), min.ex ? Q_LEX_LE : Q_LEX_LT, 0);
  }
  const it = new ZIter(z);
  let r: u32 = 0;
  for (it.seek(0); it.valid; it.next()) {
    if (lexGteMin(it.ptr, it.len, min)) break;
    r++;
  }
  return r;
}

/** One past the last member that is ≤ the lex max (a backward walk on listpack, a descent on skiplist). */
export function zsetCountUpToLex(z: usize, max: LexBound): u32 {
  if (zsetForm(z) == FORM_SKIPLIST) {
    setLexBound(max.kind, max.ptr, max.len);
    return slCountWhile(data(z), max.ex ? Q_LEX_LT : Q_LEX_LE, 0);
  }
  const n = zsetLen(z);
  if (n == 0) return 0;
  const it = new ZIter(z);
  let r = n;
  for (it.seek(n - 1); it.valid; it.prev()) {
    if (lexLteMax(it.ptr, it.len, max)) break;
    r--;
  }
  return r;
}

// ---- walking ----

/** A cursor over a set: `seek` a rank, then `next`/`prev`; `ptr`/`len`/`score` describe the element. */
export class ZIter {
  readonly z: usize;
  valid: bool = false;
  rank: u32 = 0;
  ptr: usize = 0;
  len: u32 = 0;
  score: f64 = 0;
  /** SKIPLIST: the node; LISTPACK: the entry's byte offset. */
  private at: usize = 0;

  constructor(z: usize) { this.z = z; }

  seek(rank: u32): void {
    const z = this.z;
    this.rank = rank;
    if (rank >= zsetLen(z)) { this.valid = false; return; }
    if (zsetForm(z) == FORM_SKIPLIST) this.at = slAt(data(z), rank);
    else this.at = lpOffsetOf(z, rank);
    this.load();
  }

  next(): void {
    if (!this.valid) return;
    this.rank++;
    if (zsetForm(this.z) == FORM_SKIPLIST) {
      this.at = nodeNext(this.at);
      if (this.at == 0) { this.valid = false; return; }
    } else {
      this.at += lpSize(this.len);
      if (this.at >= used(this.z)) { this.valid = false; return; }
    }
    this.load();
  }

  prev(): void {
    if (!this.valid) return;
    if (this.rank == 0) { this.valid = false; return; }
    this.rank--;
    if (zsetForm(this.z) == FORM_SKIPLIST) {
      this.at = nodeBackward(this.at);
    } else {
      this.at -= lpSize(load<u32>(data(this.z) + this.at - 4));
    }
    this.load();
  }

  private load(): void {
    this.valid = true;
    if (zsetForm(this.z) == FORM_SKIPLIST) {
      const node = this.at;
      this.ptr = nodeMember(node);
      this.len = nodeMemberLen(node);
      this.score = nodeScore(node);
    } else {
      const e = data(this.z) + this.at;
      this.ptr = lpMember(e);
      this.len = lpLen(e);
      this.score = lpScore(e);
    }
  }
}

/** The skip list of a SKIPLIST set (ZSCAN walks its hash). */
export function zsetSkiplist(z: usize): usize { return data(z); }

/** The longest member's length (for the form of a copy). */
export function zsetMaxMemberLen(z: usize): u32 {
  let m: u32 = 0;
  const it = new ZIter(z);
  for (it.seek(0); it.valid; it.next()) if (it.len > m) m = it.len;
  return m;
}

// ---- moving a set between shards (store/value-codec.ts):
//      [form u32][count u32] then [score f64][len u32][bytes] each, in order ----

export function zsetEncode(z: usize, out: ByteBuf): void {
  out.reserve(8);
  store<u32>(out.ptr + out.len, zsetForm(z));
  store<u32>(out.ptr + out.len, zsetLen(z), 4);
  out.len += 8;
  const it = new ZIter(z);
  for (it.seek(0); it.valid; it.next()) {
    out.reserve(12 + it.len);
    const at = out.ptr + out.len;
    store<f64>(at, it.score);
    store<u32>(at, it.len, 8);
    memory.copy(at + 12, it.ptr, it.len);
    out.len += 12 + it.len;
  }
}

/** A set from zsetEncode's bytes, in the form it had. */
export function zsetDecode(ptr: usize, len: u32): usize {
  const form = load<u32>(ptr);
  const n = load<u32>(ptr, 4);
  const z = zsetNew(form);
  let at = ptr + 8;
  if (form == FORM_SKIPLIST) {
    const sl = data(z);
    for (let i: u32 = 0; i < n; i++) {
      const l = load<u32>(at, 8);
      slInsert(sl, load<f64>(at), at + 12, l);
      at += 12 + l;
    }
    return z;
  }
  // Entries arrive in order: append them.
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(at, 8);
    lpAppend(z, load<f64>(at), at + 12, l);
    at += 12 + l;
  }
  return z;
}

/** Appends an entry that sorts after every entry of a LISTPACK set. */
function lpAppend(z: usize, score: f64, p: usize, n: u32): void {
  lpReserve(z, lpSize(n));
  const e = data(z) + used(z);
  store<f64>(e, lpStoredScore(score));
  store<u32>(e, n, 8);
  memory.copy(e + 12, p, n);
  store<u32>(e + 12 + n, n);
  setUsed(z, used(z) + lpSize(n));
  setCount(z, load<u32>(z, 4) + 1);
}

/**
 * A set computed whole (in any form) given the form Redis would leave it in
 * (zsetConvertToListpackIfNeeded): a small SKIPLIST set is rebuilt as LISTPACK. Returns the set to
 * keep (`z` itself, or its replacement after freeing `z`).
 */
export function zsetFitForm(z: usize): usize {
  if (zsetForm(z) != FORM_SKIPLIST || zsetLen(z) > MAX_LISTPACK_ENTRIES) return z;
  if (zsetMaxMemberLen(z) > MAX_LISTPACK_VALUE) return z;
  const out = zsetNew(FORM_LISTPACK);
  const it = new ZIter(z);
  for (it.seek(0); it.valid; it.next()) lpAppend(out, it.score, it.ptr, it.len);
  zsetFree(z);
  return out;
}
