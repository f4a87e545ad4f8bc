// Hash values: field → value maps of byte strings, in raw memory, in Redis 7.0's two encodings.
//
// A hash is a fixed 36-byte header (its address is the entry's value and never moves) over one of two
// forms; the commands see the difference only in reply order and OBJECT ENCODING:
//   - LISTPACK, for small hashes: one raw buffer of pairs `[flen u8][field][vlen u8][value]` back to
//     back, in insertion order (a new field goes to the end, a changed value stays where it is, a removed
//     pair closes its gap), so replies come in the order Redis's listpack gives. Lookups walk it, which is
//     cheap at this size.
//   - TABLE, for big ones ("hashtable"): chained buckets of nodes `[next u32][hash u32][flen u32][vlen u32]
//     [field][value]` with Redis's incremental rehashing (two tables while resizing; every lookup or write
//     moves a bucket along), so no command pays for resizing millions of fields at once. It shrinks after
//     a delete leaves it under 10% full, as Redis's hashTypeDelete does.
// A hash turns TABLE, once and for good, when it gets more than LISTPACK_MAX_ENTRIES fields or a field or
// value longer than LISTPACK_MAX_VALUE bytes (hash-max-listpack-entries 512, hash-max-listpack-value 64,
// redis-server's built-in defaults; the u8 lengths of the listpack rely on the latter being below 256).
//
// Reading: hashGet / hashIterNext / hashLoad leave the pair in fieldPtr/fieldLen/valPtr/valLen, valid
// until the hash is next modified. A pair's "handle" (hashCollect, hashScan, hashRandom) is its address
// in either form, also valid until the next modification.
//
// HSCAN on a TABLE uses Redis's reverse-binary cursor (as store/dict.ts does for the keyspace): a field
// present for the whole scan is returned at least once, across resizes and rehashing.
//
// Header layout:
//   0 form u32      FORM_LISTPACK | FORM_TABLE (also the entry's encoding byte, commands/keys-names.ts)
//   4 count u32     fields, both forms
//   8 data u32      LISTPACK: the pair buffer; TABLE: table 0's buckets
//  12 cap u32       LISTPACK: buffer bytes; TABLE: table 0's size (a power of two)
//  16 aux u32       LISTPACK: buffer bytes used; TABLE: fields in table 0
//  20 t1 u32        TABLE while rehashing: table 1's buckets (else 0)
//  24 t1size u32
//  28 t1used u32
//  32 rehashIdx i32 TABLE: next bucket of table 0 to move, -1 when not rehashing
import { scanStep, scanVisits } from "../util/scan-cursor";
import { rawAlloc, rawRealloc, rawFree, ByteBuf } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { hashBytes } from "../util/hash";
import { randomU32, randomBelow } from "../util/random";

export const FORM_LISTPACK: u8 = 0;
export const FORM_TABLE: u8 = 1;

/**
 * hash-max-listpack-entries: a listpack with more fields turns into a table. 512 is redis-server 7.0's
 * built-in default (config.c), what it runs with when started without a config file as kevy-ts is; the
 * sample redis.conf lowers it to 128.
 */
export const LISTPACK_MAX_ENTRIES: u32 = 512;
/** hash-max-listpack-value: a longer field or value turns the hash into a table. */
export const LISTPACK_MAX_VALUE: u32 = 64;

const HEADER_SIZE: usize = 36;
const NODE_HDR: usize = 16;
const MIN_BUCKETS: u32 = 4;
const FIELD_SEED: u32 = 0x1b873593;

/** The pair read last (hashGet, hashIterNext, hashLoad, hashRandom): valid until the hash is modified. */
export let fieldPtr: usize = 0;
export let fieldLen: u32 = 0;
export let valPtr: usize = 0;
export let valLen: u32 = 0;

