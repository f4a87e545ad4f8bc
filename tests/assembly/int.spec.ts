// parseI64 / formatI64: Redis string2ll rules, expected values probed with `SET k <x>; INCRBY k 0`
// against redis-server 7.0.
import { parseI64, parsedI64, formatI64, decimalLength } from "../../assembly/util/int";

const BUF = memory.data(64);

function put(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function parses(s: string): bool {
  return parseI64(BUF, put(s));
}

function text(n: u32): string {
  let s = "";
  for (let i: u32 = 0; i < n; i++) s += String.fromCharCode(load<u8>(BUF + 32 + i));
  return s;
}

function fmt(v: i64): string {
  return text(formatI64(BUF + 32, v));
}

describe("parseI64", () => {
  it("accepts what string2ll accepts, with the right value", () => {
    expect(parses("0")).toBe(true);
    expect(parsedI64).toBe(0);
    expect(parses("1")).toBe(true);
    expect(parsedI64).toBe(1);
    expect(parses("-1")).toBe(true);
    expect(parsedI64).toBe(-1);
    expect(parses("12345")).toBe(true);
    expect(parsedI64).toBe(12345);
    expect(parses("9223372036854775807")).toBe(true);
    expect(parsedI64).toBe(i64.MAX_VALUE);
    expect(parses("-9223372036854775808")).toBe(true);
    expect(parsedI64).toBe(i64.MIN_VALUE);
    expect(parses("-9223372036854775807")).toBe(true);
    expect(parsedI64).toBe(-9223372036854775807);
  });

  it("rejects leading zeros, -0, signs and spaces", () => {
    expect(parses("-0")).toBe(false);
    expect(parses("00")).toBe(false);
    expect(parses("01")).toBe(false);
    expect(parses("-01")).toBe(false);
    expect(parses("00000000000000000001")).toBe(false);
    expect(parses("+1")).toBe(false);
    expect(parses(" 1")).toBe(false);
    expect(parses("1 ")).toBe(false);
    expect(parses("-")).toBe(false);
    expect(parses("")).toBe(false);
    expect(parses("12a")).toBe(false);
    expect(parses("1.0")).toBe(false);
    expect(parses("1e3")).toBe(false);
    expect(parses("--1")).toBe(false);
  });

  it("rejects overflow in both directions", () => {
    expect(parses("9223372036854775808")).toBe(false);
    expect(parses("-9223372036854775809")).toBe(false);
    expect(parses("18446744073709551616")).toBe(false);
    expect(parses("18446744073709551615")).toBe(false);
    expect(parses("99999999999999999999")).toBe(false);
    expect(parses("-99999999999999999999")).toBe(false);
    expect(parses("123456789012345678901")).toBe(false);
  });

  it("leaves parsedI64 alone on failure", () => {
    expect(parses("42")).toBe(true);
    expect(parses("x")).toBe(false);
    expect(parsedI64).toBe(42);
  });

  it("stops at the given length, not at a terminator", () => {
    put("1234");
    expect(parseI64(BUF, 2)).toBe(true);
    expect(parsedI64).toBe(12);
    expect(parseI64(BUF, 0)).toBe(false);
  });
});

describe("formatI64", () => {
  it("prints decimal ASCII and returns the length", () => {
    expect(fmt(0)).toBe("0");
    expect(fmt(7)).toBe("7");
    expect(fmt(-7)).toBe("-7");
    expect(fmt(10)).toBe("10");
    expect(fmt(1000000)).toBe("1000000");
    expect(fmt(-1234567890123)).toBe("-1234567890123");
    expect(fmt(i64.MAX_VALUE)).toBe("9223372036854775807");
    expect(fmt(i64.MIN_VALUE)).toBe("-9223372036854775808");
  });

  it("decimalLength agrees with formatI64", () => {
    expect(decimalLength(0)).toBe(1);
    expect(decimalLength(9)).toBe(1);
    expect(decimalLength(10)).toBe(2);
    expect(decimalLength(-10)).toBe(3);
    expect(decimalLength(i64.MIN_VALUE)).toBe(20);
    expect(decimalLength(i64.MAX_VALUE)).toBe(19);
    const values: i64[] = [1, 99, 100, -999, 123456789, -1000000000000, 999999999999999999];
    for (let i = 0; i < values.length; i++) {
      expect(formatI64(BUF + 32, values[i])).toBe(decimalLength(values[i]));
    }
  });

  it("round-trips through parseI64", () => {
    const values: i64[] = [0, 1, -1, 42, -42, 1 << 40, i64.MIN_VALUE, i64.MAX_VALUE];
    for (let i = 0; i < values.length; i++) {
      const n = formatI64(BUF, values[i]);
      expect(parseI64(BUF, n)).toBe(true);
      expect(parsedI64).toBe(values[i]);
    }
  });
});
