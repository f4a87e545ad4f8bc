// Redis's error replies, byte for byte, as shared constants: a handler never retypes an error text.
// Texts are stored without the leading '-' and trailing CRLF (resp/writer.ts adds them).
import { Lit } from "../util/mem";

export const ERR_SYNTAX = new Lit("ERR syntax error");
export const ERR_NOT_INT = new Lit("ERR value is not an integer or out of range");
export const ERR_NOT_FLOAT = new Lit("ERR value is not a valid float");
export const ERR_WRONGTYPE = new Lit("WRONGTYPE Operation against a key holding the wrong kind of value");
export const ERR_NO_KEY = new Lit("ERR no such key");
export const ERR_OVERFLOW = new Lit("ERR increment or decrement would overflow");
export const ERR_NAN_INF = new Lit("ERR increment would produce NaN or Infinity");
export const ERR_INVALID_EXPIRE = new Lit("ERR invalid expire time in '%s' command");
export const ERR_STRING_TOO_LONG = new Lit("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
export const ERR_OFFSET_RANGE = new Lit("ERR offset is out of range");
export const ERR_DB_INDEX = new Lit("ERR DB index is out of range");
export const ERR_SELECT_NOT_ALLOWED = new Lit("ERR SELECT is not allowed in cluster mode");
export const ERR_PROTO_MULTIBULK = new Lit("ERR Protocol error: invalid multibulk length");
export const ERR_PROTO_BULK = new Lit("ERR Protocol error: invalid bulk length");
export const ERR_PROTO_BIG_MBULK = new Lit("ERR Protocol error: too big mbulk count string");
export const ERR_PROTO_BIG_BULK = new Lit("ERR Protocol error: too big bulk count string");
export const ERR_PROTO_BIG_INLINE = new Lit("ERR Protocol error: too big inline request");
export const ERR_PROTO_QUOTES = new Lit("ERR Protocol error: unbalanced quotes in request");
export const ERR_PROTO_EXPECTED_DOLLAR = new Lit("ERR Protocol error: expected '$', got '");
