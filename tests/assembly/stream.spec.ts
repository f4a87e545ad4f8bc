// The stream structures (store/stream*.ts) against plain references: the entry index against a sorted
// array of IDs over thousands of random appends, range reads both ways, XDELs and trims (exact and
// approximate, MAXLEN and MINID, with LIMIT), every entry and many random ranges compared after every
// step; the entry contents against a reference model (field sets equal to a node's first entry's or
// not, empty and 20 000-byte values, binary bytes) through appends, XDEL, trims, range reads both ways
// from random points and encode/decode round trips; the PEL against a sorted array; group and consumer name order; the ID grammar's edges; the
// encoding that moves a stream between shards (groups, consumers and PELs included); and memory coming
// back to the byte when a stream is freed.
import {
  streamNew, streamFree, streamAppend, streamLength, streamDelete, streamTrim, streamIndex, streamGroups,
  streamEncode, streamDecode, streamNodeCount, streamFirstMs, streamFirstSeq, streamEntriesAdded,
  streamMaxDelMs, streamMaxDelSeq, streamLastMs, streamLastSeq, TRIM_MAXLEN, TRIM_MINID,
} from "../../assembly/store/stream";
import {
  idxSeekFirst, idxSeekLast, idxNext, idxPrev, idxFind, idxFieldsBegin, curMs, curSeq, curNfields,
  NODE_MAX_ENTRIES,
} from "../../assembly/store/stream-index";
import { fieldNext, fieldPtr, fieldLen } from "../../assembly/store/stream-record";
import { pelNew, pelFree, pelInsert, pelRemove, pelCount, pelMs, pelSeq, pelValue, pelLowerBound } from "../../assembly/store/stream-pel";
import {
  groupCreate, groupLookup, groupDestroy, namesCount, namesAt, itemName, itemNameLen, consumerCreate,
  consumerDelete, consumerPel, groupPel, groupConsumers, nackNew, nackConsumer, nackCount, nackSetCount,
} from "../../assembly/store/stream-groups";
import { idParse, idMs, idSeq, idSeqGiven, idIncr, idDecr, idFormat, idCompare, ID_MAX } from "../../assembly/store/stream-id";
import { randomSeed, randomBelow, randomU32 } from "../../assembly/util/random";
import { rawBytesInUse, ByteBuf } from "../../assembly/util/mem";

const BUF = memory.data(4096);

/** Encodes one field/value pair whose value is the entry's tag, at BUF; returns the byte length. */
function fieldsFor(tag: u32): u32 {
  store<u32>(BUF, 1);
  store<u8>(BUF + 4, 0x66);
  store<u32>(BUF + 5, 4);
  store<u32>(BUF + 9, tag);
  return 13;
}

function tagOfCurrent(): u32 {
  if (curNfields != 2) return 0xffffffff;
  idxFieldsBegin();
  fieldNext();
  fieldNext();
  return fieldLen == 4 ? load<u32>(fieldPtr) : 0xfffffffe;
}

/** The model: live entries in ID order (ID packed as ms * 2^20 + seq, seq < 2^20). */
class Model {
  ids: Array<u64> = new Array<u64>();
}

// @ts-ignore: decorator
@inline function packed(ms: u64, seq: u64): u64 { return (ms << 20) | seq; }

function sameAs(s: usize, m: Model): bool {
  if (streamLength(s) != <u64>m.ids.length) return false;
  let i = 0;
  let ok = idxSeekFirst(streamIndex(s), 0, 0);
  while (ok) {
    if (i >= m.ids.length || packed(curMs, curSeq) != m.ids[i]) return false;
    if (tagOfCurrent() != <u32>(m.ids[i] & 0xffffffff)) return false;
    i++;
    ok = idxNext();
  }
  if (i != m.ids.length) return false;
  i = m.ids.length - 1;
  ok = idxSeekLast(streamIndex(s), ID_MAX, ID_MAX);
  while (ok) {
    if (i < 0 || packed(curMs, curSeq) != m.ids[i]) return false;
    i--;
    ok = idxPrev();
  }
  if (i != -1) return false;
  if (m.ids.length > 0 && packed(streamFirstMs(s), streamFirstSeq(s)) != m.ids[0]) return false;
  return true;
}

