// The list structure (store/list.ts) against a plain reference (an array of strings, one char per
// byte): thousands of random pushes, pops, inserts, removals, trims, sets and equal-removals, with the
// whole content compared after every step. The size swings between empty and far past the compact
// limits, so both forms and both conversions are exercised (and counted); elements range from empty to
// larger than the compact form's byte limit. Memory comes back to the byte when a list is freed.
import {
  listNew, listFree, listLen, listAt, listPush, listInsert, listSet, listRemove, listRemoveEqual,
  listEqualAt, listEncode, listDecode, listForm, elemPtr, elemLen, FORM_COMPACT, FORM_RING,
  COMPACT_MAX_COUNT,
} from "../../assembly/store/list";
import { randomSeed, randomBelow } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";

const BUF = memory.data(20000);

/** Writes the reference string `s` (one byte per char) at BUF; returns its length. */
function bytesOf(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function stringAt(l: usize, i: u32): string {
  listAt(l, i);
  let s = "";
  for (let k: u32 = 0; k < elemLen; k++) s += String.fromCharCode(load<u8>(elemPtr + k));
  return s;
}

/** A pool of values, so equal-removals and searches find matches: short, empty, binary and huge. */
const POOL = new Array<string>();
function makePool(): void {
  POOL.push("");
  POOL.push("a");
  POOL.push("b");
  POOL.push("\x00\xff");
  POOL.push("hello");
  for (let i = 0; i < 10; i++) POOL.push("v" + i.toString());
  POOL.push("x".repeat(300));
  POOL.push("y".repeat(2000));
  POOL.push("z".repeat(9000));
}

function value(): string {
  // Mostly small values; the huge ones rarely, so the count limit matters as much as the byte limit.
  const r = randomBelow(100);
  if (r < 2) return POOL[POOL.length - 1];
  if (r < 5) return POOL[POOL.length - 2];
  if (r < 10) return POOL[POOL.length - 3];
  return POOL[randomBelow(POOL.length - 3)];
}

/** Element `i` of the list holds exactly the reference string `s`. */
function elementIs(l: usize, i: u32, s: string): bool {
  listAt(l, i);
  if (elemLen != <u32>s.length) return false;
  for (let k = 0; k < s.length; k++) if (load<u8>(elemPtr + <usize>k) != <u8>s.charCodeAt(k)) return false;
  return true;
}

function sameAs(l: usize, ref: Array<string>): bool {
  if (listLen(l) != <u32>ref.length) return false;
  // Forward, then backward: the compact cursor walks both ways.
  for (let i = 0; i < ref.length; i++) if (!elementIs(l, <u32>i, ref[i])) return false;
  for (let i = ref.length - 1; i >= 0; i--) if (!elementIs(l, <u32>i, ref[i])) return false;
  return true;
}

describe("list", () => {
  it("matches a plain array over thousands of random operations, in both forms", () => {
    makePool();
    randomSeed(42);
    const before = rawBytesInUse;
    const l = listNew();
    const ref = new Array<string>();
    let toRing = 0;
    let toCompact = 0;
    let ringOps = 0;
    let compactOps = 0;
    let growing = true;
    for (let step = 0; step < 12000; step++) {
      const form = listForm(l);
      if (ref.length > 700) growing = false;
      if (ref.length == 0) growing = true;
      const op = randomBelow(20);
      const n = <u32>ref.length;
      if (op < 7) {
        // push: biased by phase
        const v = value();
        const len = bytesOf(v);
        const atHead = randomBelow(2) == 0;
        if (growing || randomBelow(3) == 0) {
          listPush(l, BUF, len, atHead);
          if (atHead) ref.unshift(v); else ref.push(v);
        }
      } else if (op < 11) {
        // pop k from one end
        if (n > 0 && (!growing || randomBelow(3) == 0)) {
          const k: u32 = 1 + randomBelow(min<u32>(n, 40));
          const atHead = randomBelow(2) == 0;
          listRemove(l, atHead ? 0 : n - k, k);
          for (let j: u32 = 0; j < k; j++) { if (atHead) ref.shift(); else ref.pop(); }
        }
      } else if (op < 13) {
        const v = value();
        const len = bytesOf(v);
        const i = randomBelow(n + 1);
        listInsert(l, i, BUF, len);
        ref.push(v);
        for (let j = ref.length - 1; j > <i32>i; j--) ref[j] = ref[j - 1];
        ref[i] = v;
      } else if (op < 14) {
        if (n > 0) {
          const i = randomBelow(n);
          const k: u32 = 1 + randomBelow(min<u32>(n - i, 50));
          listRemove(l, i, k);
          ref.splice(i, k);
        }
      } else if (op < 15) {
        if (n > 0) {
          const i = randomBelow(n);
          const v = value();
          listSet(l, i, BUF, bytesOf(v));
          ref[i] = v;
        }
      } else if (op < 17) {
        // remove equal: limit 0 (all) or a few, from either end
        const v = POOL[randomBelow(POOL.length)];
        const len = bytesOf(v);
        const limit = <u64>randomBelow(4);
        const fromTail = randomBelow(2) == 0;
        const got = listRemoveEqual(l, BUF, len, limit, fromTail);
        let removed: u32 = 0;
        if (!fromTail) {
          for (let i = 0; i < ref.length;) {
            if (ref[i] == v && (limit == 0 || <u64>removed < limit)) { ref.splice(i, 1); removed++; } else i++;
          }
        } else {
          for (let i = ref.length - 1; i >= 0; i--) {
            if (ref[i] == v && (limit == 0 || <u64>removed < limit)) { ref.splice(i, 1); removed++; }
          }
        }
        expect(got).toBe(removed);
      } else if (op < 18) {
        // trim to a random window (as LTRIM: the tail first, then the head)
        if (n > 0 && !growing) {
          const start = randomBelow(min<u32>(n, 20));
          const end = n - 1 - randomBelow(min<u32>(n - start, 20));
          listRemove(l, end + 1, n - end - 1);
          listRemove(l, 0, start);
          const kept = ref.slice(start, end + 1);
          ref.length = 0;
          for (let i = 0; i < kept.length; i++) ref.push(kept[i]);
        }
      } else {
        // random probes, equality included
        if (n > 0) {
          const i = randomBelow(n);
          const v = ref[i];
          expect(listEqualAt(l, i, BUF, bytesOf(v))).toBe(true);
        }
      }
      if (listForm(l) != form) { if (form == FORM_COMPACT) toRing++; else toCompact++; }
      if (listForm(l) == FORM_RING) ringOps++; else compactOps++;
      if (!sameAs(l, ref)) {
        expect(step).toBe(-1); // the step at which the list and the reference parted
        break;
      }
      if (listForm(l) == FORM_COMPACT) expect(listLen(l) <= COMPACT_MAX_COUNT).toBe(true);
    }
    expect(toRing > 5).toBe(true);
    expect(toCompact > 5).toBe(true);
    expect(ringOps > 1000).toBe(true);
    expect(compactOps > 1000).toBe(true);
    listFree(l);
    expect(rawBytesInUse).toBe(before);
  });

  it("encodes and decodes a list byte for byte, in either form", () => {
    for (let size = 0; size < 400; size += 37) {
      const before = rawBytesInUse;
      const l = listNew();
      for (let i = 0; i < size; i++) {
        const v = "e" + i.toString() + (i % 7 == 0 ? "\x00\r\n" : "");
        listPush(l, BUF, bytesOf(v), i % 2 == 0);
      }
      const out = new ByteBuf();
      listEncode(l, out);
      const copy = listDecode(out.ptr, out.len);
      expect(listLen(copy)).toBe(listLen(l));
      expect(listForm(copy)).toBe(listForm(l));
      for (let i: u32 = 0; i < listLen(l); i++) expect(stringAt(copy, i)).toBe(stringAt(l, i));
      out.release();
      listFree(copy);
      listFree(l);
      expect(rawBytesInUse).toBe(before);
    }
  });

  it("keeps O(1) ends for a million elements", () => {
    const before = rawBytesInUse;
    const l = listNew();
    const len = bytesOf("elem");
    for (let i = 0; i < 1000000; i++) listPush(l, BUF, len, (i & 1) == 0);
    expect(listLen(l)).toBe(1000000);
    expect(listForm(l)).toBe(FORM_RING);
    for (let i = 0; i < 999990; i++) listRemove(l, (i & 1) == 0 ? 0 : listLen(l) - 1, 1);
    expect(listLen(l)).toBe(10);
    expect(listForm(l)).toBe(FORM_COMPACT);
    listFree(l);
    expect(rawBytesInUse).toBe(before);
  });
});
