// Glob matching with Redis's `stringmatchlen` semantics, for KEYS, SCAN MATCH, PSUBSCRIBE and the like.
// This file owns the pattern language; callers own iteration and reply building.
//
// The language, as Redis 7.0 implements it (quirks included, since replies are compared byte-for-byte):
//  1. `*` matches any run of bytes; consecutive stars act as one. `?` matches exactly one byte.
//  2. `\x` matches x literally; a `\` that is the pattern's last byte matches a `\`.
//  3. `[...]` matches one byte against a set; `[^...]` negates it. Inside, `\x` is x literally
//     (compared case-sensitively even in nocase mode), `a-z` is an inclusive range whose ends may be
//     reversed (`[z-a]` = `[a-z]`), compared as *signed* chars (bytes >= 0x80 sort below 0). A `]` ends
//     the set, except where it is consumed as the end of a range (`[a-]` is the range a..]).
//     A set with no closing `]` runs to the end of the pattern: `[abc` matches "a"; `[` matches
//     nothing; `[^` matches any single byte.
//  4. The empty string is matched only by the empty pattern (even `*` does not match it).
//  5. Redis 7.0 caps star recursion at a nesting depth of 1000: the 1001st star group of a pattern can
//     only succeed when it is the pattern's last byte.
//
// Matching is iterative: each star records a resume point (pattern after the star, string position);
// on a mismatch we resume there with the star swallowing one more byte. Remembering only the latest star
// is enough because every other token consumes exactly one byte, so the cost is O(pattern * string)
// with no recursion at all.

/** Star groups beyond this many cannot be followed by more pattern (Redis 7.0's nesting limit). */
const MAX_STAR_NESTING: u32 = 1000;

// @ts-ignore: decorator
@inline function lower(b: i32): i32 {
  return <u32>(b - 0x41) < 26 ? b | 0x20 : b;
}

/** End (exclusive) of the token parsed by the last call to tokenMatches. */
let tokenEnd: u32 = 0;

/**
 * Does the token starting at pattern index `i` (not a star) match byte `c`?
 * Also sets tokenEnd to the index just after the token.
 */
function tokenMatches(pat: usize, n: u32, i: u32, c: u32, nocase: bool): bool {
  const head = <u32>load<u8>(pat + i);
  if (head == 0x3f) {
    // '?'
    tokenEnd = i + 1;
    return true;
  }
  if (head == 0x5b) return classMatches(pat, n, i + 1, c, nocase); // '['
  let literal = head;
  if (head == 0x5c && n - i >= 2) {
    // '\' escapes the next byte.
    i++;
    literal = load<u8>(pat + i);
  }
  tokenEnd = i + 1;
  return nocase ? lower(literal) == lower(c) : literal == c;
}

/** Match `c` against the set whose body starts at index `i` (just after '['). Sets tokenEnd. */
function classMatches(pat: usize, n: u32, i: u32, c: u32, nocase: bool): bool {
  const negate = i < n && load<u8>(pat + i) == 0x5e; // '^'
  if (negate) i++;
  let hit = false;
  while (true) {
    if (i >= n) {
      // Unterminated set: it simply ends with the pattern.
      tokenEnd = n;
      break;
    }
    const b = <u32>load<u8>(pat + i);
    if (b == 0x5c && n - i >= 2) {
      // Escaped member, compared exactly.
      i++;
      if (<u32>load<u8>(pat + i) == c) hit = true;
    } else if (b == 0x5d) {
      // ']'
      tokenEnd = i + 1;
      break;
    } else if (n - i >= 3 && load<u8>(pat + i + 1) == 0x2d) {
      // Range a-b, on signed chars, ends in either order.
      let lo = <i32>load<i8>(pat + i);
      let hi = <i32>load<i8>(pat + i + 2);
      let x = <i32><i8>c;
      if (lo > hi) {
        const t = lo;
        lo = hi;
        hi = t;
      }
      if (nocase) {
        lo = lower(lo);
        hi = lower(hi);
        x = lower(x);
      }
      if (x >= lo && x <= hi) hit = true;
      i += 2;
    } else if (nocase ? lower(b) == lower(c) : b == c) {
      hit = true;
    }
    i++;
  }
  return negate ? !hit : hit;
}

/** Does the byte string match the glob pattern (Redis stringmatchlen semantics)? */
export function globMatch(pat: usize, patLen: u32, str: usize, strLen: u32, nocase: bool): bool {
  if (strLen == 0) return patLen == 0;
  let p: u32 = 0;
  let s: u32 = 0;
  let stars: u32 = 0; // star groups met so far, in pattern order
  // Resume point of the latest star: pattern index after it, string index it swallows up to,
  // and how many star groups precede that point.
  let starP: u32 = 0;
  let starS: u32 = 0;
  let starCount: u32 = 0;
  let haveStar = false;
  while (true) {
    if (s == strLen) {
      // String consumed: only trailing stars may remain.
      while (p < patLen && load<u8>(pat + p) == 0x2a) p++;
      if (p == patLen) return true;
    } else if (p < patLen && load<u8>(pat + p) == 0x2a) {
      while (p < patLen && load<u8>(pat + p) == 0x2a) p++;
      if (p == patLen) return true; // a trailing star swallows the rest
      stars++;
      if (stars > MAX_STAR_NESTING) return false;
      haveStar = true;
      starP = p;
      starS = s;
      starCount = stars;
      continue;
    } else if (p < patLen && tokenMatches(pat, patLen, p, load<u8>(str + s), nocase)) {
      p = tokenEnd;
      s++;
      continue;
    }
    // Mismatch: let the latest star swallow one more byte. A star never swallows the whole rest of
    // the string (the remaining pattern would then face an empty string, which only "" matches).
    if (!haveStar || starS + 1 >= strLen) return false;
    starS++;
    p = starP;
    s = starS;
    stars = starCount;
  }
  return false;
}