/** A random range [a, b] read forwards and backwards matches the model's slice. */
function rangeMatches(s: usize, m: Model, a: u64, b: u64): bool {
  const want = new Array<u64>();
  for (let i = 0; i < m.ids.length; i++) if (m.ids[i] >= a && m.ids[i] <= b) want.push(m.ids[i]);
  let k = 0;
  let ok = idxSeekFirst(streamIndex(s), a >> 20, a & 0xfffff);
  while (ok && packed(curMs, curSeq) <= b) {
    if (k >= want.length || want[k] != packed(curMs, curSeq)) return false;
    k++;
    ok = idxNext();
  }
  if (k != want.length) return false;
  k = want.length - 1;
  ok = idxSeekLast(streamIndex(s), b >> 20, b & 0xfffff);
  while (ok && packed(curMs, curSeq) >= a) {
    if (k < 0 || want[k] != packed(curMs, curSeq)) return false;
    k--;
    ok = idxPrev();
  }
  return k == -1;
}

describe("stream index", () => {
  it("matches a sorted array over thousands of random adds, ranges, deletes and trims", () => {
    randomSeed(7);
    const before = rawBytesInUse;
    const s = streamNew();
    const m = new Model();
    let ms: u64 = 1;
    let seq: u64 = 0;
    let trims = 0;
    let approxRemoved = 0;
    let maxNodes: u32 = 0;
    for (let step = 0; step < 2500; step++) {
      const op = randomBelow(100);
      if (op < 55) {
        // add a burst of entries with growing IDs (the same ms or a jump)
        const burst: u32 = 1 + randomBelow(20);
        for (let b: u32 = 0; b < burst; b++) {
          if (randomBelow(3) == 0) { ms += 1 + randomBelow(5); seq = 0; } else seq++;
          const p = packed(ms, seq);
          streamAppend(s, ms, seq, 2, BUF, fieldsFor(<u32>(p & 0xffffffff)));
          m.ids.push(p);
        }
      } else if (op < 75) {
        // delete a few IDs: live ones, and ones never there
        const k: u32 = 1 + randomBelow(8);
        for (let j: u32 = 0; j < k && m.ids.length > 0; j++) {
          const i = randomBelow(<u32>m.ids.length);
          const p = m.ids[i];
          const gone = randomBelow(4) == 0 ? p + 0x80000 : p;
          const deleted = streamDelete(s, gone >> 20, gone & 0xfffff);
          if (deleted != (gone == p)) { expect(step).toBe(-3); return; }
          if (deleted) m.ids.splice(i, 1);
        }
      } else if (op < 85) {
        // exact trims: MAXLEN or MINID
        if (randomBelow(2) == 0) {
          const keep = randomBelow(<u32>m.ids.length + 10);
          const removed = streamTrim(s, TRIM_MAXLEN, keep, 0, 0, false, 0);
          const want = m.ids.length > <i32>keep ? m.ids.length - keep : 0;
          expect(removed).toBe(<i64>want);
          m.ids.splice(0, want);
        } else if (m.ids.length > 0) {
          const pivot = m.ids[randomBelow(<u32>m.ids.length)];
          const removed = streamTrim(s, TRIM_MINID, 0, pivot >> 20, pivot & 0xfffff, false, 0);
          let want = 0;
          while (want < m.ids.length && m.ids[want] < pivot) want++;
          expect(removed).toBe(<i64>want);
          m.ids.splice(0, want);
        }
        trims++;
      } else if (op < 90) {
        // approximate trims remove whole nodes from the front only, within LIMIT
        const keep = randomBelow(<u32>m.ids.length + 1);
        const limit: i64 = randomBelow(2) == 0 ? 0 : <i64>randomBelow(300);
        const removed = streamTrim(s, TRIM_MAXLEN, keep, 0, 0, true, limit);
        if (limit != 0 && removed > limit) { expect(step).toBe(-4); return; }
        if (<i64>m.ids.length - removed < <i64>keep) { expect(step).toBe(-5); return; }
        m.ids.splice(0, <i32>removed);
        approxRemoved += <i32>removed;
      } else {
        // random ranges
        for (let r = 0; r < 4; r++) {
          let a: u64 = packed(<u64>randomBelow(<u32>ms + 2), <u64>randomBelow(30));
          let b: u64 = packed(<u64>randomBelow(<u32>ms + 2), <u64>randomBelow(30));
          if (a > b) { const t = a; a = b; b = t; }
          if (!rangeMatches(s, m, a, b)) { expect(step).toBe(-2); return; }
        }
      }
      if (streamNodeCount(s) > maxNodes) maxNodes = streamNodeCount(s);
      if (!sameAs(s, m)) { expect(step).toBe(-1); break; }
      if (m.ids.length > 1200) {
        const removed = streamTrim(s, TRIM_MAXLEN, 200, 0, 0, false, 0);
        m.ids.splice(0, <i32>removed);
      }
    }
    expect(trims).toBeGreaterThan(100);
    expect(approxRemoved).toBeGreaterThan(0);
    expect(maxNodes).toBeGreaterThan(3);
    streamFree(s);
    expect(rawBytesInUse).toBe(before);
  });

  it("splits nodes at 100 records and keeps the counters of Redis 7.0", () => {
    const s = streamNew();
    for (let i: u64 = 1; i <= 250; i++) streamAppend(s, i, 0, 2, BUF, fieldsFor(<u32>i));
    expect(streamNodeCount(s)).toBe(3);
    expect(NODE_MAX_ENTRIES).toBe(100);
    expect(streamDelete(s, 5, 0)).toBe(true);
    expect(streamDelete(s, 5, 0)).toBe(false);
    expect(streamMaxDelMs(s)).toBe(5);
    expect(streamDelete(s, 1, 0)).toBe(true);
    expect(streamFirstMs(s)).toBe(2);
    expect(streamEntriesAdded(s)).toBe(250);
    expect(streamLastMs(s)).toBe(250);
    // An approximate trim stops at a node it cannot drop whole.
    expect(streamTrim(s, TRIM_MAXLEN, 200, 0, 0, true, 0)).toBe(0);
    expect(streamTrim(s, TRIM_MAXLEN, 100, 0, 0, true, 0)).toBe(98);
    expect(streamLength(s)).toBe(150);
    // Trimming is not deleting: max-deleted-entry-id stays.
    expect(streamMaxDelMs(s)).toBe(5);
    expect(idxFind(streamIndex(s), 101, 0)).toBe(true);
    expect(idxFind(streamIndex(s), 100, 0)).toBe(false);
    streamFree(s);
  });
});

