// Integer text <-> i64. This file owns the one integer grammar the engine accepts and the one way it
// prints integers, so INCRBY, SETRANGE offsets, EXPIRE times and LINDEX indices all agree with Redis.
//
// Parsing follows Redis's `string2ll` exactly: an optional '-', then digits with no leading zero (a lone
// "0" is the only number that starts with '0'; "-0" is rejected), nothing else — no spaces, no '+', no
// decimal point — at most 20 bytes, and the value must fit an i64. The result goes to the global
// `parsedI64`, so a parse allocates nothing and still returns both "ok?" and the value.
//
// Formatting writes plain decimal ASCII into a caller-owned buffer (at most 20 bytes) and returns the
// length; i64.MIN_VALUE is handled by working on the magnitude as u64.

/** The value of the last successful parseI64. Unchanged when a parse fails. */
export let parsedI64: i64 = 0;

/** The longest integer text string2ll accepts: "-9223372036854775808" is 20 bytes. */
export const MAX_I64_CHARS: u32 = 20;

/** Parse `len` bytes at `ptr` as a Redis integer (string2ll rules). On success sets parsedI64. */
export function parseI64(ptr: usize, len: u32): bool {
  if (len == 0 || len > MAX_I64_CHARS) return false;
  let i: u32 = 0;
  const negative = load<u8>(ptr) == 0x2d; // '-'
  if (negative) {
    i = 1;
    if (len == 1) return false;
  }
  const first = load<u8>(ptr + i);
  if (first == 0x30) {
    // '0' may only stand alone: "0" is fine, "-0", "00", "01" are not.
    if (len == 1) {
      parsedI64 = 0;
      return true;
    }
    return false;
  }
  let magnitude: u64 = 0;
  for (; i < len; i++) {
    const d = <u32>load<u8>(ptr + i) - 0x30;
    if (d > 9) return false;
    // magnitude * 10 + d must stay within u64 before the sign check below.
    if (magnitude > 1844674407370955161 || (magnitude == 1844674407370955161 && d > 5)) return false;
    magnitude = magnitude * 10 + d;
  }
  if (negative) {
    if (magnitude > 9223372036854775808) return false;
    parsedI64 = <i64>(0 - magnitude);
  } else {
    if (magnitude > 9223372036854775807) return false;
    parsedI64 = <i64>magnitude;
  }
  return true;
}

/** Number of bytes formatI64 writes for `v` (sign included). */
export function decimalLength(v: i64): u32 {
  let magnitude: u64 = v < 0 ? 0 - <u64>v : <u64>v;
  let n: u32 = v < 0 ? 2 : 1;
  while (magnitude >= 10) {
    magnitude /= 10;
    n++;
  }
  return n;
}

/** Write `v` as decimal ASCII at `buf` (room for 20 bytes needed); returns the length written. */
export function formatI64(buf: usize, v: i64): u32 {
  const length = decimalLength(v);
  let magnitude: u64 = v < 0 ? 0 - <u64>v : <u64>v;
  if (v < 0) store<u8>(buf, 0x2d);
  let at = buf + length;
  do {
    at--;
    store<u8>(at, <u8>(0x30 + <u32>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return length;
}
