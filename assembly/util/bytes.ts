// Byte-string primitives: equality, ordering and ASCII case folding over raw (pointer, length) pairs.
// Every key, value, command name and option keyword is such a pair; this file is the one place that
// says what "equal", "equal ignoring case" and "less than" mean for them.
//
// Ordering is memcmp over the common prefix, then the shorter string first — the order Redis uses for
// ZRANGEBYLEX, SORT ALPHA is not this (it uses strcoll) and lives elsewhere.
// Case folding is ASCII only (bytes 'A'..'Z'), like C's tolower in the "C" locale Redis runs in.
//
// `asciiBytes` turns a constant ASCII String into bytes once; callers keep the pointer in a module
// global (see also `Lit` in util/mem.ts, which wraps the same idea with its length). Never call it per
// request: each call takes a fresh heap block that is never freed.

/** ASCII lower case of one byte; other bytes unchanged. */
// @ts-ignore: decorator
@inline export function toLowerAscii(b: u32): u32 {
  return b - 0x41 < 26 ? b | 0x20 : b;
}

/** ASCII upper case of one byte; other bytes unchanged. */
// @ts-ignore: decorator
@inline export function toUpperAscii(b: u32): u32 {
  return b - 0x61 < 26 ? b & 0xdf : b;
}

/** Same length and same bytes. */
export function bytesEqual(a: usize, aLen: u32, b: usize, bLen: u32): bool {
  if (aLen != bLen) return false;
  if (a == b) return true;
  return memory.compare(a, b, aLen) == 0;
}

/**
 * Case-insensitive match of `len` bytes at `ptr` against a lower-case ASCII literal (command names,
 * options such as "withscores"). Only the input is folded: the literal must already be lower case.
 */
export function bytesEqualNoCase(ptr: usize, len: u32, lowerLit: usize, litLen: u32): bool {
  if (len != litLen) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (toLowerAscii(load<u8>(ptr + i)) != <u32>load<u8>(lowerLit + i)) return false;
  }
  return true;
}

/** Case-insensitive equality of two arbitrary byte strings (both sides folded). */
export function bytesEqualIgnoreCase(a: usize, aLen: u32, b: usize, bLen: u32): bool {
  if (aLen != bLen) return false;
  for (let i: u32 = 0; i < aLen; i++) {
    if (toLowerAscii(load<u8>(a + i)) != toLowerAscii(load<u8>(b + i))) return false;
  }
  return true;
}

/** memcmp over the common prefix (bytes unsigned), then the shorter first: <0, 0 or >0. */
export function compareBytes(a: usize, aLen: u32, b: usize, bLen: u32): i32 {
  const common = aLen < bLen ? aLen : bLen;
  const c = memory.compare(a, b, common);
  if (c != 0) return c < 0 ? -1 : 1;
  if (aLen == bLen) return 0;
  return aLen < bLen ? -1 : 1;
}

/** Bytes of a constant ASCII String, made once in a heap block that is never freed. */
export function asciiBytes(s: string): usize {
  const n = s.length;
  const ptr = heap.alloc(n > 0 ? <usize>n : 1);
  for (let i = 0; i < n; i++) store<u8>(ptr + <usize>i, <u8>s.charCodeAt(i));
  return ptr;
}

/** Byte length of a constant ASCII String (its UTF-16 length). */
// @ts-ignore: decorator
@inline export function asciiLen(s: string): u32 {
  return <u32>s.length;
}