// ---- entry contents against a reference model ----

/** The reference entries: IDs and the fields as XADD hands them over (nfields × [len u32][bytes]). */
class ContentModel {
  ms: Array<u64> = new Array<u64>();
  seq: Array<u64> = new Array<u64>();
  nfields: Array<u32> = new Array<u32>();
  fields: Array<ArrayBuffer> = new Array<ArrayBuffer>();

  push(ms: u64, seq: u64, nfields: u32, fields: ArrayBuffer): void {
    this.ms.push(ms); this.seq.push(seq); this.nfields.push(nfields); this.fields.push(fields);
  }
  removeAt(i: i32): void {
    this.ms.splice(i, 1); this.seq.splice(i, 1); this.nfields.splice(i, 1); this.fields.splice(i, 1);
  }
  removeFront(n: i32): void {
    this.ms.splice(0, n); this.seq.splice(0, n); this.nfields.splice(0, n); this.fields.splice(0, n);
  }
  /** The first index whose ID is ≥ (ms, seq). */
  lowerBound(ms: u64, seq: u64): i32 {
    let i = 0;
    while (i < this.ms.length && idCompare(this.ms[i], this.seq[i], ms, seq) < 0) i++;
    return i;
  }
}

const NAMES: string[] = ["f", "name", "age", "", "\x00bin\xff", "city"];
const scratch = new ByteBuf();

function putItem(bytes: usize, n: u32): void {
  scratch.reserve(4 + n);
  store<u32>(scratch.ptr + scratch.len, n);
  memory.copy(scratch.ptr + scratch.len + 4, bytes, n);
  scratch.len += 4 + n;
}

function putName(name: string): void {
  const at = BUF + 2048;
  for (let i = 0; i < name.length; i++) store<u8>(at + <usize>i, <u8>name.charCodeAt(i));
  putItem(at, <u32>name.length);
}

