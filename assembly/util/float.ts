// Floating-point text <-> numbers, exactly as Redis 7.0 reads and prints them. This file owns:
//  - parseDouble: Redis `string2d` / `getDoubleFromObject` (strtod): ZADD scores, WEIGHTS …
//  - parseStrtod: bare strtod as zslParseRange uses it (ZRANGEBYSCORE, ZCOUNT … bounds): leading
//    blanks, the empty text and out-of-range values are accepted there (see the function);
//  - parseLongDouble: Redis `string2ld` (strtold on an x86 80-bit long double): INCRBYFLOAT,
//    HINCRBYFLOAT and blocking timeouts.
//  - formatDouble17g: C's "%.17g" (ZSCORE, ZINCRBY and RESP3 double replies).
//  - a software x87 long double (64-bit mantissa) with addition and "%.17Lf"-human printing, so that
//    INCRBYFLOAT can reproduce Redis byte for byte (0.1 + 0.2 prints "0.3" there because the sum is
//    done in 80 bits, where a f64 sum would print 0.30000000000000004).
//  - formatHumanLongDouble(f64) and formatShortestDouble: f64 approximations of the above for callers
//    that only hold a f64.
//
// Why a bignum: every result is compared byte for byte with Redis, so parsing must round correctly
// (to 53 or 64 bits, subnormals included) and printing must show the exact binary value's digits. Both
// are done with a small unsigned big integer (u32 limbs in static memory, no heap, no GC), with a fast
// path for the everyday "few digits, small exponent" double.
//
// Accepted text (both parsers, as glibc's strtod/strtold plus Redis's checks):
//  1. no leading whitespace (Redis rejects isspace(s[0])) and no trailing bytes of any kind;
//  2. optional '+' or '-';
//  3. "inf" or "infinity", any case -> ±infinity (accepted; INCRBYFLOAT then refuses the sum);
//  4. "nan…" -> rejected (Redis rejects NaN results);
//  5. decimal: digits with an optional '.', at least one digit, optional e/E exponent with digits;
//  6. hexadecimal: 0x/0X, hex digits with optional '.', optional p/P binary exponent with digits;
//  7. a finite text whose value overflows (±HUGE_VAL) or underflows to zero is rejected (ERANGE);
//     a text of zeros is fine ("-0" is -0.0); an underflow to a subnormal is fine.
// parseLongDouble also rejects texts of 5120 bytes or more (Redis's MAX_LONG_DOUBLE_CHARS buffer).
//
// Known differences from Redis:
//  - parsedF64 from parseLongDouble is the 80-bit value rounded to f64 (double rounding, which is also
//    what Redis does when it casts); values beyond f64's range (1e400) parse fine but read as ±Infinity
//    in parsedF64 — use the long double slot (parseLongDoubleTo) where that matters.
//  - formatHumanLongDouble(f64) prints the shortest round-trip digits of the f64 (at most 17 after the
//    point), not the digits of an 80-bit sum: for sums that are exact in f64 it agrees with Redis, but
//    e.g. a f64 0.1 + 0.2 prints "0.30000000000000004" where Redis prints "0.3", and 1e200 prints
//    "1" followed by 200 zeros where Redis prints the 80-bit value's exact digits. The long double
//    path (ldAdd + formatHumanLd) has no such difference.
//  - formatDouble17g prints every NaN as "nan" (glibc would print "-nan" for a negative NaN; Redis
//    never stores NaN).

// ---------------------------------------------------------------------------------------------------
// Big unsigned integers: [u32 limb count][u32 limbs, least significant first], fixed capacity.
// Capacity covers the worst case: 10^(5119 + 4951) as a divisor (~33500 bits) plus shifts.
// ---------------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline const BIG_CAP: u32 = 1200;
// @ts-ignore: decorator
@inline const BIG_BYTES: i32 = 4 * (1200 + 1);

const BIG_X: usize = memory.data(BIG_BYTES, 8);
const BIG_Y: usize = memory.data(BIG_BYTES, 8);
const BIG_T: usize = memory.data(BIG_BYTES, 8);
const BIG_Q: usize = memory.data(BIG_BYTES, 8);

