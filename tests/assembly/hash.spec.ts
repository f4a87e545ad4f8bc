// hashBytes is XXH32: published vectors ("", "a", "abc", "Nobody inspects…") plus vectors from an
// independent reference implementation of the XXH32 spec (seeds, 16-byte stripes, tails).
import { hashBytes } from "../../assembly/util/hash";

const BUF = memory.data(4096);

function put(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function h(s: string, seed: u32 = 0): u32 {
  return hashBytes(BUF, put(s), seed);
}

describe("hashBytes = XXH32", () => {
  it("matches the published vectors", () => {
    expect(h("")).toBe(0x02cc5d05);
    expect(h("a")).toBe(0x550d7456);
    expect(h("abc")).toBe(0x32d153ff);
    expect(h("Nobody inspects the spammish repetition")).toBe(0xe2293b2f);
  });

  it("honours the seed and the 16-byte stripe path", () => {
    expect(h("", 1)).toBe(0x0b2cb792);
    expect(h("key:000123")).toBe(0xbb90ad5a);
    expect(h("key:000123", 42)).toBe(0x804a7877);
    expect(h("0123456789abcdef", 0x9e3779b1)).toBe(0x72e8faf9);
    expect(h("0123456789abcdefghijklmnopqrstuvwxyz", 7)).toBe(0x72f88912);
  });

  it("reads only the given bytes, at any alignment", () => {
    put("xxkey:000123yy");
    expect(hashBytes(BUF + 2, 10, 0)).toBe(0xbb90ad5a);
  });
});

describe("hashBytes distribution", () => {
  it("spreads 65536 sequential short keys evenly over 1024 buckets by the low bits", () => {
    const buckets = new StaticArray<u32>(1024);
    const key = "key:000000";
    put(key);
    for (let i = 0; i < 65536; i++) {
      // write the six decimal digits of i
      let v = i;
      for (let d = 9; d >= 4; d--) {
        store<u8>(BUF + <usize>d, <u8>(0x30 + v % 10));
        v /= 10;
      }
      const b = hashBytes(BUF, 10, 0) & 1023;
      buckets[b] = buckets[b] + 1;
    }
    // Expected 64 per bucket; a decent hash keeps every bucket well inside [24, 112].
    let lo: u32 = 1 << 30;
    let hi: u32 = 0;
    for (let i = 0; i < 1024; i++) {
      lo = min(lo, buckets[i]);
      hi = max(hi, buckets[i]);
    }
    expect(lo).toBeGreaterThan(24);
    expect(hi).toBeLessThan(112);
  });

  it("flips about half the output bits when one input bit flips", () => {
    put("key:000123");
    const base = hashBytes(BUF, 10, 0);
    let total: i32 = 0;
    for (let bit = 0; bit < 80; bit++) {
      const at = BUF + <usize>(bit >> 3);
      store<u8>(at, <u32>load<u8>(at) ^ (<u32>1 << <u32>(bit & 7)));
      total += <i32>popcnt<u32>(hashBytes(BUF, 10, 0) ^ base);
      store<u8>(at, <u32>load<u8>(at) ^ (<u32>1 << <u32>(bit & 7)));
    }
    const mean = <f64>total / 80.0;
    expect(mean).toBeGreaterThan(13.0);
    expect(mean).toBeLessThan(19.0);
  });
});
