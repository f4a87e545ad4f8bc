// The bytes of stream entries inside an index node (store/stream-index.ts), in the spirit of Redis's
// stream listpacks: a node keeps its first entry's field names once (the master field list), and each
// record keeps its ID as deltas from the node's first ID, a flags byte, and — when its field names are
// the master's (SAMEFIELDS) — only its values. Lengths and numbers are varints (LEB128: 7 bits a byte,
// low bits first, the high bit set on every byte but the last). A trailing backlen lets walks go
// backwards one record at a time. Field names and values are bytes, never strings.
//
//   master  [pairs varint] pairs × ([len varint][name])
//   record  [flags u8][ms − firstMs varint][zigzag(seq − firstSeq) varint]
//           SAMEFIELDS: pairs × ([len varint][value])                 (pairs: the master's)
//           otherwise:  [pairs varint] pairs × ([len varint][name][len varint][value])
//           [backlen]   the record's size before the backlen, 7 bits a byte, the low bits last, the
//                       high bit set on every byte but the first (so it reads from its last byte back)
//
// Input fields (XADD's arguments, store/stream.ts streamAppend) come as nfields × [len u32][bytes],
// field and value interleaved. This file owns the encoding, the decoding of one record into `rec*`,
// and the iteration over a decoded record's fields and values (`fieldsBegin`, `fieldNext`).

export const REC_DELETED: u8 = 1;
export const REC_SAMEFIELDS: u8 = 2;

// ---- varints ----

/** Where the last getVarint stopped. */
export let varEnd: usize = 0;

// @ts-ignore: decorator
@inline export function varintSize(v: u64): u32 {
  let n: u32 = 1;
  while (v >= 0x80) { v >>= 7; n++; }
  return n;
}

/** Writes `v` at `p`; returns the address after it. */
// @ts-ignore: decorator
@inline export function putVarint(p: usize, v: u64): usize {
  if (v < 0x80) { store<u8>(p, <u8>v); return p + 1; }
  return putVarintLong(p, v);
}

function putVarintLong(p: usize, v: u64): usize {
  while (v >= 0x80) {
    store<u8>(p++, <u8>(v | 0x80));
    v >>= 7;
  }
  store<u8>(p, <u8>v);
  return p + 1;
}

/** Reads a varint at `p`; `varEnd` is set past it. */
// @ts-ignore: decorator
@inline export function getVarint(p: usize): u64 {
  const b = <u64>load<u8>(p);
  if (b < 0x80) { varEnd = p + 1; return b; }
  return getVarintLong(p, b);
}

function getVarintLong(p: usize, b: u64): u64 {
  let v = b & 0x7f;
  let shift: u64 = 7;
  for (;;) {
    b = <u64>load<u8>(++p);
    v |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  varEnd = p + 1;
  return v;
}

// @ts-ignore: decorator
@inline function zigzag(d: u64): u64 { return (d << 1) ^ <u64>(<i64>d >> 63); }
// @ts-ignore: decorator
@inline function unzigzag(z: u64): u64 { return (z >> 1) ^ (0 - (z & 1)); }

/** Writes the backlen of a record of `len` bytes at `p`; returns the address after it. */
function putBacklen(p: usize, len: u32): usize {
  if (len < 0x80) { store<u8>(p, <u8>len); return p + 1; }
  const n = varintSize(len);
  for (let i: u32 = 0; i < n; i++) {
    const shift = (n - 1 - i) * 7;
    store<u8>(p + i, <u8>(((len >> shift) & 0x7f) | (i == 0 ? 0 : 0x80)));
  }
  return p + n;
}

/** The start of the record that ends (backlen included) just before `end`. */
export function recordStartBefore(end: usize): usize {
  let p = end - 1;
  let b = <u32>load<u8>(p);
  let len = b & 0x7f;
  let shift: u32 = 7;
  while (b >= 0x80) {
    b = <u32>load<u8>(--p);
    len |= (b & 0x7f) << shift;
    shift += 7;
  }
  return p - len;
}

// ---- the master field list ----

/** Bytes of the master list of these input fields' names. */
export function masterSize(nfields: u32, fields: usize): u32 {
  let size = varintSize(nfields >> 1);
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) {
    const n = load<u32>(at);
    if ((i & 1) == 0) size += varintSize(n) + n;
    at += 4 + n;
  }
  return size;
}