// @ts-ignore: decorator
@inline export function hashForm(h: usize): u8 { return <u8>load<u32>(h); }
// @ts-ignore: decorator
@inline export function hashLen(h: usize): u32 { return load<u32>(h, 4); }
// @ts-ignore: decorator
@inline function setCount(h: usize, n: u32): void { store<u32>(h, n, 4); }
// @ts-ignore: decorator
@inline function data(h: usize): usize { return <usize>load<u32>(h, 8); }
// @ts-ignore: decorator
@inline function cap(h: usize): u32 { return load<u32>(h, 12); }
// @ts-ignore: decorator
@inline function aux(h: usize): u32 { return load<u32>(h, 16); }
// @ts-ignore: decorator
@inline function setAux(h: usize, v: u32): void { store<u32>(h, v, 16); }
// @ts-ignore: decorator
@inline function rehashIdx(h: usize): i32 { return load<i32>(h, 32); }
// @ts-ignore: decorator
@inline function setRehashIdx(h: usize, v: i32): void { store<i32>(h, v, 32); }

/** A new, empty hash (listpack). */
export function hashNew(): usize {
  const h = rawAlloc(HEADER_SIZE);
  memory.fill(h, 0, HEADER_SIZE);
  store<u32>(h, FORM_LISTPACK);
  const buf = rawAlloc(64);
  store<u32>(h, <u32>buf, 8);
  store<u32>(h, 64, 12);
  setRehashIdx(h, -1);
  return h;
}

/** A new, empty hash in table form, sized for `hint` fields (a moved "hashtable" stays one). */
export function hashNewTable(hint: u32): usize {
  const h = rawAlloc(HEADER_SIZE);
  memory.fill(h, 0, HEADER_SIZE);
  store<u32>(h, FORM_TABLE);
  tableAllocate(h, 0, bucketsFor(hint));
  setRehashIdx(h, -1);
  return h;
}

export function hashFree(h: usize): void {
  if (hashForm(h) == FORM_TABLE) {
    for (let t = 0; t < 2; t++) {
      const n = tSize(h, t);
      const b = tBuckets(h, t);
      for (let i: u32 = 0; i < n; i++) {
        let node = <usize>load<u32>(b + (<usize>i << 2));
        while (node != 0) {
          const next = nodeNext(node);
          rawFree(node);
          node = next;
        }
      }
      if (b != 0) rawFree(b);
    }
  } else {
    rawFree(data(h));
  }
  rawFree(h);
}

// ======================================================================================================
// LISTPACK form
// ======================================================================================================

/** Offset of the pair whose field is `f`, or -1. */
function lpFind(h: usize, f: usize, fl: u32): i32 {
  const buf = data(h);
  const used = aux(h);
  let off: u32 = 0;
  while (off < used) {
    const n = <u32>load<u8>(buf + off);
    if (n == fl && bytesEqual(buf + off + 1, n, f, fl)) return <i32>off;
    off += 1 + n;
    off += 1 + <u32>load<u8>(buf + off);
  }
  return -1;
}

/** Reads the pair at address `p` of a listpack buffer into the globals; returns the next pair's address. */
function lpLoad(p: usize): usize {
  fieldLen = <u32>load<u8>(p);
  fieldPtr = p + 1;
  const v = fieldPtr + fieldLen;
  valLen = <u32>load<u8>(v);
  valPtr = v + 1;
  return valPtr + valLen;
}

function lpReserve(h: usize, extra: u32): void {
  const need = aux(h) + extra;
  let c = cap(h);
  if (need <= c) return;
  while (c < need) c <<= 1;
  store<u32>(h, <u32>rawRealloc(data(h), c), 8);
  store<u32>(h, c, 12);
}

function lpAppend(h: usize, f: usize, fl: u32, v: usize, vl: u32): void {
  lpReserve(h, fl + vl + 2);
  const at = data(h) + aux(h);
  store<u8>(at, <u8>fl);
  memory.copy(at + 1, f, fl);
  store<u8>(at + 1 + fl, <u8>vl);
  memory.copy(at + 2 + fl, v, vl);
  setAux(h, aux(h) + fl + vl + 2);
  setCount(h, hashLen(h) + 1);
}

/** Replaces the value of the pair at `off`, in place (the pairs after it move by the difference). */
function lpReplaceValue(h: usize, off: u32, v: usize, vl: u32): void {
  const vOff = off + 1 + <u32>load<u8>(data(h) + off);
  const old = <u32>load<u8>(data(h) + vOff);
  if (vl > old) lpReserve(h, vl - old);
  const buf = data(h);
  const tail = vOff + 1 + old;
  memory.copy(buf + vOff + 1 + vl, buf + tail, aux(h) - tail);
  store<u8>(buf + vOff, <u8>vl);
  memory.copy(buf + vOff + 1, v, vl);
  setAux(h, aux(h) - old + vl);
}

