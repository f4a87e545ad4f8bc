// A blocking command's timeout, read as Redis 7.0 reads it (getTimeoutFromObjectOrReply): seconds as a
// long double (strtold: hex and exponents too; no spaces, no NaN), times 1000 in long double, rounded up
// to whole ms. Negative after rounding is an error ("-0.001" rounds to 0, which waits forever — in long
// double its product is just above -1); beyond 64-bit milliseconds converts to the most negative integer,
// as C's cast does, so that too is "negative".
import { parseLongDouble, parsedF64, PARSED_LD } from "../util/float";
import { parseI64, parsedI64 } from "../util/int";
import { replyErrorLit } from "../resp/writer";
import { Lit } from "../util/mem";

/** What parseTimeout read: the deadline in Unix ms, 0 for none. */
export let timeoutDeadline: i64 = 0;


/** Seconds (BLPOP …) → deadline; false after replying Redis's error. */
export function parseTimeoutSeconds(ptr: usize, len: u32, now: i64): bool {
  if (!parseLongDouble(ptr, len) || isNaN(parsedF64)) { replyErrorLit(NOT_FLOAT); return false; }
  const ms = millisOfSeconds(PARSED_LD);
  if (ms < 0) { replyErrorLit(NEGATIVE); return false; }
  return setDeadline(ms, now);
}

const KIND_ZERO: u8 = 0;
const KIND_FINITE: u8 = 1;

/**
 * ceill(seconds × 1000) as a long long, as Redis computes it: the product rounded to a long double
 * (64-bit mantissa, to nearest even), rounded up to an integer, converted with C's cast (out of range →
 * the most negative integer). `slot` is a long double slot of util/float.ts: mantissa u64, exponent i32
 * (value = mantissa × 2^exponent), kind u8, sign u8.
 */
function millisOfSeconds(slot: usize): i64 {
  const kind = load<u8>(slot, 12);
  if (kind == KIND_ZERO) return 0;
  if (kind != KIND_FINITE) return I64.MIN_VALUE;
  const neg = load<u8>(slot, 13) != 0;
  let m = load<u64>(slot);
  let e = load<i32>(slot, 8);
  // m × 1000 as hi:lo (< 2^74), then back to 64 significant bits.
  const lo32 = m & 0xffffffff;
  const hi32 = m >> 32;
  const pLo = lo32 * 1000;
  const pHi = hi32 * 1000;
  let lo = pLo + (pHi << 32);
  const carry: u64 = lo < pLo ? 1 : 0;
  const hi = (pHi >> 32) + carry;
  if (hi == 0) {
    m = lo;
  } else {
    const shift = <u64>(64 - clz<u64>(hi));
    m = (hi << (64 - shift)) | (lo >> shift);
    const rest = lo & ((<u64>1 << shift) - 1);
    const half = <u64>1 << (shift - 1);
    if (rest > half || (rest == half && (m & 1) != 0)) {
      m++;
      if (m == 0) { m = <u64>1 << 63; e++; }
    }
    e += <i32>shift;
  }
  if (e >= 0) {
    if (neg || e >= 63 || (m >> <u64>(63 - e)) != 0) return neg ? -1 : I64.MIN_VALUE;
    return <i64>(m << <u64>e);
  }
  const sh = -e;
  const whole: u64 = sh >= 64 ? 0 : m >> <u64>sh;
  const fraction = sh >= 64 ? m != 0 : (m & ((<u64>1 << <u64>sh) - 1)) != 0;
  if (neg) return whole > 0 ? -1 : 0;
  if (whole >= (<u64>1 << 63)) return I64.MIN_VALUE;
  return <i64>whole + (fraction ? 1 : 0);
}

/** Milliseconds (XREAD BLOCK …) → deadline; false after replying Redis's error. */
export function parseTimeoutMillis(ptr: usize, len: u32, now: i64): bool {
  if (!parseI64(ptr, len)) { replyErrorLit(NOT_INTEGER); return false; }
  if (parsedI64 < 0) { replyErrorLit(NEGATIVE); return false; }
  return setDeadline(parsedI64, now);
}

function setDeadline(ms: i64, now: i64): bool {
  // A sum past 64 bits waits as good as forever.
  timeoutDeadline = ms == 0 ? 0 : ms > I64.MAX_VALUE - now ? I64.MAX_VALUE : now + ms;
  return true;
}

const NOT_FLOAT = new Lit("ERR timeout is not a float or out of range");
const NOT_INTEGER = new Lit("ERR timeout is not an integer or out of range");
const NEGATIVE = new Lit("ERR timeout is negative");