/** A value of 0 to 20 000 bytes: mostly short, sometimes an integer's text, any byte. */
function putValue(): void {
  const pick = randomBelow(100);
  let n: u32 = pick < 60 ? randomBelow(16) : pick < 85 ? randomBelow(300) : pick < 97 ? randomBelow(5000) : randomBelow(20001);
  if (pick % 7 == 0) n = 0;
  scratch.reserve(4 + n);
  const at = scratch.ptr + scratch.len + 4;
  if (pick % 5 == 1 && n > 0 && n < 10) {
    for (let i: u32 = 0; i < n; i++) store<u8>(at + i, <u8>(0x31 + randomBelow(9)));
  } else {
    for (let i: u32 = 0; i < n; i++) store<u8>(at + i, <u8>randomBelow(256));
  }
  store<u32>(scratch.ptr + scratch.len, n);
  scratch.len += 4 + n;
}

/** Random fields into `scratch`: mostly one `f` field (a node's master), else other names and counts. */
function randomFields(): u32 {
  scratch.len = 0;
  const shape = randomBelow(10);
  let pairs: u32 = 1;
  if (shape < 6) {
    putName("f"); putValue();
  } else if (shape < 8) {
    putName("name"); putValue(); putName("age"); putValue();
    pairs = 2;
  } else {
    pairs = randomBelow(5);
    if (pairs == 0) pairs = 1;
    for (let i: u32 = 0; i < pairs; i++) { putName(NAMES[randomBelow(<u32>NAMES.length)]); putValue(); }
  }
  return pairs * 2;
}

function fieldsCopy(): ArrayBuffer {
  const b = new ArrayBuffer(scratch.len);
  memory.copy(changetype<usize>(b), scratch.ptr, scratch.len);
  return b;
}

/** The cursor's entry is model entry `i`: its ID and every field and value, byte for byte. */
function entryIs(m: ContentModel, i: i32): bool {
  if (curMs != m.ms[i] || curSeq != m.seq[i] || curNfields != m.nfields[i]) return false;
  let at = changetype<usize>(m.fields[i]);
  idxFieldsBegin();
  for (let k: u32 = 0; k < curNfields; k++) {
    fieldNext();
    const n = load<u32>(at);
    if (fieldLen != n || memory.compare(fieldPtr, at + 4, n) != 0) return false;
    at += 4 + n;
  }
  return true;
}

/** The whole stream, walked forwards and backwards, is the model. */
function contentsMatch(s: usize, m: ContentModel): bool {
  if (streamLength(s) != <u64>m.ms.length) return false;
  let i = 0;
  let ok = idxSeekFirst(streamIndex(s), 0, 0);
  while (ok) {
    if (i >= m.ms.length || !entryIs(m, i)) return false;
    i++;
    ok = idxNext();
  }
  if (i != m.ms.length) return false;
  i = m.ms.length - 1;
  ok = idxSeekLast(streamIndex(s), ID_MAX, ID_MAX);
  while (ok) {
    if (i < 0 || !entryIs(m, i)) return false;
    i--;
    ok = idxPrev();
  }
  return i == -1;
}

/** Up to `count` entries from a random point, forwards then backwards, are the model's. */
function randomWalkMatches(s: usize, m: ContentModel): bool {
  let ms: u64 = 0;
  let seq: u64 = 0;
  if (m.ms.length > 0) {
    const j = randomBelow(<u32>m.ms.length);
    ms = m.ms[j];
    seq = m.seq[j];
    if (randomBelow(3) == 0) { if (seq > 0) seq--; else seq++; }
  }
  const count = randomBelow(150);
  let i = m.lowerBound(ms, seq);
  let ok = idxSeekFirst(streamIndex(s), ms, seq);
  for (let k: u32 = 0; k < count && ok; k++) {
    if (i >= m.ms.length || !entryIs(m, i)) return false;
    i++;
    ok = idxNext();
  }
  if (ok != (i < m.ms.length) && count > 0) return false;
  // backwards: the last entry ≤ (ms, seq)
  i = m.lowerBound(ms, seq);
  if (i < m.ms.length && m.ms[i] == ms && m.seq[i] == seq) i++;
  i--;
  ok = idxSeekLast(streamIndex(s), ms, seq);
  for (let k: u32 = 0; k < count && ok; k++) {
    if (i < 0 || !entryIs(m, i)) return false;
    i--;
    ok = idxPrev();
  }
  return !(count > 0 && ok != (i >= 0));
}