function lpRemove(h: usize, off: u32): void {
  const buf = data(h);
  const vOff = off + 1 + <u32>load<u8>(buf + off);
  const end = vOff + 1 + <u32>load<u8>(buf + vOff);
  memory.copy(buf + off, buf + end, aux(h) - end);
  setAux(h, aux(h) - (end - off));
  setCount(h, hashLen(h) - 1);
  const c = cap(h);
  if (c > 256 && aux(h) < c >> 2) {
    store<u32>(h, <u32>rawRealloc(buf, c >> 1), 8);
    store<u32>(h, c >> 1, 12);
  }
}

/** Turns a listpack hash into a table, pairs unchanged (Redis's hashTypeConvert). */
function toTable(h: usize): void {
  const buf = data(h);
  const used = aux(h);
  const n = hashLen(h);
  store<u32>(h, FORM_TABLE);
  setCount(h, 0);
  tableAllocate(h, 0, bucketsFor(n));
  tableAllocate(h, 1, 0);
  setRehashIdx(h, -1);
  let p = buf;
  while (p < buf + used) {
    p = lpLoad(p);
    tableAdd(h, nodeNew(fieldPtr, fieldLen, valPtr, valLen, fieldHash(fieldPtr, fieldLen)));
  }
  rawFree(buf);
}

// ======================================================================================================
// TABLE form
// ======================================================================================================

// @ts-ignore: decorator
@inline function nodeNext(n: usize): usize { return <usize>load<u32>(n); }
// @ts-ignore: decorator
@inline function nodeHash(n: usize): u32 { return load<u32>(n, 4); }
// @ts-ignore: decorator
@inline function nodeFieldLen(n: usize): u32 { return load<u32>(n, 8); }

function nodeNew(f: usize, fl: u32, v: usize, vl: u32, hash: u32): usize {
  const n = rawAlloc(NODE_HDR + fl + vl);
  store<u32>(n, 0);
  store<u32>(n, hash, 4);
  store<u32>(n, fl, 8);
  store<u32>(n, vl, 12);
  memory.copy(n + NODE_HDR, f, fl);
  memory.copy(n + NODE_HDR + fl, v, vl);
  return n;
}

function nodeLoad(n: usize): void {
  fieldLen = load<u32>(n, 8);
  valLen = load<u32>(n, 12);
  fieldPtr = n + NODE_HDR;
  valPtr = fieldPtr + fieldLen;
}

// @ts-ignore: decorator
@inline function fieldHash(f: usize, fl: u32): u32 { return hashBytes(f, fl, FIELD_SEED); }

// Table t (0 or 1): buckets at header offset 8 / 20, size at 12 / 24, used at 16 / 28.
// @ts-ignore: decorator
@inline function tBuckets(h: usize, t: i32): usize { return <usize>load<u32>(h + (t == 0 ? 8 : 20)); }
// @ts-ignore: decorator
@inline function tSize(h: usize, t: i32): u32 { return load<u32>(h + (t == 0 ? 12 : 24)); }
// @ts-ignore: decorator
@inline function tUsed(h: usize, t: i32): u32 { return load<u32>(h + (t == 0 ? 16 : 28)); }
// @ts-ignore: decorator
@inline function tSetUsed(h: usize, t: i32, n: u32): void { store<u32>(h + (t == 0 ? 16 : 28), n); }
// @ts-ignore: decorator
@inline function slot(h: usize, t: i32, i: u32): usize { return tBuckets(h, t) + (<usize>i << 2); }

function bucketsFor(n: u32): u32 {
  let size = MIN_BUCKETS;
  while (size < n) size <<= 1;
  return size;
}

/** Gives table `t` `size` empty buckets (0: none). */
function tableAllocate(h: usize, t: i32, size: u32): void {
  let b: usize = 0;
  if (size > 0) {
    b = rawAlloc(<usize>size << 2);
    memory.fill(b, 0, <usize>size << 2);
  }
  const base = h + (t == 0 ? 8 : 20);
  store<u32>(base, <u32>b);
  store<u32>(base, size, 4);
  store<u32>(base, 0, 8);
}

