// What a value is called: the type names TYPE replies and SCAN ... TYPE filters on, and the encoding
// names OBJECT ENCODING replies. The entry stores both as bytes (store/entry.ts TYPE_*, ENC_*); this
// file is the one map from those bytes to Redis's words. A new type, or a new encoding of one, adds its
// name here.
import { TYPE_STRING, TYPE_LIST, TYPE_SET, TYPE_ZSET, TYPE_HASH, TYPE_STREAM, ENC_RAW, ENC_INT, ENC_EMBSTR } from "../store/entry";
import { Lit } from "../util/mem";
import { SET_ENC_INTSET } from "../store/set";
import { FORM_TABLE } from "../store/hash";

/** "none" is the name of a missing key (TYPE, and SCAN's TYPE filter). */
export const TYPE_NONE_NAME = new Lit("none");

/** Redis's name for a type byte (getObjectTypeName). */
export function typeName(type: u8): Lit {
  if (type == TYPE_STRING) return STRING;
  if (type == TYPE_LIST) return LIST;
  if (type == TYPE_SET) return SET;
  if (type == TYPE_ZSET) return ZSET;
  if (type == TYPE_HASH) return HASH;
  if (type == TYPE_STREAM) return STREAM;
  return UNKNOWN;
}

/** Redis's name for an entry's encoding (strEncoding); the encoding byte's meaning depends on the type. */
export function encodingName(type: u8, encoding: u8): Lit {
  if (type == TYPE_STRING) {
    if (encoding == ENC_INT) return INT;
    if (encoding == ENC_EMBSTR) return EMBSTR;
    if (encoding == ENC_RAW) return RAW;
  }
  if (type == TYPE_LIST) return QUICKLIST;
  if (type == TYPE_SET) return encoding == SET_ENC_INTSET ? INTSET : HASHTABLE;
  if (type == TYPE_HASH) return encoding == FORM_TABLE ? HASHTABLE : LISTPACK;
  if (type == TYPE_ZSET) return encoding == ENC_ZSET_SKIPLIST ? SKIPLIST : LISTPACK;
  if (type == TYPE_STREAM) return STREAM;
  return UNKNOWN;
}

const STRING = new Lit("string");
const LIST = new Lit("list");
const SET = new Lit("set");
const ZSET = new Lit("zset");
const HASH = new Lit("hash");
const STREAM = new Lit("stream");
const UNKNOWN = new Lit("unknown");
const INT = new Lit("int");
const EMBSTR = new Lit("embstr");
const RAW = new Lit("raw");
/** Redis 7.0 encodes every list as a quicklist, however small (listpack lists came in 7.2). */
const QUICKLIST = new Lit("quicklist");
/** Redis 7.0 sets: "intset" while small and all integers, else "hashtable" (listpack sets came in 7.2). */
const INTSET = new Lit("intset");
/** A hash's two encodings (store/hash.ts: the entry's encoding byte is the hash's form). */
const LISTPACK = new Lit("listpack");
const HASHTABLE = new Lit("hashtable");
/** A sorted set's encoding byte is its form (store/zset.ts FORM_*): "listpack" small, "skiplist" large. */
const ENC_ZSET_SKIPLIST: u8 = 1;
const SKIPLIST = new Lit("skiplist");