/** The next ID: mostly a small step, sometimes a jump in ms or seq (deltas of every varint width). */
let nextMs: u64 = 0;
let nextSeq: u64 = 0;
function stepId(): void {
  const r = randomBelow(20);
  if (r < 10) nextSeq++;
  else if (r < 15) { nextMs += 1 + randomBelow(3); nextSeq = randomBelow(3); }
  else if (r < 17) nextSeq += (<u64>randomU32() << randomBelow(24)) + 1;
  else if (r < 19) { nextMs += <u64>randomU32() << randomBelow(20); nextSeq = 0; }
  else { nextMs += 1; nextSeq = <u64>randomU32() << randomBelow(31); }
}

describe("stream entry contents", () => {
  it("match a reference model through adds, deletes, trims, ranges and moves", () => {
    randomSeed(11);
    const before = rawBytesInUse;
    let s = streamNew();
    const m = new ContentModel();
    nextMs = 5;
    nextSeq = 0;
    let decoded = 0;
    let bigValues = 0;
    let mixedNodes = 0;
    for (let step = 0; step < 1500; step++) {
      const op = randomBelow(100);
      if (op < 50) {
        const burst: u32 = 1 + randomBelow(12);
        for (let b: u32 = 0; b < burst; b++) {
          stepId();
          const nfields = randomFields();
          if (scratch.len > 5000) bigValues++;
          if (nfields != 2) mixedNodes++;
          streamAppend(s, nextMs, nextSeq, nfields, scratch.ptr, scratch.len);
          m.push(nextMs, nextSeq, nfields, fieldsCopy());
        }
      } else if (op < 62) {
        const k: u32 = 1 + randomBelow(6);
        for (let j: u32 = 0; j < k && m.ms.length > 0; j++) {
          const i = <i32>randomBelow(<u32>m.ms.length);
          const miss = randomBelow(5) == 0;
          const ms = m.ms[i];
          const seq = miss ? m.seq[i] + 1 : m.seq[i];
          const present = !miss || (i + 1 < m.ms.length && m.ms[i + 1] == ms && m.seq[i + 1] == seq);
          if (streamDelete(s, ms, seq) != present) { expect(step).toBe(-10); return; }
          if (present) m.removeAt(miss ? i + 1 : i);
        }
      } else if (op < 70) {
        if (randomBelow(2) == 0) {
          const keep = randomBelow(<u32>m.ms.length + 5);
          const want = m.ms.length > <i32>keep ? m.ms.length - <i32>keep : 0;
          expect(streamTrim(s, TRIM_MAXLEN, keep, 0, 0, false, 0)).toBe(<i64>want);
          m.removeFront(want);
        } else if (m.ms.length > 0) {
          const j = randomBelow(<u32>m.ms.length);
          const want = m.lowerBound(m.ms[j], m.seq[j]);
          expect(streamTrim(s, TRIM_MINID, 0, m.ms[j], m.seq[j], false, 0)).toBe(<i64>want);
          m.removeFront(want);
        }
      } else if (op < 74) {
        const keep = randomBelow(<u32>m.ms.length + 1);
        const limit: i64 = randomBelow(2) == 0 ? 0 : <i64>randomBelow(250);
        const removed = streamTrim(s, TRIM_MAXLEN, keep, 0, 0, true, limit);
        if (limit != 0 && removed > limit) { expect(step).toBe(-11); return; }
        m.removeFront(<i32>removed);
      } else if (op < 94) {
        for (let r = 0; r < 3; r++) if (!randomWalkMatches(s, m)) { expect(step).toBe(-12); return; }
      } else {
        // a move between shards: encode, decode, carry on with the copy (appends to decoded nodes too)
        const out = new ByteBuf();
        streamEncode(s, out);
        const copy = streamDecode(out.ptr, out.len);
        out.release();
        if (streamNodeCount(copy) != streamNodeCount(s)) { expect(step).toBe(-13); return; }
        if (randomBelow(2) == 0) { streamFree(s); s = copy; } else streamFree(copy);
        decoded++;
      }
      if (!contentsMatch(s, m)) { expect(step).toBe(-14); return; }
      if (m.ms.length > 700) {
        const removed = streamTrim(s, TRIM_MAXLEN, 150, 0, 0, false, 0);
        m.removeFront(<i32>removed);
      }
    }
    expect(decoded).toBeGreaterThan(30);
    expect(bigValues).toBeGreaterThan(10);
    expect(mixedNodes).toBeGreaterThan(100);
    streamFree(s);
    scratch.release();
    expect(rawBytesInUse).toBe(before);
  });
});