/** Writes the master list at `p`; returns the address after it. */
export function masterWrite(p: usize, nfields: u32, fields: usize): usize {
  p = putVarint(p, nfields >> 1);
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) {
    const n = load<u32>(at);
    if ((i & 1) == 0) {
      p = putVarint(p, n);
      memory.copy(p, at + 4, n);
      p += n;
    }
    at += 4 + n;
  }
  return p;
}

/** The input fields' names are the master's, in order (Redis's SAMEFIELDS). */
export function masterMatches(master: usize, nfields: u32, fields: usize): bool {
  if (getVarint(master) != <u64>(nfields >> 1)) return false;
  let m = varEnd;
  let at = fields;
  for (let i: u32 = 0; i < nfields; i += 2) {
    const mn = <u32>getVarint(m);
    m = varEnd;
    const n = load<u32>(at);
    if (mn != n || memory.compare(m, at + 4, n) != 0) return false;
    m += n;
    at += 4 + n;
    at += 4 + load<u32>(at);
  }
  return true;
}

// ---- records ----

/** An upper bound of a record's bytes: every u32 length may take 5 bytes as a varint. */
export function recordMaxSize(nfields: u32, fieldsLen: u32): u32 {
  return 1 + 10 + 10 + 5 + fieldsLen + nfields + 5;
}

/** Writes a record at `p`; returns its size. `same`: the names are the master's and are left out. */
export function recordWrite(p: usize, dms: u64, dseq: u64, same: bool, nfields: u32, fields: usize): u32 {
  store<u8>(p, same ? REC_SAMEFIELDS : 0);
  let w = putVarint(p + 1, dms);
  w = putVarint(w, zigzag(dseq));
  if (!same) w = putVarint(w, nfields >> 1);
  let at = fields;
  for (let i: u32 = 0; i < nfields; i++) {
    const n = load<u32>(at);
    if ((i & 1) == 1 || !same) {
      w = putVarint(w, n);
      memory.copy(w, at + 4, n);
      w += n;
    }
    at += 4 + n;
  }
  w = putBacklen(w, <u32>(w - p));
  return <u32>(w - p);
}

/** The record decoded last by recordRead. */
export let recMs: u64 = 0;
export let recSeq: u64 = 0;
export let recFlags: u8 = 0;
/** Fields and values counted together (2 × pairs). */
export let recNfields: u32 = 0;
/** The first length of the record's fields or values. */
export let recBody: usize = 0;
/** The address just past the record (its backlen included). */
export let recEnd: usize = 0;

/** Decodes the record at `r` of a node whose first ID is (firstMs, firstSeq) and master has `mpairs`. */
export function recordRead(r: usize, firstMs: u64, firstSeq: u64, mpairs: u32): void {
  recFlags = load<u8>(r);
  recMs = firstMs + getVarint(r + 1);
  recSeq = firstSeq + unzigzag(getVarint(varEnd));
  let p = varEnd;
  let items: u32;
  if ((recFlags & REC_SAMEFIELDS) != 0) {
    recNfields = mpairs << 1;
    items = mpairs;
  } else {
    items = <u32>getVarint(p) << 1;
    p = varEnd;
    recNfields = items;
  }
  recBody = p;
  for (let i: u32 = 0; i < items; i++) {
    const n = <usize>getVarint(p);
    p = varEnd + n;
  }
  recEnd = p + varintSize(<u64>(p - r));
}

// ---- iterating a record's fields and values ----

/** The field or value fieldNext reached. */
export let fieldPtr: usize = 0;
export let fieldLen: u32 = 0;
let itRec: usize = 0;
let itMaster: usize = 0;
let itSame: bool = false;
let itOdd: bool = false;

/** Starts at the first field of a record (its `recBody` and `recFlags`); `master`: its node's list. */
export function fieldsBegin(body: usize, flags: u8, master: usize): void {
  itRec = body;
  itSame = (flags & REC_SAMEFIELDS) != 0;
  if (itSame) { getVarint(master); itMaster = varEnd; }
  itOdd = false;
}

/** Moves to the next field or value (alternately, recNfields of them) into fieldPtr/fieldLen. */
export function fieldNext(): void {
  if (itSame && !itOdd) {
    fieldLen = <u32>getVarint(itMaster);
    fieldPtr = varEnd;
    itMaster = varEnd + fieldLen;
  } else {
    fieldLen = <u32>getVarint(itRec);
    fieldPtr = varEnd;
    itRec = varEnd + fieldLen;
  }
  itOdd = !itOdd;
}
