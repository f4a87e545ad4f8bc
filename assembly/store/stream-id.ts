// Stream IDs: 128-bit `ms-seq` pairs (two u64), the order every stream structure is kept in. IDs travel
// as two u64 values, never as objects; a function that produces one leaves it in `idMs`/`idSeq`. This
// file owns comparing, stepping (streamIncrID / streamDecrID), printing, and reading IDs with Redis 7.0's
// exact grammar (streamGenericParseIDOrReply): `-` and `+`, `ms` alone (the sequence is the caller's
// default), `ms-seq`, and for XADD `ms-*`. Numbers go through string2ll first, then strtoull's laxer
// rules (leading blanks, a sign, leading zeros), exactly as Redis's string2ull does; an argument is read
// only up to its first NUL, and one longer than 127 bytes is invalid.
import { parseI64, parsedI64 } from "../util/int";

/** The ID produced by the last parse, step or lookup. */
export let idMs: u64 = 0;
export let idSeq: u64 = 0;
/** After a successful parse with `allowStarSeq`: false when the sequence was `*`. */
export let idSeqGiven: bool = true;

export const ID_MAX: u64 = u64.MAX_VALUE;

export function setId(ms: u64, seq: u64): void { idMs = ms; idSeq = seq; }

/** -1, 0 or 1 as a is below, equal to or above b. */
// @ts-ignore: decorator
@inline export function idCompare(aMs: u64, aSeq: u64, bMs: u64, bSeq: u64): i32 {
  if (aMs != bMs) return aMs < bMs ? -1 : 1;
  if (aSeq != bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** The next ID after (ms, seq) into idMs/idSeq; false (ID 0-0) when it was the last possible one. */
export function idIncr(ms: u64, seq: u64): bool {
  if (seq == ID_MAX) {
    if (ms == ID_MAX) { idMs = 0; idSeq = 0; return false; }
    idMs = ms + 1; idSeq = 0;
  } else {
    idMs = ms; idSeq = seq + 1;
  }
  return true;
}

/** The ID before (ms, seq) into idMs/idSeq; false when it was 0-0. */
export function idDecr(ms: u64, seq: u64): bool {
  if (seq == 0) {
    if (ms == 0) { idMs = ID_MAX; idSeq = ID_MAX; return false; }
    idMs = ms - 1; idSeq = ID_MAX;
  } else {
    idMs = ms; idSeq = seq - 1;
  }
  return true;
}

function u64Digits(at: usize, v: u64): u32 {
  let n: u32 = 1;
  let t = v;
  while (t >= 10) { t /= 10; n++; }
  let p = at + n;
  do { p--; store<u8>(p, <u8>(0x30 + <u32>(v % 10))); v /= 10; } while (v != 0);
  return n;
}

/** Writes `ms-seq` at `at` (room for 41 bytes); returns its length. */
export function idFormat(at: usize, ms: u64, seq: u64): u32 {
  const a = u64Digits(at, ms);
  store<u8>(at + a, 0x2d);
  return a + 1 + u64Digits(at + a + 1, seq);
}

// ---- parsing ----

/** Redis's string2ull over `len` bytes (a C string: the caller stopped at a NUL). */
let parsedU64: u64 = 0;

function isSpace(b: u32): bool { return b == 0x20 || (b >= 0x09 && b <= 0x0d); }

function string2ull(p: usize, len: u32): bool {
  if (parseI64(p, len)) {
    // string2ll accepted it: a negative number is out of range, as in Redis.
    const v = parsedI64;
    if (v < 0) return false;
    parsedU64 = <u64>v;
    return true;
  }
  // strtoull: blanks, an optional sign, at least one digit, all of the rest digits, no overflow.
  if (len == 0) return false;
  let i: u32 = 0;
  while (i < len && isSpace(load<u8>(p + i))) i++;
  let negative = false;
  if (i < len && (load<u8>(p + i) == 0x2b || load<u8>(p + i) == 0x2d)) {
    negative = load<u8>(p + i) == 0x2d;
    i++;
  }
  if (i >= len) return false;
  let v: u64 = 0;
  for (; i < len; i++) {
    const d = <u32>load<u8>(p + i) - 0x30;
    if (d > 9) return false;
    if (v > 1844674407370955161 || (v == 1844674407370955161 && d > 5)) return false; // ERANGE
    v = v * 10 + d;
  }
  parsedU64 = negative ? 0 - v : v;
  return true;
}

/**
 * Parses an ID into idMs/idSeq. `strict` refuses the lone `-` and `+`; `missingSeq` is the sequence of
 * an `ms` without one; `allowStarSeq` accepts `ms-*` (then idSeqGiven is false). False: invalid.
 */
export function idParse(ptr: usize, len: u32, missingSeq: u64, strict: bool, allowStarSeq: bool): bool {
  if (len > 127) return false;
  let n: u32 = 0;
  while (n < len && load<u8>(ptr + n) != 0) n++;
  idSeqGiven = true;
  if (n == 1 && (load<u8>(ptr) == 0x2d || load<u8>(ptr) == 0x2b)) {
    if (strict) return false;
    if (load<u8>(ptr) == 0x2d) { idMs = 0; idSeq = 0; } else { idMs = ID_MAX; idSeq = ID_MAX; }
    return true;
  }
  let dash: i32 = -1;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(ptr + i) == 0x2d) { dash = <i32>i; break; }
  const msLen = dash < 0 ? n : <u32>dash;
  if (!string2ull(ptr, msLen)) return false;
  const ms = parsedU64;
  let seq = missingSeq;
  if (dash >= 0) {
    const at = ptr + <usize>dash + 1;
    const seqLen = n - <u32>dash - 1;
    if (allowStarSeq && seqLen == 1 && load<u8>(at) == 0x2a) {
      seq = 0;
      idSeqGiven = false;
    } else {
      if (!string2ull(at, seqLen)) return false;
      seq = parsedU64;
    }
  }
  idMs = ms;
  idSeq = seq;
  return true;
}
