// keyHashSlot: expected slots from CLUSTER KEYSLOT on a cluster-enabled redis-server 7.0.
import { crc16, keyHashSlot, CLUSTER_SLOTS } from "../../assembly/util/crc16";

const BUF = memory.data(256);

function put(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function slot(s: string): u32 {
  return keyHashSlot(BUF, put(s));
}

// [key, CLUSTER KEYSLOT reply]
const KEYSLOT_TABLE: string[][] = [
  ["foo", "12182"],
  ["{user1000}.following", "3443"],
  ["user1000", "3443"],
  ["foo{}{bar}", "8363"],
  ["foo{{bar}}zap", "4015"],
  ["{bar", "4015"],
  ["foo{bar}{zap}", "5061"],
  ["", "0"],
  ["{}", "15257"],
  ["a{b}", "3300"],
  ["b", "3300"],
  ["123456789", "12739"],
  ["{{a}}", "10276"],
  ["{a", "10276"],
  ["}{a}", "15495"],
  ["a", "15495"],
  ["key:000123", "9317"],
  ["foo{bar}", "5061"],
  ["bar", "5061"],
  ["{{a", "221"],
];

describe("crc16 (XMODEM)", () => {
  it("matches the standard check value", () => {
    // CRC-16/XMODEM of "123456789" is 0x31C3.
    expect(crc16(BUF, put("123456789"))).toBe(0x31c3);
    expect(crc16(BUF, 0)).toBe(0);
  });
});

describe("keyHashSlot", () => {
  it("agrees with CLUSTER KEYSLOT for every key in the table", () => {
    for (let i = 0; i < KEYSLOT_TABLE.length; i++) {
      const got = slot(KEYSLOT_TABLE[i][0]);
      expect(got).toBe(<u32>I32.parseInt(KEYSLOT_TABLE[i][1]));
    }
  });

  it("hashes only a non-empty tag after the first '{'", () => {
    expect(slot("{user1000}.following")).toBe(slot("user1000"));
    expect(slot("{user1000}.followers")).toBe(slot("user1000"));
    expect(slot("foo{}{bar}")).not.toBe(slot("bar"));
    expect(slot("foo{bar}{zap}")).toBe(slot("bar"));
  });

  it("stays below 16384", () => {
    expect(CLUSTER_SLOTS).toBe(16384);
    for (let i = 0; i < 1000; i++) {
      const n = put("k" + i.toString());
      expect(keyHashSlot(BUF, n)).toBeLessThan(16384);
    }
  });
});
