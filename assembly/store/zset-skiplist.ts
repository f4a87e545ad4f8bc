// The large form of a sorted set ("skiplist" in OBJECT ENCODING): Redis's span-annotated skip list
// ordered by (score, member), plus a hash table from member to node, in raw memory. The commands never
// see it; store/zset.ts chooses the form and offers one API over both.
//
// Why both structures: the skip list answers order questions in O(log n) — a member's rank, the element
// at a rank, where a score or lex bound falls (each level's `span` counts the level-0 steps a forward
// link jumps, so a descent adds spans up to a rank) — and the hash table answers "is this a member,
// and with what score" in O(1). Every node is in both; they are changed together, only here.
//
// A node is one raw block, its member inline:
//   0 score f64   8 backward u32   12 hnext u32 (hash chain)   16 mlen u32   20 levels u32
//   24 [forward u32, span u32] × levels   then the member's bytes
// The skip list header (a raw block, its address is the handle):
//   0 level u32   4 length u32   8 tail u32   12 head node u32   16 buckets u32   20 bucket count u32
// Invariant: `length` nodes are linked at level 0 in (score, member) order and each is in exactly one
// hash chain; the head node has MAX_LEVEL levels and no member.
import { rawAlloc, rawFree } from "../util/mem";
import { compareBytes, bytesEqual } from "../util/bytes";
import { hashBytes } from "../util/hash";
import { randomU32 } from "../util/random";

export const MAX_LEVEL: u32 = 32;
const LEVELS_AT: usize = 24;
const MIN_BUCKETS: u32 = 16;
const HASH_SEED: u32 = 0x5a5e7;

// ---- node fields ----

