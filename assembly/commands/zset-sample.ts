// Sorted set sampling and scanning: ZRANDMEMBER (Redis 7.0's zrandmemberCommand and
// zrandmemberWithCountCommand) and ZSCAN (zscanCommand + scanGenericCommand).
//
// ZRANDMEMBER: a negative count samples with repetition; a positive count returns distinct members —
// the whole set in order when the count covers it, else random members in random order (a partial
// Fisher–Yates shuffle of the ranks when the count is a large part of the set, rejection sampling
// otherwise); the whole set comes highest rank first. Which members come out is up to the random source, as in Redis; the shapes, the order of
// the whole-set case and the errors are Redis's.
//
// ZSCAN: a LISTPACK set is returned whole in one call with cursor 0, whatever the COUNT; a SKIPLIST set
// is scanned through its member hash with the reverse-binary cursor (store/zset-skiplist.ts), COUNT
// counting members and scores as Redis's scan list does. Scores are printed like "%.17g" (d2string /
// ld2string), as bulk strings in both protocols.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, F_READONLY } from "./table";
import {
  replyNull, replyErrorLit, replyArrayLen, replyBulk, replyResp3, writeRaw, replyBulkI64,
} from "../resp/writer";
import { argIs } from "./options";
import { Lit, ByteBuf } from "../util/mem";
import { parseI64, parsedI64 } from "../util/int";
import { formatDouble17g } from "../util/float";
import { randomBelow, randomU64 } from "../util/random";
import { globMatch } from "../util/glob";
import * as E from "../resp/errors";
import { entryValue } from "../store/entry";
import { zsetLen, zsetForm, zsetSkiplist, ZIter, FORM_LISTPACK } from "../store/zset";
import { slScanStep, nodeMember, nodeMemberLen, nodeScore } from "../store/zset-skiplist";
import { zsetEntry, replyMemberScore } from "./zsets";
import { parseCursor, scanCursor } from "./keys-scan";
import { parseScanOptions, scanCount, scanMatchArg } from "./scan-options";

// ---- ZRANDMEMBER key [count [WITHSCORES]] ----

const I64_MAX: i64 = 9223372036854775807;

/** A uniform rank below `n` (n ≥ 1), from 64 random bits so a huge set is sampled evenly. */
function randomRank(n: u32): u32 { return <u32>(randomU64() % <u64>n); }

function zrandmember(c: Conn): void {
  if (argc >= 3) {
    if (!parseI64(argPtr(2), argLen(2))) { replyErrorLit(E.ERR_NOT_INT); return; }
    const l = parsedI64;
    if (l == i64.MIN_VALUE) { replyErrorLit(ERR_RANGE_LONG); return; }
    let withScores = false;
    if (argc > 4 || (argc == 4 && !argIs(3, WITHSCORES))) { replyErrorLit(E.ERR_SYNTAX); return; }
    if (argc == 4) {
      withScores = true;
      if (l < -(I64_MAX / 2) || l > I64_MAX / 2) { replyErrorLit(E.ERR_OUT_OF_RANGE); return; }
    }
    randWithCount(l, withScores);
    return;
  }
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyNull(); return; }
  const z = entryValue(<usize>e);
  const it = new ZIter(z);
  it.seek(randomRank(zsetLen(z)));
  replyBulk(it.ptr, it.len);
}

function randWithCount(l: i64, withScores: bool): void {
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { replyArrayLen(0); return; }
  const z = entryValue(<usize>e);
  const size = <u64>zsetLen(z);
  const uniq = l >= 0;
  const count: u64 = uniq ? <u64>l : <u64>(-l);
  if (count == 0) { replyArrayLen(0); return; }
  const pairs = withScores && replyResp3;
  const it = new ZIter(z);
  // With repetition (or a single member): count independent picks.
  if (!uniq || count == 1) {
    replyArrayLen(withScores && !replyResp3 ? <i64>(count * 2) : <i64>count);
    const picker = new Picker(z);
    for (let k: u64 = 0; k < count; k++) picker.reply(randomRank(<u32>size), withScores, pairs);
    return;
  }
  const n = count < size ? count : size;
  replyArrayLen(withScores && !replyResp3 ? <i64>(n * 2) : <i64>n);
  if (count >= size) {
    // The whole set, highest rank first (as Redis 7.0 walks it here).
    for (it.seek(<u32>size - 1); it.valid; it.prev()) replyOne(it, withScores, pairs);
    return;
  }
  if (count * 3 > size) {
    const ranks = new StaticArray<u32>(<i32>size);
    for (let i = 0; i < <i32>size; i++) ranks[i] = <u32>i;
    for (let i: u64 = 0; i < count; i++) {
      const j = <i32>i + <i32>randomBelow(<u32>(size - i));
      const t = ranks[<i32>i]; ranks[<i32>i] = ranks[j]; ranks[j] = t;
      it.seek(ranks[<i32>i]);
      replyOne(it, withScores, pairs);
    }
    return;
  }
  const seen = new Set<u32>();
  while (<u64>seen.size < count) {
    const r = randomRank(<u32>size);
    if (seen.has(r)) continue;
    seen.add(r);
    it.seek(r);
    replyOne(it, withScores, pairs);
  }
}

