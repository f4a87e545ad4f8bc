// The sorted set structure (store/zset.ts over store/zset-skiplist.ts) against a plain reference (a
// sorted array of (score, member) pairs, one char per byte): thousands of random inserts, score
// updates, deletes and rank-range deletes, applied to a set born LISTPACK (which turns SKIPLIST past 128
// members or on a long member) and to one born SKIPLIST; after every step both must hold exactly the
// reference, walked forwards and backwards, and random rank, element-at-rank, score-bound and lex-bound
// questions must get the reference's answers. The codec and zsetFitForm round-trip, and memory comes
// back to the byte when the sets are freed.
import {
  zsetNew, zsetFree, zsetLen, zsetForm, zsetScore, foundScore, zsetInsert, zsetUpdate, zsetDelete,
  zsetRank, zsetDeleteRange, zsetCountBelowScore, zsetCountUpToScore, zsetCountBelowLex,
  zsetCountUpToLex, zsetEncode, zsetDecode, zsetFitForm, LexBound, ZIter, FORM_LISTPACK, FORM_SKIPLIST,
  MAX_LISTPACK_ENTRIES,
} from "../../assembly/store/zset";
import { randomSeed, randomBelow } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";

const BUF = memory.data(4096);

function bytesOf(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function stringOf(p: usize, n: u32): string {
  let s = "";
  for (let k: u32 = 0; k < n; k++) s += String.fromCharCode(load<u8>(p + k));
  return s;
}

/** Byte order of two reference strings (memcmp, then the shorter first). */
function cmp(a: string, b: string): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d != 0) return d < 0 ? -1 : 1;
  }
  return a.length == b.length ? 0 : a.length < b.length ? -1 : 1;
}

class Ref {
  members: Array<string> = new Array<string>();
  scores: Array<f64> = new Array<f64>();

  indexOf(m: string): i32 {
    for (let i = 0; i < this.members.length; i++) if (this.members[i] == m) return i;
    return -1;
  }

  remove(i: i32): void { this.members.splice(i, 1); this.scores.splice(i, 1); }

  insert(score: f64, m: string): void {
    let i = 0;
    while (i < this.members.length &&
           (this.scores[i] < score || (this.scores[i] == score && cmp(this.members[i], m) < 0))) i++;
    this.members.push(m);
    this.scores.push(score);
    for (let j = this.members.length - 1; j > i; j--) {
      this.members[j] = this.members[j - 1];
      this.scores[j] = this.scores[j - 1];
    }
    this.members[i] = m;
    this.scores[i] = score;
  }

  countBelow(v: f64, ex: bool): u32 {
    let r: u32 = 0;
    for (let i = 0; i < this.scores.length; i++) if (ex ? this.scores[i] <= v : this.scores[i] < v) r++;
    return r;
  }

  countUpTo(v: f64, ex: bool): u32 {
    let r: u32 = 0;
    for (let i = 0; i < this.scores.length; i++) if (ex ? this.scores[i] < v : this.scores[i] <= v) r++;
    return r;
  }
}

const POOL = new Array<string>();
function makePool(): void {
  for (let i = 0; i < 300; i++) POOL.push("m" + i.toString());
  POOL.push("");
  POOL.push("\x00");
  POOL.push("a\x00b");
  POOL.push("\xff\xfe");
  POOL.push("L".repeat(70));
  POOL.push("K".repeat(65));
}

function member(allowLong: bool): string {
  const r = randomBelow(1000);
  if (allowLong && r < 2) return POOL[POOL.length - 1 - randomBelow(2)];
  return POOL[randomBelow(POOL.length - 2)];
}

const SCORES: f64[] = [0, 1, 2, 2.5, -1, -3.25, 100, 1e300, -1e-300, Infinity, -Infinity, 7];
function score(): f64 {
  if (randomBelow(4) == 0) return <f64>randomBelow(1000) / 8.0;
  return SCORES[randomBelow(SCORES.length)];
}

