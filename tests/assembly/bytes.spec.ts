// Byte helpers: equality, ASCII case folding, memcmp-then-length ordering, constant literals.
import {
  bytesEqual, bytesEqualNoCase, bytesEqualIgnoreCase, compareBytes, toLowerAscii, toUpperAscii,
  asciiBytes, asciiLen,
} from "../../assembly/util/bytes";

const A = memory.data(256);
const B = memory.data(256);

function put(at: usize, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(at + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function eq(a: string, b: string): bool {
  return bytesEqual(A, put(A, a), B, put(B, b));
}

function cmp(a: string, b: string): i32 {
  return compareBytes(A, put(A, a), B, put(B, b));
}

function noCase(input: string, lowerLit: string): bool {
  return bytesEqualNoCase(A, put(A, input), B, put(B, lowerLit));
}

const GET_LIT = asciiBytes("get");

describe("toLowerAscii / toUpperAscii", () => {
  it("fold only ASCII letters", () => {
    expect(toLowerAscii(0x41)).toBe(0x61); // A
    expect(toLowerAscii(0x5a)).toBe(0x7a); // Z
    expect(toLowerAscii(0x40)).toBe(0x40); // @
    expect(toLowerAscii(0x5b)).toBe(0x5b); // [
    expect(toLowerAscii(0x61)).toBe(0x61);
    expect(toLowerAscii(0xc1)).toBe(0xc1); // not Latin-1 aware, like C's tolower in the C locale
    expect(toUpperAscii(0x61)).toBe(0x41);
    expect(toUpperAscii(0x7b)).toBe(0x7b); // {
    expect(toUpperAscii(0x60)).toBe(0x60); // `
  });
});

describe("bytesEqual", () => {
  it("needs the same length and the same bytes", () => {
    expect(eq("abc", "abc")).toBe(true);
    expect(eq("", "")).toBe(true);
    expect(eq("abc", "abd")).toBe(false);
    expect(eq("abc", "ab")).toBe(false);
    expect(eq("abc", "ABC")).toBe(false);
  });

  it("compares NUL and high bytes like any other", () => {
    store<u8>(A, 0);
    store<u8>(B, 0);
    expect(bytesEqual(A, 1, B, 1)).toBe(true);
    store<u8>(B, 0xff);
    expect(bytesEqual(A, 1, B, 1)).toBe(false);
  });
});

describe("bytesEqualNoCase", () => {
  it("matches command names in any case against a lower-case literal", () => {
    expect(noCase("GET", "get")).toBe(true);
    expect(noCase("gEt", "get")).toBe(true);
    expect(noCase("get", "get")).toBe(true);
    expect(noCase("WITHSCORES", "withscores")).toBe(true);
    expect(noCase("gets", "get")).toBe(false);
    expect(noCase("ge", "get")).toBe(false);
    expect(noCase("", "")).toBe(true);
    // '@' | 0x20 is '`': folding must not confuse non-letters.
    expect(noCase("@", "`")).toBe(false);
    expect(noCase("[", "{")).toBe(false);
  });

  it("works with a literal made once by asciiBytes", () => {
    expect(bytesEqualNoCase(A, put(A, "GeT"), GET_LIT, asciiLen("get"))).toBe(true);
    expect(bytesEqualNoCase(A, put(A, "SET"), GET_LIT, asciiLen("get"))).toBe(false);
  });

  it("bytesEqualIgnoreCase folds both sides", () => {
    expect(bytesEqualIgnoreCase(A, put(A, "HeLLo"), B, put(B, "hEllO"))).toBe(true);
    expect(bytesEqualIgnoreCase(A, put(A, "HeLLo"), B, put(B, "hEllO!"))).toBe(false);
    expect(bytesEqualIgnoreCase(A, put(A, "@"), B, put(B, "`"))).toBe(false);
  });
});

describe("compareBytes", () => {
  it("orders by unsigned bytes, then shorter first", () => {
    expect(cmp("a", "b")).toBe(-1);
    expect(cmp("b", "a")).toBe(1);
    expect(cmp("abc", "abc")).toBe(0);
    expect(cmp("ab", "abc")).toBe(-1);
    expect(cmp("abc", "ab")).toBe(1);
    expect(cmp("", "")).toBe(0);
    expect(cmp("", "a")).toBe(-1);
    expect(cmp("B", "a")).toBe(-1);
    store<u8>(A, 0x80);
    store<u8>(B, 0x7f);
    expect(compareBytes(A, 1, B, 1)).toBe(1); // unsigned: 0x80 > 0x7f
  });
});

describe("asciiBytes", () => {
  it("copies the ASCII text into stable bytes", () => {
    const p = asciiBytes("Hello, world");
    expect(asciiLen("Hello, world")).toBe(12);
    expect(load<u8>(p)).toBe(0x48);
    expect(load<u8>(p + 11)).toBe(0x64);
    expect(asciiBytes("") != 0).toBe(true);
  });
});