describe("pending entries list", () => {
  it("keeps IDs sorted through random inserts and removals", () => {
    randomSeed(3);
    const before = rawBytesInUse;
    const p = pelNew();
    const ref = new Array<u64>();
    for (let step = 0; step < 5000; step++) {
      const id = <u64>randomBelow(2000);
      if (randomBelow(3) != 0) {
        const added = pelInsert(p, id >> 4, id & 15, <usize>(id + 1));
        expect(added).toBe(ref.indexOf(id) < 0);
        if (added) { ref.push(id); ref.sort((a: u64, b: u64): i32 => a < b ? -1 : a > b ? 1 : 0); }
      } else {
        const removed = pelRemove(p, id >> 4, id & 15);
        expect(removed).toBe(ref.indexOf(id) >= 0);
        if (removed) ref.splice(ref.indexOf(id), 1);
      }
    }
    expect(pelCount(p)).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) {
      expect((pelMs(p, i) << 4) | pelSeq(p, i)).toBe(ref[i]);
      expect(pelValue(p, i)).toBe(<usize>(ref[i] + 1));
    }
    const at = pelLowerBound(p, 50, 0);
    let want = 0;
    while (want < ref.length && ref[want] < (50 << 4)) want++;
    expect(at).toBe(want);
    pelFree(p);
    expect(rawBytesInUse).toBe(before);
  });
});

function nameAt(t: usize, i: u32): string {
  const item = namesAt(t, i);
  let s = "";
  for (let k: u32 = 0; k < itemNameLen(item); k++) s += String.fromCharCode(load<u8>(itemName(item) + k));
  return s;
}

