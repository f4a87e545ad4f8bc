// The hash structure (store/hash.ts) against a plain reference (a Map plus the insertion order): thousands
// of random sets, deletes and lookups with the whole content compared after every step, in both forms;
// the listpack keeps insertion order (a changed value stays in place, a delete closes its gap); the
// conversions happen exactly at the limits and never back; HSCAN's cursor returns every field present for
// the whole scan while the table grows, shrinks and rehashes under it; encode/decode keeps form and
// order; a million fields stay O(1) a step; memory comes back to the byte when a hash is freed.
// (tests/assembly/hash.spec.ts is the byte hash FUNCTION's test.)
import {
  hashNew, hashFree, hashLen, hashForm, hashGet, hashSet, hashDelete, hashConvertFor, hashIterStart,
  hashIterNext, hashLoad, hashCollect, hashRandom, hashScan, hashEncode, hashDecode,
  fieldPtr, fieldLen, valPtr, valLen, FORM_LISTPACK, FORM_TABLE, LISTPACK_MAX_ENTRIES, LISTPACK_MAX_VALUE,
} from "../../assembly/store/hash";
import { randomSeed, randomBelow } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";
import { formatI64 } from "../../assembly/util/int";

const FBUF = memory.data(4096);
const VBUF = memory.data(4096);

/** Writes the reference string `s` (one byte per char) at `at`; returns its length. */
function put(at: usize, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(at + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

/** "field:<i>" at FBUF without making a string (a million of them would keep the collector busy). */
function numbered(i: u32): u32 {
  const n = put(FBUF, "field:");
  return n + formatI64(FBUF + n, i);
}

function str(p: usize, n: u32): string {
  let s = "";
  for (let k: u32 = 0; k < n; k++) s += String.fromCharCode(load<u8>(p + k));
  return s;
}

function set(h: usize, f: string, v: string): bool {
  return hashSet(h, FBUF, put(FBUF, f), VBUF, put(VBUF, v));
}

function get(h: usize, f: string): string | null {
  if (!hashGet(h, FBUF, put(FBUF, f))) return null;
  return str(valPtr, valLen);
}

function del(h: usize, f: string): bool {
  return hashDelete(h, FBUF, put(FBUF, f));
}

/** The pairs in iteration order, as "field=value" strings. */
function pairs(h: usize): string[] {
  const out = new Array<string>();
  hashIterStart(h);
  while (hashIterNext()) out.push(str(fieldPtr, fieldLen) + "=" + str(valPtr, valLen));
  return out;
}

class Ref {
  map: Map<string, string> = new Map();
  order: string[] = [];
  set(f: string, v: string): void {
    if (!this.map.has(f)) this.order.push(f);
    this.map.set(f, v);
  }
  del(f: string): void {
    this.map.delete(f);
    const i = this.order.indexOf(f);
    if (i >= 0) this.order.splice(i, 1);
  }
  pairs(): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.order.length; i++) out.push(this.order[i] + "=" + this.map.get(this.order[i]));
    return out;
  }
}

function sameOrdered(a: string[], b: string[]): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

function sameUnordered(a: string[], b: string[]): bool {
  if (a.length != b.length) return false;
  const x = a.slice(0); x.sort();
  const y = b.slice(0); y.sort();
  return sameOrdered(x, y);
}

function field(): string {
  const r = randomBelow(100);
  if (r == 0) return "";
  if (r == 1) return "\x00\xff";
  return "f" + randomBelow(900).toString();
}

function value(): string {
  const r = randomBelow(100);
  if (r == 0) return "";
  if (r == 1) return "w".repeat(65 + randomBelow(100));
  return "v" + randomBelow(100000).toString();
}

