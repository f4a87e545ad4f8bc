// A key's value and TTL as one byte string, for moving a key between shards (cross-shard RENAME):
// [type u8][encoding u8][expireAt i64][value bytes]. Each value type adds its own encoding here.
import { ByteBuf } from "../util/mem";
import { entryType, entryEncoding, entryExpireAt, entryValue, entrySetType, entrySetValue, TYPE_STRING,
         TYPE_LIST, TYPE_SET, TYPE_HASH, TYPE_ZSET, TYPE_STREAM, NO_EXPIRY } from "./entry";
import { strNew, strData, strLen } from "./strval";
import { listEncode, listDecode } from "./list";
import { setEncode, setDecode } from "./set";
import { hashEncode, hashDecode } from "./hash";
import { zsetEncode, zsetDecode } from "./zset";
import { streamEncode, streamDecode } from "./stream";
import { insertKey, lookup, deleteEntry, setExpire } from "./keyspace";

const HEADER: u32 = 10;

export function encodeValue(e: usize, out: ByteBuf): void {
  out.reserve(HEADER);
  store<u8>(out.ptr + out.len, entryType(e));
  store<u8>(out.ptr + out.len, entryEncoding(e), 1);
  store<i64>(out.ptr + out.len, entryExpireAt(e), 2);
  out.len += HEADER;
  const v = entryValue(e);
  if (entryType(e) == TYPE_STRING) out.append(strData(v), strLen(v));
  else if (entryType(e) == TYPE_LIST) listEncode(v, out);
  else if (entryType(e) == TYPE_SET) setEncode(v, out);
  else if (entryType(e) == TYPE_HASH) hashEncode(v, out);
  else if (entryType(e) == TYPE_ZSET) zsetEncode(v, out);
  else if (entryType(e) == TYPE_STREAM) streamEncode(v, out);
}

/** Replaces `key` (whatever it held) with an encoded value. */
export function decodeValueInto(key: usize, keyLen: u32, ptr: usize, len: u32): void {
  const old = lookup(key, keyLen);
  if (old != 0) deleteEntry(old);
  const e = insertKey(key, keyLen);
  const type = load<u8>(ptr);
  entrySetType(e, type, load<u8>(ptr, 1));
  if (type == TYPE_STRING) entrySetValue(e, strNew(ptr + HEADER, len - HEADER));
  else if (type == TYPE_LIST) entrySetValue(e, listDecode(ptr + HEADER, len - HEADER));
  else if (type == TYPE_SET) entrySetValue(e, setDecode(ptr + HEADER, len - HEADER));
  else if (type == TYPE_HASH) entrySetValue(e, hashDecode(ptr + HEADER, len - HEADER));
  else if (type == TYPE_ZSET) entrySetValue(e, zsetDecode(ptr + HEADER, len - HEADER));
  else if (type == TYPE_STREAM) entrySetValue(e, streamDecode(ptr + HEADER, len - HEADER));
  const at = load<i64>(ptr, 2);
  if (at != NO_EXPIRY) setExpire(e, at);
}