/** Moves up to `n` buckets from table 0 to table 1 (at most 10n empty ones visited), as Redis's dictRehash. */
function rehashStep(h: usize, n: i32): void {
  let idx = rehashIdx(h);
  if (idx < 0) return;
  let emptyVisits = n * 10;
  const mask1 = tSize(h, 1) - 1;
  while (n-- > 0 && tUsed(h, 0) != 0) {
    while (load<u32>(slot(h, 0, <u32>idx)) == 0) {
      idx++;
      if (--emptyVisits == 0) { setRehashIdx(h, idx); return; }
    }
    let node = <usize>load<u32>(slot(h, 0, <u32>idx));
    while (node != 0) {
      const next = nodeNext(node);
      const s = slot(h, 1, nodeHash(node) & mask1);
      store<u32>(node, load<u32>(s));
      store<u32>(s, <u32>node);
      tSetUsed(h, 0, tUsed(h, 0) - 1);
      tSetUsed(h, 1, tUsed(h, 1) + 1);
      node = next;
    }
    store<u32>(slot(h, 0, <u32>idx), 0);
    idx++;
  }
  setRehashIdx(h, idx);
  if (tUsed(h, 0) == 0) {
    // Table 1 becomes table 0.
    rawFree(tBuckets(h, 0));
    memory.copy(h + 8, h + 20, 12);
    tableAllocate(h, 1, 0);
    setRehashIdx(h, -1);
  }
}

function startResize(h: usize, size: u32): void {
  if (size == tSize(h, 0)) return;
  tableAllocate(h, 1, size);
  setRehashIdx(h, 0);
}

/** The table (0 or 1) of the node the last tableFindLink found. */
let foundTable: i32 = 0;

/** Address of the link (bucket slot or a node's next word) that points at the node of `f`, or 0. */
function tableFindLink(h: usize, f: usize, fl: u32, hash: u32): usize {
  if (rehashIdx(h) >= 0) rehashStep(h, 1);
  const tables = rehashIdx(h) >= 0 ? 2 : 1;
  for (let t = 0; t < tables; t++) {
    let link = slot(h, t, hash & (tSize(h, t) - 1));
    let node = <usize>load<u32>(link);
    while (node != 0) {
      if (nodeHash(node) == hash && nodeFieldLen(node) == fl && bytesEqual(node + NODE_HDR, fl, f, fl)) {
        foundTable = t;
        return link;
      }
      link = node;
      node = nodeNext(node);
    }
  }
  return 0;
}

function tableAdd(h: usize, node: usize): void {
  if (rehashIdx(h) < 0 && tUsed(h, 0) >= tSize(h, 0)) startResize(h, bucketsFor(tUsed(h, 0) + 1));
  if (rehashIdx(h) >= 0) rehashStep(h, 1);
  const t = rehashIdx(h) >= 0 ? 1 : 0;
  const s = slot(h, t, nodeHash(node) & (tSize(h, t) - 1));
  store<u32>(node, load<u32>(s));
  store<u32>(s, <u32>node);
  tSetUsed(h, t, tUsed(h, t) + 1);
  setCount(h, hashLen(h) + 1);
}

/** After a delete: start shrinking when under 10% full (Redis's htNeedsResize + dictResize). */
function tableShrinkIfNeeded(h: usize): void {
  if (rehashIdx(h) >= 0) return;
  const size = tSize(h, 0);
  const used = tUsed(h, 0);
  if (size > MIN_BUCKETS && <u64>used * 100 / <u64>size < 10) startResize(h, bucketsFor(used));
}

// ======================================================================================================
// The operations the commands use
// ======================================================================================================

/** Reads the value of field `f` into valPtr/valLen (and the field into fieldPtr/fieldLen); false if absent. */
export function hashGet(h: usize, f: usize, fl: u32): bool {
  if (hashForm(h) == FORM_LISTPACK) {
    const off = lpFind(h, f, fl);
    if (off < 0) return false;
    lpLoad(data(h) + <usize>off);
    return true;
  }
  const link = tableFindLink(h, f, fl, fieldHash(f, fl));
  if (link == 0) return false;
  nodeLoad(<usize>load<u32>(link));
  return true;
}