describe("hash", () => {
  it("matches a reference over thousands of random operations, in listpack order while small", () => {
    randomSeed(7);
    const before = rawBytesInUse;
    let listpackSteps = 0;
    let tableSteps = 0;
    for (let round = 0; round < 6; round++) {
      const h = hashNew();
      const ref = new Ref();
      // Rounds 0-2 stay small with short values (listpack throughout); later rounds grow into a table.
      const small = round < 3;
      // Expectations are costly in as-pect: mismatches are noted (the first step) and checked once.
      let firstBad = -1;
      for (let step = 0; step < 3000; step++) {
        const op = randomBelow(10);
        const f = small ? "f" + randomBelow(60).toString() : field();
        if (op < 5) {
          const v = small ? "v" + randomBelow(1000).toString() : value();
          if (set(h, f, v) != !ref.map.has(f)) firstBad = firstBad < 0 ? step : firstBad;
          ref.set(f, v);
        } else if (op < 8) {
          if (del(h, f) != ref.map.has(f)) firstBad = firstBad < 0 ? step : firstBad;
          ref.del(f);
        } else {
          const got = get(h, f);
          const want: string | null = ref.map.has(f) ? ref.map.get(f) : null;
          if (got != want) firstBad = firstBad < 0 ? step : firstBad;
        }
        if (hashLen(h) != <u32>ref.map.size) firstBad = firstBad < 0 ? step : firstBad;
        if (hashForm(h) == FORM_LISTPACK) {
          listpackSteps++;
          if (!sameOrdered(pairs(h), ref.pairs())) { expect(step).toBe(-1); break; }
        } else {
          // A table's content is compared every 100 steps (sorting it every step is slow).
          tableSteps++;
          if (step % 100 == 0 && !sameUnordered(pairs(h), ref.pairs())) { expect(step).toBe(-1); break; }
        }
      }
      expect(firstBad).toBe(-1);
      if (small) expect(hashForm(h)).toBe(FORM_LISTPACK);
      hashFree(h);
    }
    expect(listpackSteps > 5000).toBe(true);
    expect(tableSteps > 5000).toBe(true);
    expect(rawBytesInUse).toBe(before);
  });

  it("turns into a table at entry LISTPACK_MAX_ENTRIES + 1, and never back", () => {
    const before = rawBytesInUse;
    const h = hashNew();
    for (let i: u32 = 0; i < LISTPACK_MAX_ENTRIES; i++) set(h, "f" + i.toString(), "v");
    expect(hashForm(h)).toBe(FORM_LISTPACK);
    set(h, "f0", "changed");
    expect(hashForm(h)).toBe(FORM_LISTPACK);
    set(h, "one-more", "v");
    expect(hashForm(h)).toBe(FORM_TABLE);
    for (let i: u32 = 0; i < LISTPACK_MAX_ENTRIES; i++) del(h, "f" + i.toString());
    expect(hashLen(h)).toBe(1);
    expect(hashForm(h)).toBe(FORM_TABLE);
    expect(get(h, "one-more")).toBe("v");
    hashFree(h);
    expect(rawBytesInUse).toBe(before);
  });

  it("turns into a table for a field or value longer than LISTPACK_MAX_VALUE bytes", () => {
    const before = rawBytesInUse;
    const at = "x".repeat(<i32>LISTPACK_MAX_VALUE);
    const over = "x".repeat(<i32>LISTPACK_MAX_VALUE + 1);
    const a = hashNew();
    set(a, at, at);
    expect(hashForm(a)).toBe(FORM_LISTPACK);
    set(a, "b", over);
    expect(hashForm(a)).toBe(FORM_TABLE);
    expect(get(a, at)).toBe(at);
    expect(get(a, "b")).toBe(over);
    const b = hashNew();
    set(b, over, "v");
    expect(hashForm(b)).toBe(FORM_TABLE);
    const c = hashNew();
    set(c, "k", "v");
    hashConvertFor(c, LISTPACK_MAX_VALUE);
    expect(hashForm(c)).toBe(FORM_LISTPACK);
    hashConvertFor(c, LISTPACK_MAX_VALUE + 1);
    expect(hashForm(c)).toBe(FORM_TABLE);
    expect(get(c, "k")).toBe("v");
    hashFree(a); hashFree(b); hashFree(c);
    expect(rawBytesInUse).toBe(before);
  });

  it("scans every field present for the whole scan while the table grows, shrinks and rehashes", () => {
    randomSeed(11);
    const before = rawBytesInUse;
    for (let round = 0; round < 4; round++) {
      const h = hashNew();
      const stable = new Set<string>();
      // Odd rounds start small so that deleting the churn leaves the table under 10% full: it shrinks.
      const base = round % 2 == 0 ? 2000 : 600;
      for (let i = 0; i < base; i++) { set(h, "s" + i.toString(), "v"); stable.add("s" + i.toString()); }
      let churn = 0;
      const seen = new Set<string>();
      const out = new Array<usize>();
      let cursor: u64 = 0;
      let steps = 0;
      do {
        out.length = 0;
        cursor = hashScan(h, cursor, out);
        for (let i = 0; i < out.length; i++) {
          hashLoad(h, out[i]);
          seen.add(str(fieldPtr, fieldLen));
        }
        // Churn between steps: rounds 0 and 2 grow the table (resizes up, rehashing under the cursor),
        // rounds 1 and 3 grow it then delete all that was added (shrinks).
        const adds = round % 2 == 0 ? (steps < 60 ? 40 : 0) : (steps < 20 ? 400 : 0);
        for (let k = 0; k < adds; k++) set(h, "c" + (churn++).toString(), "v");
        if (round % 2 == 1 && steps >= 20) for (let k = 0; k < 300 && churn > 0; k++) del(h, "c" + (--churn).toString());
        steps++;
      } while (cursor != 0 && steps < 100000);
      expect(cursor).toBe(0);
      expect(hashForm(h)).toBe(FORM_TABLE);
      const all = stable.values();
      let missing = 0;
      for (let i = 0; i < all.length; i++) if (!seen.has(all[i])) missing++;
      expect(missing).toBe(0);
      hashFree(h);
    }
    expect(rawBytesInUse).toBe(before);
  });

  it("collects and picks only live pairs; random picks reach every field", () => {
    randomSeed(3);
    const before = rawBytesInUse;
    for (let n = 1; n < 1200; n += 599) {
      const h = hashNew();
      for (let i = 0; i < n; i++) set(h, "f" + i.toString(), "v" + i.toString());
      const out = new Array<usize>();
      hashCollect(h, out);
      expect(out.length).toBe(n);
      const hit = new Set<string>();
      let wrongValue = 0;
      for (let k = 0; k < n * 20; k++) {
        hashRandom(h);
        const f = str(fieldPtr, fieldLen);
        if (str(valPtr, valLen) != "v" + f.substring(1)) wrongValue++;
        hit.add(f);
      }
      expect(wrongValue).toBe(0);
      expect(hit.size).toBe(n);
      hashFree(h);
    }
    expect(rawBytesInUse).toBe(before);
  });

  it("encodes and decodes a hash in either form, keeping the form and the listpack's order", () => {
    const before = rawBytesInUse;
    for (let size = 1; size < 1500; size += 211) {
      const h = hashNew();
      for (let i = size - 1; i >= 0; i--) set(h, "k" + i.toString() + (i % 7 == 0 ? "\x00\r\n" : ""), "v" + i.toString());
      const out = new ByteBuf();
      hashEncode(h, out);
      const copy = hashDecode(out.ptr, out.len);
      expect(hashForm(copy)).toBe(hashForm(h));
      expect(hashLen(copy)).toBe(hashLen(h));
      if (hashForm(h) == FORM_LISTPACK) expect(sameOrdered(pairs(copy), pairs(h))).toBe(true);
      else expect(sameUnordered(pairs(copy), pairs(h))).toBe(true);
      out.release();
      hashFree(copy);
      hashFree(h);
    }
    // A small table stays a table.
    const t = hashNew();
    set(t, "a", "x".repeat(100));
    del(t, "a");
    set(t, "b", "1");
    expect(hashForm(t)).toBe(FORM_TABLE);
    const out = new ByteBuf();
    hashEncode(t, out);
    const copy = hashDecode(out.ptr, out.len);
    expect(hashForm(copy)).toBe(FORM_TABLE);
    expect(get(copy, "b")).toBe("1");
    out.release();
    hashFree(copy);
    hashFree(t);
    expect(rawBytesInUse).toBe(before);
  });

  it("holds a million fields with O(1) sets, gets and deletes", () => {
    const before = rawBytesInUse;
    const h = hashNew();
    const N: u32 = 1000000;
    for (let i: u32 = 0; i < N; i++) {
      const fl = numbered(i);
      hashSet(h, FBUF, fl, FBUF, fl);
    }
    expect(hashLen(h)).toBe(N);
    let ok = 0;
    for (let i: u32 = 0; i < N; i += 97) {
      const fl = numbered(i);
      if (hashGet(h, FBUF, fl) && valLen == fl && memory.compare(valPtr, FBUF, fl) == 0) ok++;
    }
    expect(ok).toBe(<i32>((N + 96) / 97));
    for (let i: u32 = 0; i < N; i += 2) hashDelete(h, FBUF, numbered(i));
    expect(hashLen(h)).toBe(N / 2);
    expect(hashGet(h, FBUF, numbered(2))).toBe(false);
    expect(hashGet(h, FBUF, numbered(3))).toBe(true);
    hashFree(h);
    expect(rawBytesInUse).toBe(before);
  });
});
