// A key's entry: one raw block holding the key's bytes and everything the keyspace knows about it.
// Layout (little-endian):
//
//   0  next     u32   next entry in the same hash bucket (0 = end of chain)
//   4  hash     u32   hash of the key (kept so rehashing never rehashes bytes)
//   8  expireAt i64   Unix ms after which the key is gone; -1 = no expiry
//  16  type     u8    TYPE_* below
//  17  encoding u8    ENC_* below (OBJECT ENCODING)
//  20  value    u32   the value: a raw block (strings) or a handle (other types)
//  24  keyLen   u32
//  28  volIdx   u32   position in the volatile set (store/volatile.ts) while expireAt >= 0
//  32  access   u32   last access, seconds since the shard started (OBJECT IDLETIME)
//  36  key      keyLen bytes
import { rawAlloc, rawFree } from "../util/mem";

export const TYPE_STRING: u8 = 0;
export const TYPE_LIST: u8 = 1;
export const TYPE_SET: u8 = 2;
export const TYPE_ZSET: u8 = 3;
export const TYPE_HASH: u8 = 4;
export const TYPE_STREAM: u8 = 6;

export const ENC_RAW: u8 = 0;
export const ENC_INT: u8 = 1;
export const ENC_EMBSTR: u8 = 2;

export const NO_EXPIRY: i64 = -1;
const KEY_OFFSET: usize = 36;

// @ts-ignore: decorator
@inline export function entryNext(e: usize): usize { return <usize>load<u32>(e); }
// @ts-ignore: decorator
@inline export function entrySetNext(e: usize, next: usize): void { store<u32>(e, <u32>next); }
// @ts-ignore: decorator
@inline export function entryHash(e: usize): u32 { return load<u32>(e, 4); }
// @ts-ignore: decorator
@inline export function entryExpireAt(e: usize): i64 { return load<i64>(e, 8); }
// @ts-ignore: decorator
@inline export function entrySetExpireAt(e: usize, at: i64): void { store<i64>(e, at, 8); }
// @ts-ignore: decorator
@inline export function entryType(e: usize): u8 { return load<u8>(e, 16); }
// @ts-ignore: decorator
@inline export function entryEncoding(e: usize): u8 { return load<u8>(e, 17); }
// @ts-ignore: decorator
@inline export function entrySetType(e: usize, type: u8, encoding: u8): void {
  store<u8>(e, type, 16);
  store<u8>(e, encoding, 17);
}
// @ts-ignore: decorator
@inline export function entryValue(e: usize): usize { return <usize>load<u32>(e, 20); }
// @ts-ignore: decorator
@inline export function entrySetValue(e: usize, v: usize): void { store<u32>(e, <u32>v, 20); }
// @ts-ignore: decorator
@inline export function entryKeyLen(e: usize): u32 { return load<u32>(e, 24); }
// @ts-ignore: decorator
@inline export function entryKey(e: usize): usize { return e + KEY_OFFSET; }
// @ts-ignore: decorator
@inline export function entryVolIdx(e: usize): u32 { return load<u32>(e, 28); }
// @ts-ignore: decorator
@inline export function entrySetVolIdx(e: usize, i: u32): void { store<u32>(e, i, 28); }
// @ts-ignore: decorator
@inline export function entryAccess(e: usize): u32 { return load<u32>(e, 32); }
// @ts-ignore: decorator
@inline export function entrySetAccess(e: usize, t: u32): void { store<u32>(e, t, 32); }

export function entryAlloc(key: usize, keyLen: u32, hash: u32): usize {
  const e = rawAlloc(KEY_OFFSET + keyLen);
  store<u32>(e, 0);
  store<u32>(e, hash, 4);
  store<i64>(e, NO_EXPIRY, 8);
  store<u32>(e, 0, 16);
  store<u32>(e, 0, 20);
  store<u32>(e, keyLen, 24);
  store<u32>(e, 0, 28);
  store<u32>(e, 0, 32);
  memory.copy(e + KEY_OFFSET, key, keyLen);
  return e;
}

export function entryFree(e: usize): void {
  rawFree(e);
}