/**
 * A field or value of `len` bytes is about to be written: a listpack that could not hold it becomes a
 * table first (Redis's hashTypeTryConversion, which HSET runs over every argument before writing).
 */
export function hashConvertFor(h: usize, len: u32): void {
  if (hashForm(h) == FORM_LISTPACK && len > LISTPACK_MAX_VALUE) toTable(h);
}

/** Sets field `f` to `v`; true when the field is new. Converts to a table when the listpack would overflow. */
export function hashSet(h: usize, f: usize, fl: u32, v: usize, vl: u32): bool {
  hashConvertFor(h, fl);
  hashConvertFor(h, vl);
  if (hashForm(h) == FORM_LISTPACK) {
    const off = lpFind(h, f, fl);
    if (off >= 0) { lpReplaceValue(h, <u32>off, v, vl); return false; }
    lpAppend(h, f, fl, v, vl);
    if (hashLen(h) > LISTPACK_MAX_ENTRIES) toTable(h);
    return true;
  }
  const hash = fieldHash(f, fl);
  const link = tableFindLink(h, f, fl, hash);
  if (link != 0) {
    const old = <usize>load<u32>(link);
    if (load<u32>(old, 12) == vl) { memory.copy(old + NODE_HDR + fl, v, vl); return false; }
    const node = nodeNew(f, fl, v, vl, hash);
    store<u32>(node, <u32>nodeNext(old));
    store<u32>(link, <u32>node);
    rawFree(old);
    return false;
  }
  tableAdd(h, nodeNew(f, fl, v, vl, hash));
  return true;
}

/** Removes field `f`; false when it was absent. */
export function hashDelete(h: usize, f: usize, fl: u32): bool {
  if (hashForm(h) == FORM_LISTPACK) {
    const off = lpFind(h, f, fl);
    if (off < 0) return false;
    lpRemove(h, <u32>off);
    return true;
  }
  const link = tableFindLink(h, f, fl, fieldHash(f, fl));
  if (link == 0) return false;
  const node = <usize>load<u32>(link);
  const t = foundTable;
  store<u32>(link, <u32>nodeNext(node));
  rawFree(node);
  tSetUsed(h, t, tUsed(h, t) - 1);
  setCount(h, hashLen(h) - 1);
  tableShrinkIfNeeded(h);
  return true;
}

// ---- iteration: listpack order, or table 0 then table 1 bucket by bucket ----

let iterHash: usize = 0;
let iterTable: i32 = 0;
let iterBucket: u32 = 0;
/** LISTPACK: address of the next pair; TABLE: the next node (0: look in the next bucket). */
let iterAt: usize = 0;

/** Starts a walk over every pair; the hash must not be modified until it ends. */
export function hashIterStart(h: usize): void {
  iterHash = h;
  iterTable = 0;
  iterBucket = 0;
  iterAt = hashForm(h) == FORM_LISTPACK ? data(h) : 0;
}

/** The next pair into the globals; false at the end. */
export function hashIterNext(): bool {
  const h = iterHash;
  if (hashForm(h) == FORM_LISTPACK) {
    if (iterAt >= data(h) + aux(h)) return false;
    iterAt = lpLoad(iterAt);
    return true;
  }
  while (iterAt == 0) {
    if (iterBucket >= tSize(h, iterTable)) {
      if (iterTable == 1) return false;
      iterTable = 1;
      iterBucket = 0;
      continue;
    }
    iterAt = <usize>load<u32>(slot(h, iterTable, iterBucket++));
  }
  nodeLoad(iterAt);
  iterAt = nodeNext(iterAt);
  return true;
}

/** Loads the pair behind a handle (hashCollect, hashScan, hashRandom) into the globals. */
export function hashLoad(h: usize, handle: usize): void {
  if (hashForm(h) == FORM_LISTPACK) lpLoad(handle); else nodeLoad(handle);
}