function put(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + 1024 + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

describe("consumer groups", () => {
  it("list groups and consumers in byte order, shorter first", () => {
    const s = streamNew();
    const t = streamGroups(s);
    const names = ["b", "a", "ab", "", "B", "\xff", "aa"];
    for (let i = 0; i < names.length; i++) expect(groupCreate(t, BUF + 1024, put(names[i]), 0, 0, -1) != 0).toBe(true);
    expect(groupCreate(t, BUF + 1024, put("ab"), 0, 0, -1)).toBe(0);
    const sorted = ["", "B", "a", "aa", "ab", "b", "\xff"];
    for (let i = 0; i < sorted.length; i++) expect(nameAt(t, <u32>i)).toBe(sorted[i]);
    expect(groupDestroy(t, BUF + 1024, put("aa"))).toBe(true);
    expect(groupDestroy(t, BUF + 1024, put("aa"))).toBe(false);
    expect(namesCount(t)).toBe(6);
    streamFree(s);
  });

  it("drop a consumer's NACKs from the group PEL when it is deleted", () => {
    const before = rawBytesInUse;
    const s = streamNew();
    const g = groupCreate(streamGroups(s), BUF + 1024, put("g"), 0, 0, -1);
    const c1 = consumerCreate(g, BUF + 1024, put("c1"), 5);
    const c2 = consumerCreate(g, BUF + 1024, put("c2"), 5);
    expect(consumerCreate(g, BUF + 1024, put("c1"), 5)).toBe(0);
    for (let i: u64 = 1; i <= 10; i++) {
      const owner = i % 2 == 0 ? c1 : c2;
      const nack = nackNew(owner, 100);
      pelInsert(groupPel(g), i, 0, nack);
      pelInsert(consumerPel(owner), i, 0, nack);
    }
    expect(consumerDelete(g, BUF + 1024, put("c1"))).toBe(5);
    expect(consumerDelete(g, BUF + 1024, put("c1"))).toBe(-1);
    expect(pelCount(groupPel(g))).toBe(5);
    for (let i: u32 = 0; i < 5; i++) expect(nackConsumer(pelValue(groupPel(g), i))).toBe(c2);
    expect(namesCount(groupConsumers(g))).toBe(1);
    streamFree(s);
    expect(rawBytesInUse).toBe(before);
  });
});

describe("moving a stream between shards", () => {
  it("encodes and decodes entries, counters, groups, consumers and PELs", () => {
    const before = rawBytesInUse;
    const s = streamNew();
    for (let i: u64 = 1; i <= 150; i++) streamAppend(s, i, i & 3, 2, BUF, fieldsFor(<u32>i));
    streamDelete(s, 7, 3);
    const g = groupCreate(streamGroups(s), BUF + 1024, put("grp"), 20, 0, 20);
    const c = consumerCreate(g, BUF + 1024, put("alice"), 1234);
    for (let i: u64 = 10; i < 20; i++) {
      const nack = nackNew(i == 15 ? 0 : c, 999);
      nackSetCount(nack, i);
      pelInsert(groupPel(g), i, i & 3, nack);
      if (i != 15) pelInsert(consumerPel(c), i, i & 3, nack);
    }
    const out = new ByteBuf();
    streamEncode(s, out);
    const copy = streamDecode(out.ptr, out.len);
    expect(streamLength(copy)).toBe(streamLength(s));
    expect(streamNodeCount(copy)).toBe(streamNodeCount(s));
    expect(streamEntriesAdded(copy)).toBe(150);
    expect(streamMaxDelMs(copy)).toBe(7);
    expect(streamMaxDelSeq(copy)).toBe(3);
    let okA = idxSeekFirst(streamIndex(s), 0, 0);
    const a = new Array<u64>();
    while (okA) { a.push(packed(curMs, curSeq)); okA = idxNext(); }
    let okB = idxSeekFirst(streamIndex(copy), 0, 0);
    let k = 0;
    while (okB) { expect(packed(curMs, curSeq)).toBe(a[k++]); okB = idxNext(); }
    expect(k).toBe(a.length);
    const g2 = groupLookup(streamGroups(copy), BUF + 1024, put("grp"));
    expect(g2 != 0).toBe(true);
    expect(pelCount(groupPel(g2))).toBe(10);
    const cs = groupConsumers(g2);
    expect(namesCount(cs)).toBe(1);
    expect(pelCount(consumerPel(namesAt(cs, 0)))).toBe(9);
    expect(nackCount(pelValue(groupPel(g2), 5))).toBe(15);
    expect(nackConsumer(pelValue(groupPel(g2), 5))).toBe(0);
    out.release();
    streamFree(copy);
    streamFree(s);
    expect(rawBytesInUse).toBe(before);
  });
});

function parse(text: string, strict: bool, star: bool): bool {
  return idParse(BUF + 2048, put2(text), 7, strict, star);
}

function put2(s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(BUF + 2048 + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

describe("stream IDs", () => {
  it("parse like Redis's streamGenericParseIDOrReply", () => {
    expect(parse("5", true, false)).toBe(true); expect(idMs).toBe(5); expect(idSeq).toBe(7);
    expect(parse("5-3", true, false)).toBe(true); expect(idSeq).toBe(3);
    expect(parse("-", true, false)).toBe(false);
    expect(parse("-", false, false)).toBe(true); expect(idMs).toBe(0);
    expect(parse("+", false, false)).toBe(true); expect(idMs).toBe(ID_MAX); expect(idSeq).toBe(ID_MAX);
    expect(parse("5-*", true, true)).toBe(true); expect(idSeqGiven).toBe(false);
    expect(parse("5-*", true, false)).toBe(false);
    expect(parse("18446744073709551615-18446744073709551615", true, false)).toBe(true);
    expect(parse("18446744073709551616", true, false)).toBe(false);
    expect(parse("01-1", true, false)).toBe(true); expect(idMs).toBe(1);
    expect(parse(" 3", true, false)).toBe(true); expect(idMs).toBe(3);
    expect(parse("+3-+4", true, false)).toBe(true); expect(idSeq).toBe(4);
    expect(parse("-1", true, false)).toBe(false);
    expect(parse("1--0", true, false)).toBe(true); expect(idSeq).toBe(0);
    expect(parse("1--1", true, false)).toBe(false);
    expect(parse("1-", true, false)).toBe(false);
    expect(parse("", true, false)).toBe(false);
    expect(parse("1\x00junk", true, false)).toBe(true); expect(idMs).toBe(1);
    expect(parse("x".repeat(128), true, false)).toBe(false);
  });

  it("step and print at the edges", () => {
    expect(idIncr(1, ID_MAX)).toBe(true); expect(idMs).toBe(2); expect(idSeq).toBe(0);
    expect(idIncr(ID_MAX, ID_MAX)).toBe(false);
    expect(idDecr(2, 0)).toBe(true); expect(idMs).toBe(1); expect(idSeq).toBe(ID_MAX);
    expect(idDecr(0, 0)).toBe(false);
    const n = idFormat(BUF + 3000, ID_MAX, 0);
    expect(n).toBe(22);
    expect(load<u8>(BUF + 3000 + 20)).toBe(0x2d);
  });
});