// @ts-ignore: decorator
@inline export function nodeScore(n: usize): f64 { return load<f64>(n); }
// @ts-ignore: decorator
@inline function setNodeScore(n: usize, s: f64): void { store<f64>(n, s); }
// @ts-ignore: decorator
@inline export function nodeBackward(n: usize): usize { return <usize>load<u32>(n, 8); }
// @ts-ignore: decorator
@inline function setBackward(n: usize, b: usize): void { store<u32>(n, <u32>b, 8); }
// @ts-ignore: decorator
@inline function hnext(n: usize): usize { return <usize>load<u32>(n, 12); }
// @ts-ignore: decorator
@inline function setHnext(n: usize, v: usize): void { store<u32>(n, <u32>v, 12); }
// @ts-ignore: decorator
@inline export function nodeMemberLen(n: usize): u32 { return load<u32>(n, 16); }
// @ts-ignore: decorator
@inline function nodeLevels(n: usize): u32 { return load<u32>(n, 20); }
// @ts-ignore: decorator
@inline export function nodeMember(n: usize): usize { return n + LEVELS_AT + (<usize>nodeLevels(n) << 3); }
// @ts-ignore: decorator
@inline function fwd(n: usize, i: u32): usize { return <usize>load<u32>(n + LEVELS_AT + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setFwd(n: usize, i: u32, v: usize): void { store<u32>(n + LEVELS_AT + (<usize>i << 3), <u32>v); }
// @ts-ignore: decorator
@inline function span(n: usize, i: u32): u32 { return load<u32>(n + LEVELS_AT + (<usize>i << 3), 4); }
// @ts-ignore: decorator
@inline function setSpan(n: usize, i: u32, v: u32): void { store<u32>(n + LEVELS_AT + (<usize>i << 3), v, 4); }
/** The next node in order (0 at the end). */
// @ts-ignore: decorator
@inline export function nodeNext(n: usize): usize { return fwd(n, 0); }

// ---- header fields ----

// @ts-ignore: decorator
@inline function slLevel(sl: usize): u32 { return load<u32>(sl); }
// @ts-ignore: decorator
@inline export function slLength(sl: usize): u32 { return load<u32>(sl, 4); }
// @ts-ignore: decorator
@inline export function slTail(sl: usize): usize { return <usize>load<u32>(sl, 8); }
// @ts-ignore: decorator
@inline function slHead(sl: usize): usize { return <usize>load<u32>(sl, 12); }
// @ts-ignore: decorator
@inline function buckets(sl: usize): usize { return <usize>load<u32>(sl, 16); }
// @ts-ignore: decorator
@inline export function slBucketCount(sl: usize): u32 { return load<u32>(sl, 20); }
/** The first node in order (0 when empty). */
// @ts-ignore: decorator
@inline export function slFirst(sl: usize): usize { return fwd(slHead(sl), 0); }

function nodeNew(levels: u32, score: f64, p: usize, n: u32): usize {
  const node = rawAlloc(LEVELS_AT + (<usize>levels << 3) + max<u32>(n, 1));
  setNodeScore(node, score);
  setBackward(node, 0);
  setHnext(node, 0);
  store<u32>(node, n, 16);
  store<u32>(node, levels, 20);
  for (let i: u32 = 0; i < levels; i++) { setFwd(node, i, 0); setSpan(node, i, 0); }
  memory.copy(nodeMember(node), p, n);
  return node;
}

function allocBuckets(count: u32): usize {
  const b = rawAlloc(<usize>count << 2);
  memory.fill(b, 0, <usize>count << 2);
  return b;
}

export function slNew(): usize {
  const sl = rawAlloc(24);
  store<u32>(sl, 1);
  store<u32>(sl, 0, 4);
  store<u32>(sl, 0, 8);
  store<u32>(sl, <u32>nodeNew(MAX_LEVEL, 0, 0, 0), 12);
  store<u32>(sl, <u32>allocBuckets(MIN_BUCKETS), 16);
  store<u32>(sl, MIN_BUCKETS, 20);
  return sl;
}

export function slFree(sl: usize): void {
  let n = slFirst(sl);
  while (n != 0) {
    const next = fwd(n, 0);
    rawFree(n);
    n = next;
  }
  rawFree(slHead(sl));
  rawFree(buckets(sl));
  rawFree(sl);
}

/** Redis's zslRandomLevel: each level with probability 1/4, at most MAX_LEVEL. */
function randomLevel(): u32 {
  let level: u32 = 1;
  while ((randomU32() & 0xffff) < 0x3fff && level < MAX_LEVEL) level++;
  return level;
}

// ---- the member hash ----

// @ts-ignore: decorator
@inline function bucketAddr(sl: usize, h: u32): usize {
  return buckets(sl) + (<usize>(h & (slBucketCount(sl) - 1)) << 2);
}

function hashOf(p: usize, n: u32): u32 { return hashBytes(p, n, HASH_SEED); }

/** The node of member `p[0..n)`, or 0. */
export function slFind(sl: usize, p: usize, n: u32): usize {
  let node = <usize>load<u32>(bucketAddr(sl, hashOf(p, n)));
  while (node != 0) {
    if (bytesEqual(nodeMember(node), nodeMemberLen(node), p, n)) return node;
    node = hnext(node);
  }
  return 0;
}

function hashAdd(sl: usize, node: usize): void {
  const at = bucketAddr(sl, hashOf(nodeMember(node), nodeMemberLen(node)));
  setHnext(node, <usize>load<u32>(at));
  store<u32>(at, <u32>node);
}

function hashRemove(sl: usize, node: usize): void {
  let at = bucketAddr(sl, hashOf(nodeMember(node), nodeMemberLen(node)));
  let cur = <usize>load<u32>(at);
  while (cur != node) {
    at = cur + 12;
    cur = hnext(cur);
  }
  store<u32>(at, <u32>hnext(node));
}

/** Re-buckets every node into `count` buckets (a power of two). */
function rehash(sl: usize, count: u32): void {
  rawFree(buckets(sl));
  store<u32>(sl, <u32>allocBuckets(count), 16);
  store<u32>(sl, count, 20);
  for (let n = slFirst(sl); n != 0; n = fwd(n, 0)) hashAdd(sl, n);
}

function hashGrowIfNeeded(sl: usize): void {
  const count = slBucketCount(sl);
  if (slLength(sl) > count) rehash(sl, count << 1);
}

/** Below an eighth full, the table shrinks to twice the members in one step (a range delete may drop most). */
function hashShrinkIfNeeded(sl: usize): void {
  const count = slBucketCount(sl);
  const n = slLength(sl);
  if (count <= MIN_BUCKETS || n >= count >> 3) return;
  let target = MIN_BUCKETS;
  while (target < n * 2) target <<= 1;
  rehash(sl, target);
}

// ---- order ----

/** (score, member) of node `n` sorts before (s, p[0..len)). */
// @ts-ignore: decorator
@inline function before(n: usize, s: f64, p: usize, len: u32): bool {
  const ns = nodeScore(n);
  return ns < s || (ns == s && compareBytes(nodeMember(n), nodeMemberLen(n), p, len) < 0);
}

const update = new StaticArray<usize>(<i32>MAX_LEVEL);
const rankAt = new StaticArray<u32>(<i32>MAX_LEVEL);

/** Adds a member the caller knows is absent; returns its node. (zslInsert, then the hash.) */
export function slInsert(sl: usize, score: f64, p: usize, n: u32): usize {
  let x = slHead(sl);
  const top = slLevel(sl);
  for (let i = <i32>top - 1; i >= 0; i--) {
    rankAt[i] = i == <i32>top - 1 ? 0 : rankAt[i + 1];
    while (fwd(x, i) != 0 && before(fwd(x, i), score, p, n)) {
      rankAt[i] += span(x, i);
      x = fwd(x, i);
    }
    update[i] = x;
  }
  const level = randomLevel();
  const head = slHead(sl);
  if (level > top) {
    for (let i = top; i < level; i++) {
      rankAt[i] = 0;
      update[i] = head;
      setSpan(head, i, slLength(sl));
    }
    store<u32>(sl, level);
  }
  const node = nodeNew(level, score, p, n);
  for (let i: u32 = 0; i < level; i++) {
    const u = update[i];
    setFwd(node, i, fwd(u, i));
    setFwd(u, i, node);
    setSpan(node, i, span(u, i) - (rankAt[0] - rankAt[i]));
    setSpan(u, i, rankAt[0] - rankAt[i] + 1);
  }
  for (let i = level; i < slLevel(sl); i++) setSpan(update[i], i, span(update[i], i) + 1);
  setBackward(node, update[0] == head ? 0 : update[0]);
  if (fwd(node, 0) != 0) setBackward(fwd(node, 0), node);
  else store<u32>(sl, <u32>node, 8);
  store<u32>(sl, slLength(sl) + 1, 4);
  hashAdd(sl, node);
  hashGrowIfNeeded(sl);
  return node;
}

/** Unlinks `x` given its predecessors in `update` (zslDeleteNode); does not free it. */
function unlink(sl: usize, x: usize): void {
  const top = slLevel(sl);
  for (let i: u32 = 0; i < top; i++) {
    const u = update[i];
    if (fwd(u, i) == x) {
      setSpan(u, i, span(u, i) + span(x, i) - 1);
      setFwd(u, i, fwd(x, i));
    } else {
      setSpan(u, i, span(u, i) - 1);
    }
  }
  if (fwd(x, 0) != 0) setBackward(fwd(x, 0), nodeBackward(x));
  else store<u32>(sl, <u32>nodeBackward(x), 8);
  const head = slHead(sl);
  let level = top;
  while (level > 1 && fwd(head, level - 1) == 0) level--;
  store<u32>(sl, level);
  store<u32>(sl, slLength(sl) - 1, 4);
}

/** Fills `update` with the last node before (score, member) of `node` at every level. */
function findUpdate(sl: usize, node: usize): void {
  const s = nodeScore(node);
  const p = nodeMember(node);
  const n = nodeMemberLen(node);
  let x = slHead(sl);
  for (let i = <i32>slLevel(sl) - 1; i >= 0; i--) {
    while (fwd(x, i) != 0 && before(fwd(x, i), s, p, n)) x = fwd(x, i);
    update[i] = x;
  }
}

/** Removes and frees `node` (from the list and the hash). */
export function slRemove(sl: usize, node: usize): void {
  findUpdate(sl, node);
  unlink(sl, node);
  hashRemove(sl, node);
  rawFree(node);
  hashShrinkIfNeeded(sl);
}

/**
 * Gives `node` a new score; returns the member's node afterwards (the same one when it keeps its place,
 * as zslUpdateScore does, else a new node).
 */
export function slSetScore(sl: usize, node: usize, score: f64): usize {
  const back = nodeBackward(node);
  const next = fwd(node, 0);
  const p = nodeMember(node);
  const n = nodeMemberLen(node);
  if ((back == 0 || before(back, score, p, n)) &&
      (next == 0 || !before(next, score, p, n))) {
    setNodeScore(node, score);
    return node;
  }
  findUpdate(sl, node);
  unlink(sl, node);
  hashRemove(sl, node);
  // Re-insert a copy (the member bytes live in the node being freed).
  const fresh = slInsertCopy(sl, score, node);
  rawFree(node);
  return fresh;
}

function slInsertCopy(sl: usize, score: f64, old: usize): usize {
  return slInsert(sl, score, nodeMember(old), nodeMemberLen(old));
}

// ---- ranks (0-based) ----

/** The 0-based rank of `node` (zslGetRank). */
export function slRank(sl: usize, node: usize): u32 {
  const s = nodeScore(node);
  const p = nodeMember(node);
  const n = nodeMemberLen(node);
  let x = slHead(sl);
  let rank: u32 = 0;
  for (let i = <i32>slLevel(sl) - 1; i >= 0; i--) {
    while (fwd(x, i) != 0 && before(fwd(x, i), s, p, n)) {
      rank += span(x, i);
      x = fwd(x, i);
    }
  }
  return rank;
}

/** The node at 0-based `rank` (< length) (zslGetElementByRank). */
export function slAt(sl: usize, rank: u32): usize {
  const target = rank + 1;
  let x = slHead(sl);
  let traversed: u32 = 0;
  for (let i = <i32>slLevel(sl) - 1; i >= 0; i--) {
    while (fwd(x, i) != 0 && traversed + span(x, i) <= target) {
      traversed += span(x, i);
      x = fwd(x, i);
    }
    if (traversed == target) return x;
  }
  return 0;
}

// Bound predicates for the descents below: the question asked of each next node.
export const Q_SCORE_LT: i32 = 0;   // score < v
export const Q_SCORE_LE: i32 = 1;   // score <= v
export const Q_LEX_LT: i32 = 2;     // member < the lex bound (setLexBound)
export const Q_LEX_LE: i32 = 3;     // member <= the lex bound

/** Lex bound of the current query: -1 = "-" (below all), 1 = "+" (above all), 0 = the bytes. */
export let lexKind: i32 = 0;
export let lexPtr: usize = 0;
export let lexLen: u32 = 0;

export function setLexBound(kind: i32, p: usize, n: u32): void { lexKind = kind; lexPtr = p; lexLen = n; }

/** Compares `node`'s member with the current lex bound. */
function lexCmp(node: usize): i32 {
  if (lexKind < 0) return 1;
  if (lexKind > 0) return -1;
  return compareBytes(nodeMember(node), nodeMemberLen(node), lexPtr, lexLen);
}

function holds(node: usize, q: i32, v: f64): bool {
  if (q == Q_SCORE_LT) return nodeScore(node) < v;
  if (q == Q_SCORE_LE) return nodeScore(node) <= v;
  if (q == Q_LEX_LT) return lexCmp(node) < 0;
  return lexCmp(node) <= 0;
}

/**
 * How many leading nodes a skip list descent passes while question `q` holds of the next node: for a
 * predicate true on a prefix (scores; lex on equal scores) that is the length of the prefix. This is
 * the descent of zslFirstInRange / zslLastInRange and their lex twins, counted in ranks.
 */
export function slCountWhile(sl: usize, q: i32, v: f64): u32 {
  let x = slHead(sl);
  let rank: u32 = 0;
  for (let i = <i32>slLevel(sl) - 1; i >= 0; i--) {
    while (fwd(x, i) != 0 && holds(fwd(x, i), q, v)) {
      rank += span(x, i);
      x = fwd(x, i);
    }
  }
  return rank;
}

/** Removes the nodes of 0-based ranks [start, end] (zslDeleteRangeByRank); returns how many went. */
export function slRemoveRange(sl: usize, start: u32, end: u32): u32 {
  let x = slHead(sl);
  let traversed: u32 = 0;
  for (let i = <i32>slLevel(sl) - 1; i >= 0; i--) {
    while (fwd(x, i) != 0 && traversed + span(x, i) <= start) {
      traversed += span(x, i);
      x = fwd(x, i);
    }
    update[i] = x;
  }
  x = fwd(x, 0);
  let removed: u32 = 0;
  let rank = start;
  while (x != 0 && rank <= end) {
    const next = fwd(x, 0);
    unlink(sl, x);
    hashRemove(sl, x);
    rawFree(x);
    removed++;
    rank++;
    x = next;
  }
  hashShrinkIfNeeded(sl);
  return removed;
}

// ---- scanning the hash (ZSCAN) with Redis's reverse-binary cursor ----

function rev32(v: u32): u32 {
  v = ((v >> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >> 16) | (v << 16);
}

/**
 * Appends the nodes of the bucket `cursor` points at to `out` and returns the next cursor (0: done).
 * A member present for a whole scan is returned at least once, even if the table is resized between
 * calls (dictScan's guarantee).
 */
export function slScanStep(sl: usize, cursor: u32, out: Array<usize>): u32 {
  const mask = slBucketCount(sl) - 1;
  let node = <usize>load<u32>(buckets(sl) + (<usize>(cursor & mask) << 2));
  while (node != 0) {
    out.push(node);
    node = hnext(node);
  }
  let v = cursor | ~mask;
  v = rev32(v);
  v++;
  return rev32(v);
}