/** Pushes the handle of every pair, in iteration order. */
export function hashCollect(h: usize, out: Array<usize>): void {
  if (hashForm(h) == FORM_LISTPACK) {
    const buf = data(h);
    let p = buf;
    while (p < buf + aux(h)) { out.push(p); p = lpLoad(p); }
    return;
  }
  for (let t = 0; t < 2; t++) {
    const n = tSize(h, t);
    for (let i: u32 = 0; i < n; i++) {
      for (let node = <usize>load<u32>(slot(h, t, i)); node != 0; node = nodeNext(node)) out.push(node);
    }
  }
}

/** The handle of a random pair (a uniform index for a listpack; bucket then chain for a table). */
export function hashRandom(h: usize): usize {
  if (hashForm(h) == FORM_LISTPACK) {
    let k = randomBelow(hashLen(h));
    let p = data(h);
    while (k-- > 0) p = lpLoad(p);
    lpLoad(p);
    return p;
  }
  if (rehashIdx(h) >= 0) rehashStep(h, 1);
  let node: usize = 0;
  while (node == 0) {
    const idx = rehashIdx(h);
    if (idx >= 0) {
      const span = tSize(h, 0) + tSize(h, 1) - <u32>idx;
      const i = <u32>idx + randomBelow(span);
      node = i >= tSize(h, 0) ? <usize>load<u32>(slot(h, 1, i - tSize(h, 0))) : <usize>load<u32>(slot(h, 0, i));
    } else {
      node = <usize>load<u32>(slot(h, 0, randomU32() & (tSize(h, 0) - 1)));
    }
  }
  let chain: u32 = 0;
  for (let p = node; p != 0; p = nodeNext(p)) chain++;
  let pick = randomBelow(chain);
  while (pick-- > 0) node = nodeNext(node);
  nodeLoad(node);
  return node;
}

// ---- HSCAN over a table: Redis's dictScan ----


function pushChain(node: usize, out: Array<usize>): void {
  for (; node != 0; node = nodeNext(node)) out.push(node);
}

/**
 * One cursor step: pushes the handles of the visited buckets, returns the next cursor. A listpack has no
 * buckets: it is one step that returns every pair and cursor 0, as Redis's HSCAN does for it.
 */
export function hashScan(h: usize, cursor: u64, out: Array<usize>): u64 {
  if (hashForm(h) == FORM_LISTPACK) { hashCollect(h, out); return 0; }
  if (hashLen(h) == 0) return 0;
  const next = scanStep(cursor, tSize(h, 0), rehashIdx(h) >= 0 ? tSize(h, 1) : 0);
  for (let i = 0; i < scanVisits.length; i++) {
    const visit = unchecked(scanVisits[i]);
    pushChain(<usize>load<u32>(slot(h, <i32>(visit >> 32), <u32>visit)), out);
  }
  return next;
}

// ---- moving a hash between shards (store/value-codec.ts): [form u8][count u32] then
//      [flen u32][field][vlen u32][value] per pair, in iteration order ----

export function hashEncode(h: usize, out: ByteBuf): void {
  out.reserve(5);
  store<u8>(out.ptr + out.len, hashForm(h));
  store<u32>(out.ptr + out.len + 1, hashLen(h));
  out.len += 5;
  hashIterStart(h);
  while (hashIterNext()) {
    out.reserve(8 + fieldLen + valLen);
    const at = out.ptr + out.len;
    store<u32>(at, fieldLen);
    memory.copy(at + 4, fieldPtr, fieldLen);
    store<u32>(at + 4 + fieldLen, valLen);
    memory.copy(at + 8 + fieldLen, valPtr, valLen);
    out.len += 8 + fieldLen + valLen;
  }
}

/** The hash encoded at `ptr`, in the same form (a table stays a table, a listpack keeps its order). */
export function hashDecode(ptr: usize, len: u32): usize {
  const form = load<u8>(ptr);
  const n = load<u32>(ptr, 1);
  const h = form == FORM_TABLE ? hashNewTable(n) : hashNew();
  let at = ptr + 5;
  for (let i: u32 = 0; i < n; i++) {
    const fl = load<u32>(at);
    const vl = load<u32>(at + 4 + fl);
    hashSet(h, at + 4, fl, at + 8 + fl, vl);
    at += 8 + fl + vl;
  }
  return h;
}
