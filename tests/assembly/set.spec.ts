// The set structure (store/set.ts over store/member-table.ts) against a plain reference (a Set of
// strings, one char per byte): thousands of random adds, removes and membership probes over a pool of
// integers and non-integers, with the whole content compared as the size swings between empty and well
// past the intset limit. Also pinned: Redis's encoding rules (intset while all members are string2ll
// integers and there are at most 512, never back), an intset walks in ascending order, encode/decode
// keep content and encoding, SSCAN's cursor returns every member present for the whole scan across
// growth and shrinking, random picks come from the set, and memory comes back to the byte when freed.
import {
  setNew, setFree, setSize, setAdd, setRemove, setIsMember, setEncoding, setRandom, setEncode,
  setDecode, setTable, memberPtr, memberLen, SetIter, SET_ENC_INTSET, SET_ENC_HASHTABLE,
  SET_MAX_INTSET_ENTRIES,
} from "../../assembly/store/set";
import { mtScan, mtSize, mtBucketCount, nodeData, nodeLen } from "../../assembly/store/member-table";
import { randomSeed, randomBelow } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";

const BUF = memory.data(20000);

/** Writes the reference string `s` (one byte per char) at BUF; returns its length. */
function bytesOf(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function textOf(p: usize, n: u32): string {
  let s = "";
  for (let k: u32 = 0; k < n; k++) s += String.fromCharCode(load<u8>(p + k));
  return s;
}

function add(s: usize, v: string): bool { return setAdd(s, BUF, bytesOf(v)); }
function remove(s: usize, v: string): bool { return setRemove(s, BUF, bytesOf(v)); }
function has(s: usize, v: string): bool { return setIsMember(s, BUF, bytesOf(v)); }

/** Every member of the set, by a full walk; each must be distinct and in the reference. */
function sameAs(s: usize, ref: Set<string>): bool {
  if (setSize(s) != <u32>ref.size) return false;
  const seen = new Set<string>();
  const it = new SetIter(s);
  while (it.next()) {
    const m = textOf(it.ptr, it.len);
    if (!ref.has(m) || seen.has(m)) return false;
    seen.add(m);
  }
  return seen.size == ref.size;
}

/** A member: mostly integers (some not canonical: "01", "-0", "+1"), some words, binary and empty. */
function member(): string {
  const r = randomBelow(100);
  if (r < 80) return (<i64>randomBelow(2000) - 1000).toString();
  if (r < 83) return "0" + randomBelow(10).toString();
  if (r < 84) return "-0";
  if (r < 85) return "+1";
  if (r < 86) return "";
  if (r < 88) return "\x00\xff\r\n";
  return "w" + randomBelow(300).toString();
}

describe("set", () => {
  it("matches a plain Set over thousands of random operations, in both encodings", () => {
    randomSeed(7);
    const before = rawBytesInUse;
    let intsetSteps = 0;
    let tableSteps = 0;
    for (let round = 0; round < 6; round++) {
      const s = setNew();
      const ref = new Set<string>();
      const intsOnly = round % 2 == 0;
      let growing = true;
      for (let step = 0; step < 4000; step++) {
        if (ref.size > 900) growing = false;
        if (ref.size == 0) growing = true;
        let v = member();
        if (intsOnly) v = (<i64>randomBelow(3000) - 1500).toString();
        const op = randomBelow(10);
        if (op < 5 && (growing || op < 2)) {
          expect(add(s, v)).toBe(!ref.has(v));
          ref.add(v);
        } else if (op < 8) {
          expect(remove(s, v)).toBe(ref.has(v));
          ref.delete(v);
        } else {
          expect(has(s, v)).toBe(ref.has(v));
        }
        if (setEncoding(s) == SET_ENC_INTSET) intsetSteps++; else tableSteps++;
        if (step % 50 == 0 && !sameAs(s, ref)) { expect(step).toBe(-1); break; }
      }
      expect(sameAs(s, ref)).toBe(true);
      setFree(s);
    }
    expect(intsetSteps > 1000).toBe(true);
    expect(tableSteps > 1000).toBe(true);
    expect(rawBytesInUse).toBe(before);
  });

  it("is an intset while every member is an integer and there are at most 512", () => {
    const s = setNew();
    for (let i: i32 = SET_MAX_INTSET_ENTRIES; i >= 1; i--) add(s, i.toString());
    expect(setEncoding(s)).toBe(SET_ENC_INTSET);
    expect(setSize(s)).toBe(512);
    expect(add(s, "512")).toBe(false);
    expect(setEncoding(s)).toBe(SET_ENC_INTSET);
    expect(add(s, "513")).toBe(true);
    expect(setEncoding(s)).toBe(SET_ENC_HASHTABLE);
    // Never back, however small it gets.
    for (let i = 1; i <= 513; i++) remove(s, i.toString());
    expect(setSize(s)).toBe(0);
    expect(setEncoding(s)).toBe(SET_ENC_HASHTABLE);
    setFree(s);
    const words = ["01", "-0", "+1", " 1", "1 ", "1.0", "9223372036854775808", "", "abc"];
    for (let i = 0; i < words.length; i++) {
      const t = setNew();
      add(t, "5");
      add(t, words[i]);
      expect(setEncoding(t)).toBe(SET_ENC_HASHTABLE);
      expect(has(t, "5")).toBe(true);
      expect(has(t, words[i])).toBe(true);
      setFree(t);
    }
    const u = setNew();
    add(u, "-9223372036854775808");
    add(u, "9223372036854775807");
    add(u, "0");
    expect(setEncoding(u)).toBe(SET_ENC_INTSET);
    expect(has(u, "00")).toBe(false);
    setFree(u);
  });

  it("walks an intset in ascending order", () => {
    randomSeed(3);
    const s = setNew();
    for (let i = 0; i < 400; i++) add(s, (<i64>randomBelow(100000) - 50000).toString());
    const it = new SetIter(s);
    let last: i64 = i64.MIN_VALUE;
    let n = 0;
    while (it.next()) {
      const v = I64.parseInt(textOf(it.ptr, it.len));
      expect(v > last).toBe(true);
      last = v;
      n++;
    }
    expect(n).toBe(<i32>setSize(s));
    setFree(s);
  });

  it("encodes and decodes a set with its members and its encoding", () => {
    const sizes: i32[] = [0, 1, 7, 512, 513, 2000];
    for (let k = 0; k < sizes.length; k++) {
      for (let words = 0; words < 2; words++) {
        const before = rawBytesInUse;
        const s = setNew();
        const ref = new Set<string>();
        for (let i = 0; i < sizes[k]; i++) {
          const v = words == 1 && i % 3 == 0 ? "m\x00" + i.toString() : i.toString();
          add(s, v);
          ref.add(v);
        }
        const out = new ByteBuf();
        setEncode(s, out);
        const copy = setDecode(out.ptr, out.len);
        expect(setEncoding(copy)).toBe(setEncoding(s));
        expect(sameAs(copy, ref)).toBe(true);
        out.release();
        setFree(copy);
        setFree(s);
        expect(rawBytesInUse).toBe(before);
      }
    }
  });

  it("scans every member present for the whole scan, across growth and shrinking", () => {
    randomSeed(11);
    const s = setNew();
    for (let i = 0; i < 10000; i++) add(s, "k" + i.toString());
    const bucketsAtStart = mtBucketCount(setTable(s), 0);
    let fewest = bucketsAtStart;
    // Members 0..999 stay for the whole scan; 1000..9999 leave during it, then new ones arrive.
    const seen = new StaticArray<u8>(1000);
    const nodes = new Array<usize>();
    let cursor: u64 = 0;
    let calls = 0;
    do {
      nodes.length = 0;
      cursor = mtScan(setTable(s), cursor, nodes);
      for (let i = 0; i < nodes.length; i++) {
        const m = textOf(nodeData(nodes[i]), nodeLen(nodes[i]));
        const n = I32.parseInt(m.substr(1));
        if (m.charAt(0) == "k" && n < 1000) seen[n] = 1;
      }
      calls++;
      // Shrink hard, then grow again, between calls.
      if (calls <= 60) for (let j = 0; j < 150; j++) remove(s, "k" + (1000 + (calls - 1) * 150 + j).toString());
      else if (calls < 200) for (let j = 0; j < 100; j++) add(s, "n" + (calls * 100 + j).toString());
      fewest = min(fewest, mtBucketCount(setTable(s), 0));
    } while (cursor != 0);
    expect(fewest < bucketsAtStart).toBe(true);
    expect(mtBucketCount(setTable(s), 0) > fewest).toBe(true);
    for (let i = 0; i < 1000; i++) if (seen[i] == 0) { expect(i).toBe(-1); break; }
    expect(mtSize(setTable(s))).toBe(setSize(s));
    setFree(s);
  });

  it("picks random members from the set, each of them in time", () => {
    randomSeed(5);
    for (let form = 0; form < 2; form++) {
      const s = setNew();
      const ref = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const v = form == 0 ? (i * 3).toString() : "r" + i.toString();
        add(s, v);
        ref.add(v);
      }
      const hit = new Set<string>();
      for (let i = 0; i < 5000; i++) {
        setRandom(s);
        const m = textOf(memberPtr, memberLen);
        expect(ref.has(m)).toBe(true);
        hit.add(m);
      }
      expect(hit.size).toBe(50);
      setFree(s);
    }
  });

  it("keeps O(1) adds, lookups and removes for a million members", () => {
    const before = rawBytesInUse;
    const s = setNew();
    for (let i = 0; i < 1000000; i++) add(s, "m" + i.toString());
    expect(setSize(s)).toBe(1000000);
    expect(has(s, "m999999")).toBe(true);
    expect(has(s, "m1000000")).toBe(false);
    for (let i = 0; i < 1000000; i += 2) remove(s, "m" + i.toString());
    expect(setSize(s)).toBe(500000);
    expect(has(s, "m2")).toBe(false);
    expect(has(s, "m3")).toBe(true);
    setFree(s);
    expect(rawBytesInUse).toBe(before);
  });
});
