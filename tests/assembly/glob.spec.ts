// globMatch: Redis stringmatchlen semantics. The KEYS table below was produced by storing every
// key of KEY_SET in redis-server 7.0 and running KEYS <pattern>: bit i of each row says whether
// KEY_SET[i] was returned.
import { globMatch } from "../../assembly/util/glob";

const PAT = memory.data(4096);
const STR = memory.data(4096);

function bytes(at: usize, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(at + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function match(p: string, s: string, nocase: bool = false): bool {
  return globMatch(PAT, bytes(PAT, p), STR, bytes(STR, s), nocase);
}

function one(pat: u8[], c: u8): bool {
  for (let i = 0; i < pat.length; i++) store<u8>(PAT + <usize>i, pat[i]);
  store<u8>(STR, c);
  return globMatch(PAT, pat.length, STR, 1, false);
}
const LB: u8 = 0x5b;
const RB: u8 = 0x5d;
const DASH: u8 = 0x2d;
function repeat(s: string, n: i32): string {
  let r = "";
  for (let i = 0; i < n; i++) r += s;
  return r;
}
const A1500 = repeat("a", 1500);

const KEY_SET: string[] = ["a","b","c","ab","abc","aXc","a*c","a?c","a[c","a]c","a\\c","a-c","^","hello","hallo","hxllo","hllo","heeeello","Hello","HELLO","x","-","]","[","\\","*","?","key:1","key:12","key:123","foo{bar}","a^c","ac","abcabc","aaa","aaaa","z","_","`","A","B","Z","0","9"," ","a c","ab*","a\\","[abc"];

// [pattern, which keys of KEY_SET Redis's KEYS returned]
const KEYS_TABLE: string[][] = [
  ["*", "1111111111111111111111111111111111111111111111111"],
  ["**", "1111111111111111111111111111111111111111111111111"],
  ["?", "1110000000001000000011111110000000001111111110000"],
  ["??", "0001000000000000000000000000000010000000000000010"],
  ["???", "0000111111110000000000000000000100100000000001100"],
  ["a*", "1001111111110000000000000000000111110000000001110"],
  ["*c", "0010111111110000000000000000000111000000000001001"],
  ["a*c", "0000111111110000000000000000000111000000000001000"],
  ["a?c", "0000111111110000000000000000000100000000000001000"],
  ["a\\*c", "0000001000000000000000000000000000000000000000000"],
  ["a\\?c", "0000000100000000000000000000000000000000000000000"],
  ["a[bX]c", "0000110000000000000000000000000000000000000000000"],
  ["a[^b]c", "0000011111110000000000000000000100000000000001000"],
  ["a[a-z]c", "0000100000000000000000000000000000000000000000000"],
  ["a[z-a]c", "0000100000000000000000000000000000000000000000000"],
  ["a[A-Z]c", "0000010000000000000000000000000000000000000000000"],
  ["h[ae]llo", "0000000000000110000000000000000000000000000000000"],
  ["h[^e]llo", "0000000000000011000000000000000000000000000000000"],
  ["h[a-b]llo", "0000000000000010000000000000000000000000000000000"],
  ["h*llo", "0000000000000111110000000000000000000000000000000"],
  ["h?llo", "0000000000000111000000000000000000000000000000000"],
  ["[abc", "1110000000000000000000000000000000000000000000000"],
  ["[a-", "1000000000000000000001000000000000000000000000000"],
  ["[a-]", "1000000000001000000000100000000000000110000000000"],
  ["[^", "1110000000001000000011111110000000001111111110000"],
  ["[", "0000000000000000000000000000000000000000000000000"],
  ["[]", "0000000000000000000000000000000000000000000000000"],
  ["[]a]", "0000000000000000000000000000000000000000000000000"],
  ["[\\]]", "0000000000000000000000100000000000000000000000000"],
  ["[\\\\]", "0000000000000000000000001000000000000000000000000"],
  ["a\\", "0000000000000000000000000000000000000000000000010"],
  ["\\", "0000000000000000000000001000000000000000000000000"],
  ["\\\\", "0000000000000000000000001000000000000000000000000"],
  ["\\a", "1000000000000000000000000000000000000000000000000"],
  ["[a\\", "1000000000000000000000001000000000000000000000000"],
  ["a[\\-]c", "0000000000010000000000000000000000000000000000000"],
  ["*a*a*a*", "0000000000000000000000000000000000110000000000000"],
  ["*[*", "0000000000000000000000000100000000000000000000100"],
  ["[*]", "0000000000000000000000000100000000000000000000000"],
  ["[?]", "0000000000000000000000000010000000000000000000000"],
  ["*\\", "0000000000000000000000001000000000000000000000010"],
  ["key:*", "0000000000000000000000000001110000000000000000000"],
  ["key:??", "0000000000000000000000000000100000000000000000000"],
  ["key:[0-9]", "0000000000000000000000000001000000000000000000000"],
  ["key:[0-9]*", "0000000000000000000000000001110000000000000000000"],
  ["foo\\{*", "0000000000000000000000000000001000000000000000000"],
  ["*{bar}", "0000000000000000000000000000001000000000000000000"],
  ["[!a]", "1000000000000000000000000000000000000000000000000"],
  ["[a-c-e]", "1110000000000000000001000000000000000000000000000"],
  ["[-a]", "1000000000000000000001000000000000000000000000000"],
  ["[a-]c", "1010000000001000000000100000000000000110000000000"],
  ["[]-a]", "0000000000000000000000000000000000000000000000000"],
  ["a[]c", "0000000000000000000000000000000000000000000000000"],
  ["[^]]", "0000000000000000000000000000000000000000000000000"],
  ["[^a-z]", "0000000000001000000001111110000000000111111110000"],
  ["?*?", "0001111111110111111100000001111111110000000001111"],
  ["*?*", "1111111111111111111111111111111111111111111111111"],
  ["a**c", "0000111111110000000000000000000111000000000001000"],
  ["ab*", "0001100000000000000000000000000001000000000000100"],
  ["a*b*c", "0000100000000000000000000000000001000000000000000"],
  ["*b*", "0101100000000000000000000000001001000000000000101"],
  ["*x*", "0000000000000001000010000000000000000000000000000"],
  ["[A-z]", "1110000000001000000010111000000000001111110000000"],
  ["[Z-a]", "1000000000001000000000111000000000000110010000000"],
  ["hell?", "0000000000000100000000000000000000000000000000000"],
  ["*o", "0000000000000111111000000000000000000000000000000"],
  ["*llo*", "0000000000000111111000000000000000000000000000000"],
  ["h*l*o", "0000000000000111110000000000000000000000000000000"],
  ["h\\*llo", "0000000000000000000000000000000000000000000000000"],
  ["", "0000000000000000000000000000000000000000000000000"],
];

describe("globMatch against KEYS on redis-server", () => {
  it("agrees with every KEYS row of the table", () => {
    for (let r = 0; r < KEYS_TABLE.length; r++) {
      const p = KEYS_TABLE[r][0];
      const bits = KEYS_TABLE[r][1];
      for (let k = 0; k < KEY_SET.length; k++) {
        const want = bits.charCodeAt(k) == 0x31;
        const got = match(p, KEY_SET[k]);
        if (got != want) log<string>("pattern " + p + " key " + KEY_SET[k]);
        expect(got).toBe(want);
      }
    }
  });
});

describe("globMatch basics", () => {
  it("star, question mark and literals", () => {
    expect(match("h*llo", "hllo")).toBe(true);
    expect(match("h*llo", "heeeello")).toBe(true);
    expect(match("h?llo", "hllo")).toBe(false);
    expect(match("abc", "abc")).toBe(true);
    expect(match("abc", "abd")).toBe(false);
    expect(match("abc", "ab")).toBe(false);
    expect(match("ab", "abc")).toBe(false);
    expect(match("a*", "a")).toBe(true);
    expect(match("*a", "a")).toBe(true);
    expect(match("a*b*c", "aXXbYYc")).toBe(true);
    expect(match("a*b*c", "aXXbYYd")).toBe(false);
  });

  it("only the empty pattern matches the empty string", () => {
    expect(match("", "")).toBe(true);
    expect(match("*", "")).toBe(false);
    expect(match("**", "")).toBe(false);
    expect(match("", "a")).toBe(false);
  });

  it("sets: ranges either way round, negation, escapes, unterminated", () => {
    expect(match("[a-c]", "b")).toBe(true);
    expect(match("[c-a]", "b")).toBe(true);
    expect(match("[^a-c]", "b")).toBe(false);
    expect(match("[^a-c]", "d")).toBe(true);
    expect(match("[\\]]", "]")).toBe(true);
    expect(match("[abc", "a")).toBe(true);
    expect(match("[abc", "ab")).toBe(false);
    expect(match("[", "[")).toBe(false);
    expect(match("[^", "z")).toBe(true);
    expect(match("[a-]", "_")).toBe(true); // the range a..] swallowed the ']'
    expect(match("[]a]", "a")).toBe(false); // "[]" is an empty set, then "a]" literally
    expect(match("[]a]", "]")).toBe(false);
  });

  it("backslash escapes, and a trailing backslash is literal", () => {
    expect(match("a\\*c", "a*c")).toBe(true);
    expect(match("a\\*c", "abc")).toBe(false);
    expect(match("a\\", "a\\")).toBe(true);
    expect(match("\\a", "a")).toBe(true);
  });

  it("nocase folds ASCII letters in literals and ranges, not escaped set members", () => {
    expect(match("HeLLo", "hello", true)).toBe(true);
    expect(match("HeLLo", "hello", false)).toBe(false);
    expect(match("h[A-Z]llo", "hello", true)).toBe(true);
    expect(match("h[E]llo", "hello", true)).toBe(true);
    expect(match("h[\\E]llo", "hello", true)).toBe(false);
    expect(match("h\\Ello", "hello", true)).toBe(true);
  });
});

describe("globMatch on high bytes (probed with redis-cli escapes)", () => {
  it("ranges compare signed chars, like Redis on x86", () => {
    // KEYS "[\x00-\xff]" returned only "\x00" and "\xff".
    expect(one([LB, 0x00, DASH, 0xff, RB], 0x00)).toBe(true);
    expect(one([LB, 0x00, DASH, 0xff, RB], 0xff)).toBe(true);
    expect(one([LB, 0x00, DASH, 0xff, RB], 0x61)).toBe(false);
    expect(one([LB, 0x00, DASH, 0xff, RB], 0x7f)).toBe(false);
    // KEYS "[\x7f-\x80]" returned everything.
    expect(one([LB, 0x7f, DASH, 0x80, RB], 0x61)).toBe(true);
    expect(one([LB, 0x7f, DASH, 0x80, RB], 0xff)).toBe(true);
    // KEYS "[\x80-a]" returned \x00, \xff and a, not \x7f.
    expect(one([LB, 0x80, DASH, 0x61, RB], 0x7f)).toBe(false);
    expect(one([LB, 0x80, DASH, 0x61, RB], 0xff)).toBe(true);
    expect(one([LB, 0xff, RB], 0xff)).toBe(true);
    expect(one([LB, 0x5e, 0x61, RB], 0xff)).toBe(true);
  });
});

describe("globMatch star nesting limit (Redis 7.0: 1000)", () => {
  it("matches with up to 1000 star groups, or 1001 when the last is trailing", () => {
    expect(match(repeat("*a", 1000), A1500)).toBe(true);
    expect(match(repeat("*a", 1000) + "*", A1500)).toBe(true);
  });
  it("refuses when a 1001st star group is followed by more pattern", () => {
    expect(match(repeat("*a", 1001), A1500)).toBe(false);
    expect(match(repeat("*a", 1001) + "*", A1500)).toBe(false);
  });
  it("does not blow up on pathological backtracking", () => {
    expect(match(repeat("*a", 30) + "b", repeat("a", 1500))).toBe(false);
  });
});