/** The set holds exactly the reference, walked both ways, and answers rank questions like it. */
function sameAs(z: usize, ref: Ref): bool {
  const n = ref.members.length;
  if (zsetLen(z) != <u32>n) return false;
  const it = new ZIter(z);
  let i = 0;
  for (it.seek(0); it.valid; it.next()) {
    if (it.rank != <u32>i || it.score != ref.scores[i] || stringOf(it.ptr, it.len) != ref.members[i]) return false;
    i++;
  }
  if (i != n) return false;
  if (n > 0) {
    i = n - 1;
    for (it.seek(<u32>(n - 1)); it.valid; it.prev()) {
      if (it.score != ref.scores[i] || stringOf(it.ptr, it.len) != ref.members[i]) return false;
      i--;
    }
    if (i != -1) return false;
  }
  for (let k = 0; k < 3 && n > 0; k++) {
    const r = randomBelow(<u32>n);
    it.seek(r);
    if (stringOf(it.ptr, it.len) != ref.members[r]) return false;
    if (zsetRank(z, BUF, bytesOf(ref.members[r])) != <i64>r) return false;
    if (!zsetScore(z, BUF, bytesOf(ref.members[r])) || foundScore != ref.scores[r]) return false;
  }
  for (let k = 0; k < 3; k++) {
    const v = score();
    const ex = randomBelow(2) == 0;
    if (zsetCountBelowScore(z, v, ex) != ref.countBelow(v, ex)) return false;
    if (zsetCountUpToScore(z, v, ex) != ref.countUpTo(v, ex)) return false;
  }
  return true;
}

function applyBoth(a: usize, b: usize, ref: Ref, step: i32, growing: bool): void {
  const op = randomBelow(20);
  const n = ref.members.length;
  if (op < 9) {
    // insert or update (ZADD)
    const m = member(true);
    const s = score();
    const len = bytesOf(m);
    const at = ref.indexOf(m);
    if (at >= 0) {
      zsetUpdate(a, BUF, len, s);
      zsetUpdate(b, BUF, len, s);
      ref.remove(at);
    } else if (growing || randomBelow(3) == 0) {
      zsetInsert(a, s, BUF, len);
      zsetInsert(b, s, BUF, len);
    } else {
      return;
    }
    // A listpack keeps -0 as 0 (Redis stores the score as text); compare against what it stores.
    ref.insert(s == 0 ? 0.0 : s, m);
  } else if (op < 14) {
    const m = member(false);
    const len = bytesOf(m);
    const at = ref.indexOf(m);
    expect(zsetDelete(a, BUF, len)).toBe(at >= 0);
    expect(zsetDelete(b, BUF, len)).toBe(at >= 0);
    if (at >= 0) ref.remove(at);
  } else if (op < 16) {
    if (n > 0 && !growing) {
      const start = randomBelow(<u32>n);
      const end = start + randomBelow(min<u32>(<u32>n - start, 30));
      expect(zsetDeleteRange(a, start, end)).toBe(end - start + 1);
      expect(zsetDeleteRange(b, start, end)).toBe(end - start + 1);
      for (let k = start; k <= end; k++) ref.remove(<i32>start);
    }
  } else {
    // rank of an absent member
    const m = "absent" + step.toString();
    expect(zsetRank(a, BUF, bytesOf(m))).toBe(-1);
  }
}