/**
 * Replies the member at a rank: on a listpack from a table of its entries made once (a seek there is a
 * walk, and a sample may ask for millions), on a skip list by an O(log n) seek.
 */
class Picker {
  private readonly it: ZIter;
  private readonly ptrs: StaticArray<usize>;
  private readonly lens: StaticArray<u32>;
  private readonly scores: StaticArray<f64>;
  private readonly tabled: bool;

  constructor(z: usize) {
    const tabled = zsetForm(z) == FORM_LISTPACK;
    const n = tabled ? <i32>zsetLen(z) : 0;
    this.ptrs = new StaticArray<usize>(n);
    this.lens = new StaticArray<u32>(n);
    this.scores = new StaticArray<f64>(n);
    this.tabled = tabled;
    this.it = new ZIter(z);
    let i = 0;
    if (this.tabled) {
      for (this.it.seek(0); this.it.valid; this.it.next()) {
        this.ptrs[i] = this.it.ptr;
        this.lens[i] = this.it.len;
        this.scores[i] = this.it.score;
        i++;
      }
    }
  }

  reply(rank: u32, withScores: bool, pairs: bool): void {
    if (!this.tabled) {
      this.it.seek(rank);
      replyOne(this.it, withScores, pairs);
      return;
    }
    const r = <i32>rank;
    if (withScores) replyMemberScore(this.ptrs[r], this.lens[r], this.scores[r], pairs);
    else replyBulk(this.ptrs[r], this.lens[r]);
  }
}

function replyOne(it: ZIter, withScores: bool, pairs: bool): void {
  if (withScores) replyMemberScore(it.ptr, it.len, it.score, pairs);
  else replyBulk(it.ptr, it.len);
}

// ---- ZSCAN key cursor [MATCH pattern] [COUNT count] ----

const scoreText = new ByteBuf();

function replyScoreText(score: f64): void {
  scoreText.len = 0;
  scoreText.reserve(32);
  scoreText.len = formatDouble17g(scoreText.ptr, score);
  replyBulk(scoreText.ptr, scoreText.len);
}

const nodes = new Array<usize>();

function zscan(c: Conn): void {
  if (!parseCursor(2)) { replyErrorLit(E.ERR_INVALID_CURSOR); return; }
  const cursor = scanCursor;
  const e = zsetEntry(1, true);
  if (e < 0) return;
  if (e == 0) { writeRaw(EMPTY_SCAN.ptr, EMPTY_SCAN.len); return; }
  if (!parseScanOptions(3, false)) return;
  const count = scanCount;
  const patArg = scanMatchArg;
  const z = entryValue(<usize>e);
  if (zsetForm(z) == FORM_LISTPACK) {
    replyListpackScan(z, patArg);
    return;
  }
  const sl = zsetSkiplist(z);
  nodes.length = 0;
  let next = <u32>cursor;
  let budget = count * 10;
  do {
    next = slScanStep(sl, next, nodes);
  } while (next != 0 && budget-- != 0 && <i64>nodes.length * 2 < count);
  let kept = 0;
  for (let i = 0; i < nodes.length; i++) if (matches(patArg, nodes[i])) kept++;
  replyArrayLen(2);
  replyBulkI64(<i64>next);
  replyArrayLen(kept * 2);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!matches(patArg, node)) continue;
    replyBulk(nodeMember(node), nodeMemberLen(node));
    replyScoreText(nodeScore(node));
  }
  nodes.length = 0;
}

function matches(patArg: i32, node: usize): bool {
  return patArg < 0 || globMatch(argPtr(patArg), argLen(patArg), nodeMember(node), nodeMemberLen(node), false);
}

function replyListpackScan(z: usize, patArg: i32): void {
  const it = new ZIter(z);
  let kept = 0;
  for (it.seek(0); it.valid; it.next()) {
    if (patArg < 0 || globMatch(argPtr(patArg), argLen(patArg), it.ptr, it.len, false)) kept++;
  }
  replyArrayLen(2);
  replyBulk(ZERO.ptr, ZERO.len);
  replyArrayLen(kept * 2);
  for (it.seek(0); it.valid; it.next()) {
    if (patArg >= 0 && !globMatch(argPtr(patArg), argLen(patArg), it.ptr, it.len, false)) continue;
    replyBulk(it.ptr, it.len);
    replyScoreText(it.score);
  }
}

export function registerZsetSampleCommands(): void {
  defineCommand("zrandmember", -2, F_READONLY, 1, 1, 1, "read sortedset slow", zrandmember);
  defineCommand("zscan", -3, F_READONLY, 1, 1, 1, "read sortedset slow", zscan);
}

const ERR_RANGE_LONG = new Lit("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
const WITHSCORES = new Lit("withscores");
const ZERO = new Lit("0");
const EMPTY_SCAN = new Lit("*2\r\n$1\r\n0\r\n*0\r\n");