// @ts-ignore: decorator
@inline function bigLen(b: usize): u32 {
  return load<u32>(b);
}
// @ts-ignore: decorator
@inline function bigLimb(b: usize, i: u32): u32 {
  return load<u32>(b + 4 + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function bigSetLimb(b: usize, i: u32, v: u32): void {
  store<u32>(b + 4 + (<usize>i << 2), v);
}

function bigTrim(b: usize): void {
  let n = bigLen(b);
  while (n > 0 && bigLimb(b, n - 1) == 0) n--;
  store<u32>(b, n);
}

function bigSetU64(b: usize, v: u64): void {
  bigSetLimb(b, 0, <u32>v);
  bigSetLimb(b, 1, <u32>(v >> 32));
  store<u32>(b, 2);
  bigTrim(b);
}

function bigCopy(dst: usize, src: usize): void {
  memory.copy(dst, src, 4 + (<usize>bigLen(src) << 2));
}

/** b = b * m + a */
function bigMulAdd(b: usize, m: u32, a: u32): void {
  const n = bigLen(b);
  let carry: u64 = a;
  for (let i: u32 = 0; i < n; i++) {
    const t = <u64>bigLimb(b, i) * m + carry;
    bigSetLimb(b, i, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) {
    assert(n < BIG_CAP);
    bigSetLimb(b, n, <u32>carry);
    store<u32>(b, n + 1);
  }
}

/** b = b / d, returns the remainder. */
function bigDivSmall(b: usize, d: u32): u32 {
  let rem: u64 = 0;
  for (let i = <i32>bigLen(b) - 1; i >= 0; i--) {
    const cur = (rem << 32) | bigLimb(b, i);
    bigSetLimb(b, i, <u32>(cur / d));
    rem = cur % d;
  }
  bigTrim(b);
  return <u32>rem;
}

function bigBitLen(b: usize): u32 {
  const n = bigLen(b);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - clz<u32>(bigLimb(b, n - 1)));
}

function bigBit(b: usize, i: u32): u32 {
  const limb = i >> 5;
  if (limb >= bigLen(b)) return 0;
  return (bigLimb(b, limb) >> (i & 31)) & 1;
}

/** Is any of bits [0, n) set? */
function bigAnyBelow(b: usize, n: u32): bool {
  const whole = n >> 5;
  const len = bigLen(b);
  for (let i: u32 = 0; i < whole && i < len; i++) if (bigLimb(b, i) != 0) return true;
  const part = n & 31;
  if (part != 0 && whole < len && (bigLimb(b, whole) & ((<u32>1 << part) - 1)) != 0) return true;
  return false;
}

function bigShl(b: usize, s: u32): void {
  const n = bigLen(b);
  if (n == 0 || s == 0) return;
  const limbs = s >> 5;
  const bits = s & 31;
  const out = n + limbs + 1;
  assert(out <= BIG_CAP);
  for (let i = <i32>out - 1; i >= <i32>limbs; i--) {
    const src = <u32>i - limbs;
    let v: u32 = 0;
    if (src < n) v = bigLimb(b, src) << bits;
    if (bits != 0 && src >= 1 && src - 1 < n) v |= bigLimb(b, src - 1) >> (32 - bits);
    bigSetLimb(b, <u32>i, v);
  }
  for (let i: u32 = 0; i < limbs; i++) bigSetLimb(b, i, 0);
  store<u32>(b, out);
  bigTrim(b);
}

function bigShr1(b: usize): void {
  const n = bigLen(b);
  for (let i: u32 = 0; i < n; i++) {
    let v = bigLimb(b, i) >> 1;
    if (i + 1 < n) v |= bigLimb(b, i + 1) << 31;
    bigSetLimb(b, i, v);
  }
  bigTrim(b);
}

/** Keep only bits [0, n). */
function bigTruncate(b: usize, n: u32): void {
  const whole = n >> 5;
  const part = n & 31;
  if (whole >= bigLen(b)) return;
  if (part == 0) {
    store<u32>(b, whole);
  } else {
    bigSetLimb(b, whole, bigLimb(b, whole) & ((<u32>1 << part) - 1));
    store<u32>(b, whole + 1);
  }
  bigTrim(b);
}

function bigCmp(a: usize, b: usize): i32 {
  const na = bigLen(a);
  const nb = bigLen(b);
  if (na != nb) return na < nb ? -1 : 1;
  for (let i = <i32>na - 1; i >= 0; i--) {
    const x = bigLimb(a, i);
    const y = bigLimb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a = a - b, requires a >= b. */
function bigSub(a: usize, b: usize): void {
  const na = bigLen(a);
  const nb = bigLen(b);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    let t = <i64>bigLimb(a, i) - borrow - <i64>(i < nb ? bigLimb(b, i) : 0);
    borrow = 0;
    if (t < 0) {
      t += <i64>1 << 32;
      borrow = 1;
    }
    bigSetLimb(a, i, <u32>t);
  }
  bigTrim(a);
}

/** a = a + b. */
function bigAdd(a: usize, b: usize): void {
  const na = bigLen(a);
  const nb = bigLen(b);
  const n = na > nb ? na : nb;
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const t = <u64>(i < na ? bigLimb(a, i) : 0) + <u64>(i < nb ? bigLimb(b, i) : 0) + carry;
    bigSetLimb(a, i, <u32>t);
    carry = t >> 32;
  }
  store<u32>(a, n);
  if (carry != 0) {
    bigSetLimb(a, n, <u32>carry);
    store<u32>(a, n + 1);
  }
}

/** b = 10^e */
function bigPow10(b: usize, e: u32): void {
  bigSetU64(b, 1);
  while (e >= 9) {
    bigMulAdd(b, 1000000000, 0);
    e -= 9;
  }
  const small: u32[] = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];
  if (e > 0) bigMulAdd(b, unchecked(small[e]), 0);
}

/** Bits [lo, lo + count) of b as a u64 (count <= 64). */
function bigBits64(b: usize, lo: u32, count: u32): u64 {
  let r: u64 = 0;
  for (let j = <i32>count - 1; j >= 0; j--) r = (r << 1) | <u64>bigBit(b, lo + <u32>j);
  return r;
}

/** x = x / y (quotient into q), x keeps the remainder. y > 0. Clobbers BIG_T. */
function bigDivMod(x: usize, y: usize, q: usize): void {
  store<u32>(q, 0);
  const lx = bigBitLen(x);
  const ly = bigBitLen(y);
  if (lx < ly) return;
  const top = lx - ly;
  const qLimbs = (top >> 5) + 1;
  for (let i: u32 = 0; i < qLimbs; i++) bigSetLimb(q, i, 0);
  store<u32>(q, qLimbs);
  bigCopy(BIG_T, y);
  bigShl(BIG_T, top);
  for (let i = <i32>top; i >= 0; i--) {
    if (bigCmp(x, BIG_T) >= 0) {
      bigSub(x, BIG_T);
      bigSetLimb(q, <u32>i >> 5, bigLimb(q, <u32>i >> 5) | (<u32>1 << (<u32>i & 31)));
    }
    bigShr1(BIG_T);
  }
  bigTrim(q);
}

// ---------------------------------------------------------------------------------------------------
// Correct rounding of an exact binary value to a binary format (precision P, exponent range).
// ---------------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline const KIND_ZERO: u8 = 0;
// @ts-ignore: decorator
@inline const KIND_FINITE: u8 = 1;
// @ts-ignore: decorator
@inline const KIND_INF: u8 = 2;
// @ts-ignore: decorator
@inline const KIND_NAN: u8 = 3;

/** Result of roundBig: value = roundMant * 2^roundExp, roundMant < 2^P. */
let roundMant: u64 = 0;
let roundExp: i32 = 0;

/**
 * Round x * 2^scale (+ a sliver more when `sticky`) to nearest-even with P significant bits, where
 * normal numbers have a leading-bit exponent in [emin, emax] and smaller ones lose precision
 * (subnormals). Returns KIND_ZERO, KIND_FINITE or KIND_INF (overflow). x must be non-zero.
 */
function roundBig(x: usize, scale: i32, sticky: bool, P: i32, emin: i32, emax: i32): u8 {
  const L = <i32>bigBitLen(x);
  const E = L - 1 + scale;
  if (E > emax + 1) return KIND_INF;
  let p = P;
  if (E < emin) p = P - (emin - E);
  if (p < 0) return KIND_ZERO;
  const cut = L - p;
  let mant: u64;
  let roundBit: u32 = 0;
  if (cut <= 0) {
    mant = bigBits64(x, 0, <u32>L) << <u64>(-cut);
  } else {
    mant = p == 0 ? 0 : bigBits64(x, <u32>cut, <u32>p);
    roundBit = bigBit(x, <u32>cut - 1);
    sticky = sticky || bigAnyBelow(x, <u32>cut - 1);
  }
  let exp = scale + cut;
  if (roundBit != 0 && (sticky || (mant & 1) != 0)) {
    mant++;
    if (p == 64 && mant == 0) {
      mant = <u64>1 << 63;
      exp++;
    } else if (p > 0 && p < 64 && (mant >> <u64>p) != 0) {
      mant >>= 1;
      exp++;
    }
  }
  if (mant == 0) return KIND_ZERO;
  if (64 - <i32>clz<u64>(mant) - 1 + exp > emax) return KIND_INF;
  roundMant = mant;
  roundExp = exp;
  return KIND_FINITE;
}

// f64: 53 bits, normal exponents -1022..1023. x87 long double: 64 bits, -16382..16383.
// @ts-ignore: decorator
@inline const F64_P: i32 = 53;
// @ts-ignore: decorator
@inline const F64_EMIN: i32 = -1022;
// @ts-ignore: decorator
@inline const F64_EMAX: i32 = 1023;
// @ts-ignore: decorator
@inline const LD_P: i32 = 64;
// @ts-ignore: decorator
@inline const LD_EMIN: i32 = -16382;
// @ts-ignore: decorator
@inline const LD_EMAX: i32 = 16383;

/** The f64 whose value is roundMant * 2^roundExp (already rounded to 53 bits and in range). */
function composeF64(neg: bool, mant: u64, exp: i32): f64 {
  const bitLen = 64 - <i32>clz<u64>(mant);
  let bits: u64;
  if (bitLen - 1 + exp >= F64_EMIN) {
    const shift = 53 - bitLen;
    const m = mant << <u64>shift;
    const biased = <u64>(exp - shift + 52 + 1023);
    bits = (biased << 52) | (m & 0xfffffffffffff);
  } else {
    bits = mant << <u64>(exp + 1074);
  }
  if (neg) bits |= 0x8000000000000000;
  return reinterpret<f64>(bits);
}

// ---------------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------------

/** Value of the last successful parseDouble / parseLongDouble (the latter rounded to f64). */
export let parsedF64: f64 = 0;

// Why the last parseText failed: KIND_INF (overflow) or KIND_ZERO (underflow) for a well-formed
// number out of range, KIND_NAN for anything else (parseStrtod turns the first two into ±inf / ±0).
let rangeKind: u8 = KIND_NAN;

// Scratch result of parseText: sign, kind and (for finite) value = textMant * 2^textExp.
let textNeg = false;
let textKind: u8 = KIND_ZERO;
let textMant: u64 = 0;
let textExp: i32 = 0;

// @ts-ignore: decorator
@inline function lowerByte(b: u32): u32 {
  return b | 0x20;
}

/** Does the text at ptr (n bytes) equal the lower-case ASCII word, ignoring case? */
function wordIs(ptr: usize, n: u32, word: string): bool {
  if (<i32>n != word.length) return false;
  for (let i: u32 = 0; i < n; i++) {
    if (lowerByte(load<u8>(ptr + i)) != <u32>word.charCodeAt(<i32>i)) return false;
  }
  return true;
}

function hexValue(b: u32): i32 {
  if (b - 0x30 < 10) return <i32>(b - 0x30);
  const l = b | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

const F64_POW10: f64[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

// Decimal digits kept before the rest is folded into a sticky digit: beyond 800 significant digits
// no f64 rounding decision can change; long double texts are at most 5119 bytes, so never truncated.
// @ts-ignore: decorator
@inline const MAX_SIG_DIGITS: u32 = 5200;
// @ts-ignore: decorator
@inline const MAX_SIG_DIGITS_F64: u32 = 800;
// Exponent digits beyond this magnitude only mean "overflow" or "underflow".
// @ts-ignore: decorator
@inline const EXP_CLAMP: i64 = 100000000;

/**
 * strtod/strtold-like parse of the whole text into the text* scratch, rounded to (P, emin, emax).
 * Returns false when the text is not entirely a number, is NaN, overflows or underflows to zero.
 */
function parseText(ptr: usize, len: u32, P: i32, emin: i32, emax: i32): bool {
  rangeKind = KIND_NAN;
  if (len == 0) return false;
  let i: u32 = 0;
  let b = <u32>load<u8>(ptr);
  textNeg = false;
  if (b == 0x2d || b == 0x2b) {
    textNeg = b == 0x2d;
    i = 1;
  }
  if (i >= len) return false;
  b = load<u8>(ptr + i);
  const first = lowerByte(b);
  if (first == 0x69) {
    // 'i': "inf" or "infinity", nothing else.
    if (!wordIs(ptr + i, len - i, "inf") && !wordIs(ptr + i, len - i, "infinity")) return false;
    textKind = KIND_INF;
    return true;
  }
  if (first == 0x6e) return false; // 'n': nan, nan(...) or garbage — all rejected.
  if (b == 0x30 && i + 1 < len && lowerByte(load<u8>(ptr + i + 1)) == 0x78) {
    // "0x": hexadecimal only if a hex digit follows (possibly after '.'); else "0" + garbage.
    const at = i + 2;
    let hasDigit = at < len && hexValue(load<u8>(ptr + at)) >= 0;
    if (!hasDigit && at + 1 < len && load<u8>(ptr + at) == 0x2e) {
      hasDigit = hexValue(load<u8>(ptr + at + 1)) >= 0;
    }
    if (!hasDigit) return false;
    return parseHex(ptr, len, at, P, emin, emax);
  }
  return parseDecimal(ptr, len, i, P, emin, emax);
}

/** Optional exponent at i: [eE or pP][+-]digits. Sets expValue, returns the index after it. */
let expValue: i64 = 0;
function parseExponent(ptr: usize, len: u32, i: u32, marker: u32): u32 {
  expValue = 0;
  if (i >= len || lowerByte(load<u8>(ptr + i)) != marker) return i;
  let j = i + 1;
  let neg = false;
  if (j < len && (load<u8>(ptr + j) == 0x2b || load<u8>(ptr + j) == 0x2d)) {
    neg = load<u8>(ptr + j) == 0x2d;
    j++;
  }
  const start = j;
  let v: i64 = 0;
  while (j < len) {
    const d = <u32>load<u8>(ptr + j) - 0x30;
    if (d > 9) break;
    if (v < EXP_CLAMP) v = v * 10 + d;
    j++;
  }
  if (j == start) return i; // marker without digits is not consumed (-> trailing garbage)
  expValue = neg ? -v : v;
  return j;
}

function parseDecimal(ptr: usize, len: u32, i: u32, P: i32, emin: i32, emax: i32): bool {
  const maxDigits = P == F64_P ? MAX_SIG_DIGITS_F64 : MAX_SIG_DIGITS;
  store<u32>(BIG_X, 0);
  let anyDigit = false;
  let collected: u32 = 0; // significant digits in BIG_X (plus pending)
  let pending: u32 = 0; // digits not yet folded into BIG_X (up to 9)
  let pendingCount: u32 = 0;
  let adjust: i64 = 0; // value = BIG_X * 10^(adjust + exponent)
  let tail = false; // a dropped digit was non-zero
  let fast: u64 = 0; // first 19 significant digits, for the fast path
  let inFraction = false;
  for (; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c == 0x2e) {
      if (inFraction) break;
      inFraction = true;
      continue;
    }
    const d = c - 0x30;
    if (d > 9) break;
    anyDigit = true;
    if (collected == 0 && d == 0) {
      if (inFraction) adjust--;
      continue;
    }
    if (collected < maxDigits) {
      if (collected < 19) fast = fast * 10 + d;
      pending = pending * 10 + d;
      pendingCount++;
      collected++;
      if (pendingCount == 9) {
        foldPending(pending, pendingCount);
        pending = 0;
        pendingCount = 0;
      }
      if (inFraction) adjust--;
    } else {
      if (d != 0) tail = true;
      if (!inFraction) adjust++;
    }
  }
  if (!anyDigit) return false;
  i = parseExponent(ptr, len, i, 0x65);
  if (i != len) return false;
  if (pendingCount != 0) foldPending(pending, pendingCount);
  if (collected == 0) {
    textKind = KIND_ZERO;
    return true;
  }
  let e10 = adjust + expValue;
  if (tail) {
    bigMulAdd(BIG_X, 10, 1);
    collected++;
    e10--;
  }
  // Magnitude screen: the value lies in [10^(e10+k-1), 10^(e10+k)).
  const k = <i64>collected;
  const maxDec: i64 = P == F64_P ? 308 : 4932;
  const minDec: i64 = P == F64_P ? -324 : -4951;
  if (e10 + k - 1 > maxDec) { rangeKind = KIND_INF; return false; } // overflow (strtod: ERANGE, ±HUGE_VAL)
  if (e10 + k <= minDec) { rangeKind = KIND_ZERO; return false; } // underflow to zero (ERANGE)
  // Fast path: exact integer significand and exact power of ten give one correctly rounded operation.
  if (P == F64_P && !tail && collected <= 15 && e10 >= -22 && e10 <= 22) {
    const m = <f64>fast;
    const v = e10 >= 0 ? m * unchecked(F64_POW10[<i32>e10]) : m / unchecked(F64_POW10[<i32>-e10]);
    const bits = reinterpret<u64>(v);
    const exp = <i32>((bits >> 52) & 0x7ff);
    if (exp != 0) {
      textKind = KIND_FINITE;
      textMant = (bits & 0xfffffffffffff) | 0x10000000000000;
      textExp = exp - 1075;
      return true;
    }
  }
  let kind: u8;
  if (e10 >= 0) {
    for (let n = <i32>e10; n > 0; n -= 9) {
      bigMulAdd(BIG_X, n >= 9 ? 1000000000 : <u32>Math.pow(10, n), 0);
    }
    kind = roundBig(BIG_X, 0, false, P, emin, emax);
  } else {
    bigPow10(BIG_Y, <u32>-e10);
    const lx = <i32>bigBitLen(BIG_X);
    const ly = <i32>bigBitLen(BIG_Y);
    let sh = P + 3 + ly - lx;
    if (sh < 0) sh = 0;
    bigShl(BIG_X, <u32>sh);
    bigDivMod(BIG_X, BIG_Y, BIG_Q);
    kind = roundBig(BIG_Q, -sh, bigLen(BIG_X) != 0, P, emin, emax);
  }
  if (kind != KIND_FINITE) { rangeKind = kind; return false; }
  textKind = KIND_FINITE;
  textMant = roundMant;
  textExp = roundExp;
  return true;
}

function foldPending(pending: u32, count: u32): void {
  let scale: u32 = 1;
  for (let j: u32 = 0; j < count; j++) scale *= 10;
  bigMulAdd(BIG_X, scale, pending);
}

function parseHex(ptr: usize, len: u32, i: u32, P: i32, emin: i32, emax: i32): bool {
  store<u32>(BIG_X, 0);
  let collected: u32 = 0;
  let adjust: i64 = 0; // binary exponent adjustment
  let tail = false;
  let inFraction = false;
  for (; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c == 0x2e) {
      if (inFraction) break;
      inFraction = true;
      continue;
    }
    const d = hexValue(c);
    if (d < 0) break;
    if (collected == 0 && d == 0) {
      if (inFraction) adjust -= 4;
      continue;
    }
    if (collected < 32) {
      bigMulAdd(BIG_X, 16, <u32>d);
      collected++;
      if (inFraction) adjust -= 4;
    } else {
      if (d != 0) tail = true;
      if (!inFraction) adjust += 4;
    }
  }
  i = parseExponent(ptr, len, i, 0x70);
  if (i != len) return false;
  if (collected == 0) {
    textKind = KIND_ZERO;
    return true;
  }
  let e2 = adjust + expValue;
  if (e2 > 1000000) e2 = 1000000;
  if (e2 < -1000000) e2 = -1000000;
  const kind = roundBig(BIG_X, <i32>e2, tail, P, emin, emax);
  if (kind != KIND_FINITE) { rangeKind = kind; return false; }
  textKind = KIND_FINITE;
  textMant = roundMant;
  textExp = roundExp;
  return true;
}

/** Redis string2d / getDoubleFromObject (strtod). On success sets parsedF64. */
export function parseDouble(ptr: usize, len: u32): bool {
  if (!parseText(ptr, len, F64_P, F64_EMIN, F64_EMAX)) return false;
  if (textKind == KIND_INF) parsedF64 = textNeg ? -Infinity : Infinity;
  else if (textKind == KIND_ZERO) parsedF64 = textNeg ? -0.0 : 0.0;
  else parsedF64 = composeF64(textNeg, textMant, textExp);
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Software x87 long double. A slot is 16 bytes of caller memory:
//   [0..8) mantissa u64 (bit 63 set when finite), [8..12) exponent i32 (value = mant * 2^exp),
//   [12] kind (0 zero, 1 finite, 2 inf, 3 nan), [13] sign (1 = negative).
// Finite slots always hold a value representable in the 80-bit format (64-bit precision, subnormals).
// ---------------------------------------------------------------------------------------------------

/** Bytes a long double slot needs. */
export const LD_SLOT_SIZE: u32 = 16;

/** The slot parseLongDouble fills. */
export const PARSED_LD: usize = memory.data(16, 8);

function ldStore(slot: usize, neg: bool, kind: u8, mant: u64, exp: i32): void {
  if (kind == KIND_FINITE) {
    const shift = clz<u64>(mant);
    mant <<= shift;
    exp -= <i32>shift;
  } else {
    mant = 0;
    exp = 0;
  }
  store<u64>(slot, mant);
  store<i32>(slot, exp, 8);
  store<u8>(slot, kind, 12);
  store<u8>(slot, neg ? 1 : 0, 13);
}

// @ts-ignore: decorator
@inline function ldMant(slot: usize): u64 {
  return load<u64>(slot);
}
// @ts-ignore: decorator
@inline function ldExp(slot: usize): i32 {
  return load<i32>(slot, 8);
}
// @ts-ignore: decorator
@inline function ldKind(slot: usize): u8 {
  return load<u8>(slot, 12);
}
// @ts-ignore: decorator
@inline function ldNeg(slot: usize): bool {
  return load<u8>(slot, 13) != 0;
}

/** The slot's value rounded to the nearest f64 (±Infinity beyond f64's range). */
export function ldToF64(slot: usize): f64 {
  const kind = ldKind(slot);
  const neg = ldNeg(slot);
  if (kind == KIND_NAN) return NaN;
  if (kind == KIND_INF) return neg ? -Infinity : Infinity;
  if (kind == KIND_ZERO) return neg ? -0.0 : 0.0;
  bigSetU64(BIG_X, ldMant(slot));
  const r = roundBig(BIG_X, ldExp(slot), false, F64_P, F64_EMIN, F64_EMAX);
  if (r == KIND_INF) return neg ? -Infinity : Infinity;
  if (r == KIND_ZERO) return neg ? -0.0 : 0.0;
  return composeF64(neg, roundMant, roundExp);
}

/** Fill a slot with a f64's exact value. */
export function ldFromF64(slot: usize, v: f64): void {
  const bits = reinterpret<u64>(v);
  const neg = (bits >> 63) != 0;
  const e = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  if (e == 0x7ff) ldStore(slot, neg, frac == 0 ? KIND_INF : KIND_NAN, 0, 0);
  else if (e == 0 && frac == 0) ldStore(slot, neg, KIND_ZERO, 0, 0);
  else if (e == 0) ldStore(slot, neg, KIND_FINITE, frac, -1074);
  else ldStore(slot, neg, KIND_FINITE, frac | 0x10000000000000, e - 1075);
}

/** Redis string2ld into `slot`; also sets parsedF64 to the value rounded to f64. */
export function parseLongDoubleTo(ptr: usize, len: u32, slot: usize): bool {
  if (len >= 5120) return false; // MAX_LONG_DOUBLE_CHARS
  if (!parseText(ptr, len, LD_P, LD_EMIN, LD_EMAX)) return false;
  ldStore(slot, textNeg, textKind, textMant, textExp);
  parsedF64 = ldToF64(slot);
  return true;
}

/** Redis string2ld (strtold): sets parsedF64 and the PARSED_LD slot. */
export function parseLongDouble(ptr: usize, len: u32): bool {
  return parseLongDoubleTo(ptr, len, PARSED_LD);
}

/** Is the slot neither infinite nor NaN? (Redis: "increment would produce NaN or Infinity".) */
export function ldIsFinite(slot: usize): bool {
  return ldKind(slot) <= KIND_FINITE;
}

/** dst = a + b, rounded as an x87 long double addition. dst may alias a or b. */
export function ldAdd(dst: usize, a: usize, b: usize): void {
  const ka = ldKind(a);
  const kb = ldKind(b);
  const na = ldNeg(a);
  const nb = ldNeg(b);
  if (ka == KIND_NAN || kb == KIND_NAN) return ldStore(dst, false, KIND_NAN, 0, 0);
  if (ka == KIND_INF || kb == KIND_INF) {
    if (ka == KIND_INF && kb == KIND_INF && na != nb) return ldStore(dst, false, KIND_NAN, 0, 0);
    return ldStore(dst, ka == KIND_INF ? na : nb, KIND_INF, 0, 0);
  }
  if (ka == KIND_ZERO && kb == KIND_ZERO) return ldStore(dst, na && nb, KIND_ZERO, 0, 0);
  if (ka == KIND_ZERO) return ldStore(dst, nb, kb, ldMant(b), ldExp(b));
  if (kb == KIND_ZERO) return ldStore(dst, na, ka, ldMant(a), ldExp(a));
  let ma = ldMant(a);
  let ea = ldExp(a);
  let mb = ldMant(b);
  let eb = ldExp(b);
  // An operand more than 200 binades below the other only decides the rounding direction, which a
  // tiny stand-in of the same sign decides the same way.
  if (ea - eb > 200) {
    mb = 1;
    eb = ea - 200;
  } else if (eb - ea > 200) {
    ma = 1;
    ea = eb - 200;
  }
  const e = ea < eb ? ea : eb;
  bigSetU64(BIG_X, ma);
  bigShl(BIG_X, <u32>(ea - e));
  bigSetU64(BIG_Y, mb);
  bigShl(BIG_Y, <u32>(eb - e));
  let neg = na;
  if (na == nb) {
    bigAdd(BIG_X, BIG_Y);
  } else {
    const c = bigCmp(BIG_X, BIG_Y);
    if (c == 0) return ldStore(dst, false, KIND_ZERO, 0, 0);
    if (c > 0) {
      bigSub(BIG_X, BIG_Y);
    } else {
      bigSub(BIG_Y, BIG_X);
      bigCopy(BIG_X, BIG_Y);
      neg = nb;
    }
  }
  const kind = roundBig(BIG_X, e, false, LD_P, LD_EMIN, LD_EMAX);
  ldStore(dst, neg, kind, roundMant, roundExp);
}

// ---------------------------------------------------------------------------------------------------
// Exact decimal expansion of mant * 2^exp, and printing.
// ---------------------------------------------------------------------------------------------------

// Digits of the last expansion: DIGITS[0] is a spare slot for a rounding carry, then intCount integer
// digits (none when the integer part is 0), then fracCount fraction digits.
const DIGITS_CAP: u32 = 6400;
const DIGITS: usize = memory.data(6400);
let intCount: u32 = 0;
let fracCount: u32 = 0;
let fracSticky = false; // fraction digits beyond fracCount are not all zero

/** Expand mant * 2^exp (mant > 0) exactly: integer digits and up to maxFrac fraction digits. */
/**
 * The exact decimal expansion of a finite, non-zero double (sign ignored) into DIGITS, as `expand` lays it
 * out; returns how many leading zero digits come before the first significant one.
 */
function expandDouble(bits: u64): u32 {
  const e = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  if (e == 0) expand(frac, -1074, 1100);
  else expand(frac | 0x10000000000000, e - 1075, 1100);
  let lead: u32 = 0;
  while (load<u8>(DIGITS + 1 + lead) == 0x30) lead++;
  return lead;
}

function expand(mant: u64, exp: i32, maxFrac: u32): void {
  // Integer part.
  bigSetU64(BIG_X, mant);
  if (exp >= 0) {
    bigShl(BIG_X, <u32>exp);
  } else if (exp > -64) {
    bigSetU64(BIG_X, mant >> <u64>-exp);
  } else {
    store<u32>(BIG_X, 0);
  }
  // Integer digits, produced 9 at a time from the low end into a scratch area, then reversed.
  let n: u32 = 0;
  const scratch = DIGITS + DIGITS_CAP - 1; // write backwards from the end
  while (bigLen(BIG_X) != 0) {
    let chunk = bigDivSmall(BIG_X, 1000000000);
    const last = bigLen(BIG_X) == 0;
    for (let j = 0; j < 9; j++) {
      if (last && chunk == 0) break;
      store<u8>(scratch - n, <u8>(0x30 + chunk % 10));
      chunk /= 10;
      n++;
    }
  }
  for (let j: u32 = 0; j < n; j++) store<u8>(DIGITS + 1 + j, load<u8>(scratch - (n - 1 - j)));
  intCount = n;
  // Fraction: f / 2^s, one digit per multiplication by ten.
  fracCount = 0;
  fracSticky = false;
  if (exp >= 0) return;
  const s = <u32>-exp;
  bigSetU64(BIG_X, mant);
  bigTruncate(BIG_X, s);
  const at = DIGITS + 1 + intCount;
  while (bigLen(BIG_X) != 0 && fracCount < maxFrac) {
    bigMulAdd(BIG_X, 10, 0);
    store<u8>(at + fracCount, <u8>(0x30 + <u32>bigBits64(BIG_X, s, 4)));
    bigTruncate(BIG_X, s);
    fracCount++;
  }
  fracSticky = bigLen(BIG_X) != 0;
}

/**
 * Round the digit run DIGITS[1 .. 1+total) to its first `keep` digits, half to even, where
 * `sticky` says non-zero digits follow the run. A carry out of the first digit lands in DIGITS[0]
 * (set to '1'); returns true when that happened.
 */
function roundDigits(total: u32, keep: u32, sticky: bool): bool {
  store<u8>(DIGITS, 0x30);
  if (keep >= total) return false;
  const first = <u32>load<u8>(DIGITS + 1 + keep) - 0x30;
  let up = false;
  if (first > 5) up = true;
  else if (first == 5) {
    let rest = sticky;
    for (let j = keep + 1; j < total && !rest; j++) if (load<u8>(DIGITS + 1 + j) != 0x30) rest = true;
    const prevOdd = keep > 0 && ((<u32>load<u8>(DIGITS + keep) - 0x30) & 1) != 0;
    up = rest || prevOdd;
  }
  if (!up) return false;
  let j = <i32>keep; // index into DIGITS (1-based digits): carry from digit keep-1 at DIGITS[keep]
  while (true) {
    const d = load<u8>(DIGITS + j);
    if (j == 0) {
      store<u8>(DIGITS, 0x31);
      return true;
    }
    if (d == 0x39) {
      store<u8>(DIGITS + j, 0x30);
      j--;
    } else {
      store<u8>(DIGITS + j, d + 1);
      return false;
    }
  }
}

function putAscii(buf: usize, at: u32, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(buf + at + <u32>i, <u8>s.charCodeAt(i));
  return at + <u32>s.length;
}

/** Print "%.17Lf" of mant * 2^exp (mant > 0), trailing zeros and '.' removed; returns length. */
function printHumanFixed(buf: usize, neg: bool, mant: u64, exp: i32): u32 {
  expand(mant, exp, 18);
  const total = intCount + fracCount;
  // Pad the fraction to 17 digits, then round at 17.
  for (let j = fracCount; j < 17; j++) store<u8>(DIGITS + 1 + intCount + j, 0x30);
  const carried = roundDigits(total > intCount + 17 ? total : intCount + 17, intCount + 17, fracSticky);
  let at: u32 = 0;
  if (neg) store<u8>(buf, 0x2d);
  if (neg) at = 1;
  const start: u32 = carried ? 0 : 1;
  const intEnd: u32 = 1 + intCount;
  if (start == intEnd) {
    store<u8>(buf + at, 0x30);
    at++;
  } else {
    for (let j = start; j < intEnd; j++) store<u8>(buf + at++, load<u8>(DIGITS + j));
  }
  let fracLen: u32 = 17;
  while (fracLen > 0 && load<u8>(DIGITS + intEnd + fracLen - 1) == 0x30) fracLen--;
  if (fracLen > 0) {
    store<u8>(buf + at++, 0x2e);
    for (let j: u32 = 0; j < fracLen; j++) store<u8>(buf + at++, load<u8>(DIGITS + intEnd + j));
  }
  if (at == 2 && neg && load<u8>(buf + 1) == 0x30) {
    // Redis turns "-0" into "0".
    store<u8>(buf, 0x30);
    at = 1;
  }
  return at;
}

/**
 * Redis 7.0 ld2string(LD_STR_HUMAN) of a long double slot: "%.17Lf" with trailing zeros and a
 * trailing '.' removed, "-0" printed as "0", infinities as "inf"/"-inf", NaN as "nan".
 * `buf` needs room for 4960 bytes in the worst case (about 1.2e4932).
 */
export function formatHumanLd(buf: usize, slot: usize): u32 {
  const kind = ldKind(slot);
  if (kind == KIND_NAN) return putAscii(buf, 0, "nan");
  if (kind == KIND_INF) return putAscii(buf, 0, ldNeg(slot) ? "-inf" : "inf");
  if (kind == KIND_ZERO) return putAscii(buf, 0, "0");
  return printHumanFixed(buf, ldNeg(slot), ldMant(slot), ldExp(slot));
}

/**
 * C's printf("%.17g", v) for a f64, exact: 17 significant digits of the true binary value, rounded
 * half to even, trailing zeros dropped, exponent form ("1.0000000000000001e+100", "1e-05") when the
 * decimal exponent is below -4 or at least 17. "inf", "-inf", "nan". Needs 24 bytes at `buf`.
 */
export function formatDouble17g(buf: usize, v: f64): u32 {
  if (isNaN(v)) return putAscii(buf, 0, "nan");
  const bits = reinterpret<u64>(v);
  const neg = (bits >> 63) != 0;
  let at: u32 = 0;
  if (neg) store<u8>(buf, 0x2d);
  if (neg) at = 1;
  if (!isFinite(v)) return putAscii(buf, at, "inf");
  if (v == 0) return putAscii(buf, at, "0");
  const lead = expandDouble(bits);
  // X is the decimal exponent of the first significant digit.
  const total = intCount + fracCount;
  let X = <i32>intCount - 1 - <i32>lead;
  // Round to 17 significant digits in place: shift the run so it starts at the first significant digit.
  if (lead > 0) memory.copy(DIGITS + 1, DIGITS + 1 + lead, total - lead);
  const sig = total - lead;
  if (roundDigits(sig, 17, fracSticky)) {
    memory.copy(DIGITS + 1, DIGITS, 17);
    X++;
  }
  for (let j = sig; j < 17; j++) store<u8>(DIGITS + 1 + j, 0x30);
  let digits: u32 = 17;
  while (digits > 1 && load<u8>(DIGITS + digits) == 0x30) digits--;
  if (X < -4 || X >= 17) {
    store<u8>(buf + at++, load<u8>(DIGITS + 1));
    if (digits > 1) {
      store<u8>(buf + at++, 0x2e);
      for (let j: u32 = 1; j < digits; j++) store<u8>(buf + at++, load<u8>(DIGITS + 1 + j));
    }
    store<u8>(buf + at++, 0x65);
    store<u8>(buf + at++, X < 0 ? 0x2d : 0x2b);
    let ax = X < 0 ? -X : X;
    if (ax >= 100) {
      store<u8>(buf + at++, <u8>(0x30 + ax / 100));
      ax %= 100;
    }
    store<u8>(buf + at++, <u8>(0x30 + ax / 10));
    store<u8>(buf + at++, <u8>(0x30 + ax % 10));
    return at;
  }
  return writeFixed(buf, at, digits, X);
}

/** Write the significant digits DIGITS[1 .. 1+count) with decimal exponent X in fixed notation. */
function writeFixed(buf: usize, at: u32, count: u32, X: i32): u32 {
  if (X < 0) {
    store<u8>(buf + at++, 0x30);
    store<u8>(buf + at++, 0x2e);
    for (let j = -1; j > X; j--) store<u8>(buf + at++, 0x30);
    for (let j: u32 = 0; j < count; j++) store<u8>(buf + at++, load<u8>(DIGITS + 1 + j));
    return at;
  }
  for (let j: u32 = 0; j <= <u32>X; j++) {
    store<u8>(buf + at++, j < count ? load<u8>(DIGITS + 1 + j) : 0x30);
  }
  if (count > <u32>X + 1) {
    store<u8>(buf + at++, 0x2e);
    for (let j = <u32>X + 1; j < count; j++) store<u8>(buf + at++, load<u8>(DIGITS + 1 + j));
  }
  return at;
}

// ---------------------------------------------------------------------------------------------------
// Shortest round-trip digits: the fewest significant digits that read back as the same f64, and among
// those the correctly rounded (closest) ones, as JavaScript's Number#toString picks them. Found by
// rounding the exact expansion to 1, 2, … 17 digits and reading each candidate back.
// ---------------------------------------------------------------------------------------------------

const SIG: usize = memory.data(24);
const CANDIDATE: usize = memory.data(32);
let shortestCount: u32 = 0;
let shortestExp: i32 = 0; // decimal exponent of the first digit

/** Shortest digits of |v| (finite, non-zero) into DIGITS[1..], with shortestCount and shortestExp. */
function shortestDigits(v: f64): void {
  const bits = reinterpret<u64>(v) & 0x7fffffffffffffff;
  const lead = expandDouble(bits);
  const total = intCount + fracCount;
  const X0 = <i32>intCount - 1 - <i32>lead;
  // Keep 18 significant digits (zero-padded) plus a sticky flag for the rest.
  let sticky = fracSticky;
  for (let j: u32 = 0; j < 18; j++) {
    const at = lead + j;
    store<u8>(SIG + j, at < total ? load<u8>(DIGITS + 1 + at) : 0x30);
  }
  for (let at = lead + 18; at < total && !sticky; at++) if (load<u8>(DIGITS + 1 + at) != 0x30) sticky = true;
  for (let p: u32 = 1; p <= 17; p++) {
    memory.copy(DIGITS + 1, SIG, 18);
    let X = X0;
    if (roundDigits(18, p, sticky)) {
      memory.copy(DIGITS + 1, DIGITS, p);
      X++;
    }
    // Candidate text "ddd…e<X-p+1>", read back with the f64 parser.
    memory.copy(CANDIDATE, DIGITS + 1, p);
    let n = p;
    store<u8>(CANDIDATE + n++, 0x65);
    let x = X - <i32>p + 1;
    if (x < 0) {
      store<u8>(CANDIDATE + n++, 0x2d);
      x = -x;
    }
    const width: u32 = x >= 100 ? 3 : x >= 10 ? 2 : 1;
    for (let j = width; j > 0; j--) {
      store<u8>(CANDIDATE + n + j - 1, <u8>(0x30 + x % 10));
      x /= 10;
    }
    n += width;
    if (p == 17 || (parseText(CANDIDATE, n, F64_P, F64_EMIN, F64_EMAX) && textKind == KIND_FINITE &&
        reinterpret<u64>(composeF64(false, textMant, textExp)) == bits)) {
      let count = p;
      while (count > 1 && load<u8>(DIGITS + count) == 0x30) count--;
      shortestCount = count;
      shortestExp = X;
      return;
    }
  }
}

/**
 * Shortest round-trip text of a f64 in JavaScript's layout ("0.1", "100", "1e+21", "1.5e-7"), but
 * ASCII and with Redis's spellings "inf", "-inf", "nan". Needs 32 bytes at `buf`.
 */
export function formatShortestDouble(buf: usize, v: f64): u32 {
  if (isNaN(v)) return putAscii(buf, 0, "nan");
  let at: u32 = 0;
  if (v < 0 || (v == 0 && 1 / v < 0)) {
    if (v != 0) {
      store<u8>(buf, 0x2d);
      at = 1;
    }
  }
  if (!isFinite(v)) return putAscii(buf, at, "inf");
  if (v == 0) return putAscii(buf, at, "0");
  shortestDigits(v);
  const X = shortestExp;
  if (X >= 21 || X < -6) {
    store<u8>(buf + at++, load<u8>(DIGITS + 1));
    if (shortestCount > 1) {
      store<u8>(buf + at++, 0x2e);
      for (let j: u32 = 1; j < shortestCount; j++) store<u8>(buf + at++, load<u8>(DIGITS + 1 + j));
    }
    store<u8>(buf + at++, 0x65);
    store<u8>(buf + at++, X < 0 ? 0x2d : 0x2b);
    let ax = X < 0 ? -X : X;
    let digits: u32 = ax >= 100 ? 3 : ax >= 10 ? 2 : 1;
    for (let j = digits; j > 0; j--) {
      store<u8>(buf + at + j - 1, <u8>(0x30 + ax % 10));
      ax /= 10;
    }
    return at + digits;
  }
  return writeFixed(buf, at, shortestCount, X);
}

/**
 * INCRBYFLOAT's reply for a f64 result (see the header for how it differs from the 80-bit path):
 * shortest round-trip digits in fixed notation, rounded to at most 17 digits after the point, trailing
 * zeros removed, "-0" as "0", "inf"/"-inf"/"nan". Needs 330 bytes at `buf`.
 */
export function formatHumanLongDouble(buf: usize, v: f64): u32 {
  if (isNaN(v)) return putAscii(buf, 0, "nan");
  if (!isFinite(v)) return putAscii(buf, 0, v < 0 ? "-inf" : "inf");
  if (v == 0) return putAscii(buf, 0, "0");
  shortestDigits(v);
  let X = shortestExp;
  let count = shortestCount;
  // Keep digits down to 10^-17.
  let keep = X + 18; // number of digits at or above 10^-17
  if (keep < 0) return putAscii(buf, 0, "0");
  if (keep == 0) {
    // The first digit sits at 10^-18: lead with a zero digit at 10^-17 so it can round up into it.
    memory.copy(DIGITS + 2, DIGITS + 1, count);
    store<u8>(DIGITS + 1, 0x30);
    count++;
    X++;
    keep = 1;
  }
  if (<u32>keep < count) {
    if (roundDigits(count, <u32>keep, false)) {
      memory.copy(DIGITS + 1, DIGITS, <u32>keep);
      X++;
    }
    count = <u32>keep;
    while (count > 0 && load<u8>(DIGITS + count) == 0x30) count--;
    if (count == 0) return putAscii(buf, 0, "0");
  }
  let at: u32 = 0;
  if (v < 0) store<u8>(buf, 0x2d);
  if (v < 0) at = 1;
  return writeFixed(buf, at, count, X);
}

/**
 * C's strtod over a whole argument as Redis's zslParseRange uses it (ZRANGEBYSCORE, ZCOUNT … bounds):
 * leading whitespace is skipped, the text ends at its first NUL byte, the empty text is 0 (strtod
 * converts nothing and leaves the end pointer on the terminator), an overflow is ±inf and an underflow
 * ±0 (no ERANGE check there), NaN is refused. On success sets parsedF64.
 */
export function parseStrtod(ptr: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i++) {
    if (load<u8>(ptr + i) == 0) { len = i; break; }
  }
  if (len == 0) { parsedF64 = 0; return true; }
  let i: u32 = 0;
  while (i < len && isCSpace(load<u8>(ptr + i))) i++;
  if (i == len) return false;
  if (parseDouble(ptr + i, len - i)) return true;
  if (rangeKind == KIND_INF) { parsedF64 = textNeg ? -Infinity : Infinity; return true; }
  if (rangeKind == KIND_ZERO) { parsedF64 = textNeg ? -0.0 : 0.0; return true; }
  return false;
}

/** isspace in the C locale. */
function isCSpace(b: u8): bool { return b == 0x20 || (b >= 0x09 && b <= 0x0d); }