describe("zset", () => {
  it("matches a sorted array over thousands of random operations, in both forms", () => {
    makePool();
    randomSeed(7);
    const before = rawBytesInUse;
    let conversions = 0;
    let listpackSteps = 0;
    let steps = 0;
    // Rounds: each grows a fresh pair of sets past the listpack limit and shrinks it back to empty.
    for (let round = 0; round < 4; round++) {
      const a = zsetNew(FORM_LISTPACK);
      const b = zsetNew(FORM_SKIPLIST);
      const ref = new Ref();
      let growing = true;
      for (let step = 0; step < 3000; step++) {
        if (ref.members.length > 200) growing = false;
        if (!growing && ref.members.length == 0) break;
        applyBoth(a, b, ref, step, growing);
        steps++;
        if (zsetForm(a) == FORM_LISTPACK) {
          listpackSteps++;
          expect(zsetLen(a) <= MAX_LISTPACK_ENTRIES).toBe(true);
        }
        if (!sameAs(a, ref) || !sameAs(b, ref)) {
          expect(round * 10000 + step).toBe(-1); // where a set and the reference parted
          break;
        }
      }
      if (zsetForm(a) == FORM_SKIPLIST) conversions++;
      zsetFree(a);
      zsetFree(b);
    }
    expect(steps).toBeGreaterThan(3000);
    expect(conversions).toBe(4);
    expect(listpackSteps).toBeGreaterThan(200);
    expect(rawBytesInUse).toBe(before);
  });

  it("answers lex bounds like the reference when every score is equal", () => {
    randomSeed(11);
    for (let form: u32 = 0; form < 2; form++) {
      const before = rawBytesInUse;
      const z = zsetNew(form);
      const ref = new Ref();
      for (let i = 0; i < 120; i++) {
        const m = member(false);
        if (ref.indexOf(m) >= 0) continue;
        zsetInsert(z, 0, BUF, bytesOf(m));
        ref.insert(0, m);
      }
      const lo = new LexBound();
      for (let k = 0; k < 500; k++) {
        const kind = <i32>randomBelow(8) - 1; // mostly bytes; sometimes "-" or "+"
        lo.kind = kind > 1 ? 0 : kind;
        const probe = randomBelow(2) == 0 ? ref.members[randomBelow(ref.members.length)] : member(false) + "x";
        lo.len = bytesOf(probe);
        lo.ptr = BUF;
        lo.ex = randomBelow(2) == 0;
        let below: u32 = 0;
        let upTo: u32 = 0;
        for (let i = 0; i < ref.members.length; i++) {
          const c = lo.kind < 0 ? 1 : lo.kind > 0 ? -1 : cmp(ref.members[i], probe);
          if (lo.ex ? c <= 0 : c < 0) below++;
          if (lo.ex ? c < 0 : c <= 0) upTo++;
        }
        expect(zsetCountBelowLex(z, lo)).toBe(below);
        expect(zsetCountUpToLex(z, lo)).toBe(upTo);
      }
      zsetFree(z);
      expect(rawBytesInUse).toBe(before);
    }
  });

  it("encodes and decodes a set in its form, and fits a small computed set to listpack", () => {
    for (let size = 0; size < 300; size += 23) {
      const before = rawBytesInUse;
      const z = zsetNew(size > 128 ? FORM_SKIPLIST : FORM_LISTPACK);
      for (let i = 0; i < size; i++) {
        const m = "e" + i.toString() + (i % 7 == 0 ? "\x00\r\n" : "");
        zsetInsert(z, <f64>(i % 5), BUF, bytesOf(m));
      }
      const out = new ByteBuf();
      zsetEncode(z, out);
      const copy = zsetDecode(out.ptr, out.len);
      expect(zsetForm(copy)).toBe(zsetForm(z));
      expect(zsetLen(copy)).toBe(zsetLen(z));
      const x = new ZIter(z);
      const y = new ZIter(copy);
      for (x.seek(0), y.seek(0); x.valid; x.next(), y.next()) {
        expect(y.valid).toBe(true);
        expect(y.score).toBe(x.score);
        expect(stringOf(y.ptr, y.len)).toBe(stringOf(x.ptr, x.len));
      }
      out.release();
      zsetFree(copy);
      // A SKIPLIST set of at most 128 short members is rebuilt as LISTPACK, others stay.
      const big = zsetNew(FORM_SKIPLIST);
      for (let i = 0; i < size; i++) zsetInsert(big, <f64>i, BUF, bytesOf("f" + i.toString()));
      const fitted = zsetFitForm(big);
      expect(zsetForm(fitted)).toBe(size <= 128 ? FORM_LISTPACK : FORM_SKIPLIST);
      expect(zsetLen(fitted)).toBe(<u32>size);
      zsetFree(fitted);
      zsetFree(z);
      expect(rawBytesInUse).toBe(before);
    }
  });

  it("keeps O(log n) ranks for 200000 members", () => {
    const before = rawBytesInUse;
    const z = zsetNew(FORM_SKIPLIST);
    for (let i = 0; i < 200000; i++) zsetInsert(z, <f64>((i * 7919) % 200000), BUF, bytesOf("k" + i.toString()));
    expect(zsetLen(z)).toBe(200000);
    const it = new ZIter(z);
    it.seek(123456);
    expect(it.score).toBe(123456);
    expect(zsetRank(z, it.ptr, it.len)).toBe(123456);
    expect(zsetCountBelowScore(z, 1000, false)).toBe(1000);
    expect(zsetCountUpToScore(z, 1000, true)).toBe(1000);
    expect(zsetDeleteRange(z, 10, 199989)).toBe(199980);
    expect(zsetLen(z)).toBe(20);
    zsetFree(z);
    expect(rawBytesInUse).toBe(before);
  });
});
