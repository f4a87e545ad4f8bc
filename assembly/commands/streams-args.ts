// Reading stream arguments and writing stream replies, shared by every stream command: IDs with the
// error Redis gives (strict, interval `(` forms), the stream entry of a key (WRONGTYPE), the NOGROUP
// texts that quote a key and a group, and the reply shapes of IDs and entries (`[id, [field, value …]]`).
// Ranges are walked twice — once to count, once to write — because a reply's array length comes first.
import { argPtr, argLen } from "../shard/args";
import { replyErrorLit, replyBulk, replyArrayLen } from "../resp/writer";
import * as E from "../resp/errors";
import { lookup, lookupRead } from "../store/keyspace";
import { entryType, entryValue, TYPE_STREAM } from "../store/entry";
import { idParse, idIncr, idDecr, idMs, idSeq, idCompare, idFormat } from "../store/stream-id";
import { streamIndex } from "../store/stream";
import { idxSeekFirst, idxNext, idxSeekLast, idxPrev, idxFieldsBegin, curMs, curSeq, curNfields } from "../store/stream-index";
import { fieldNext, fieldPtr, fieldLen } from "../store/stream-record";
import { textStart, putLit, putBytes, putByte, textError } from "./report-text";
import { ByteBuf } from "../util/mem";

/** The stream entry of argument `i`: 0 missing, -1 after replying WRONGTYPE. */
export function streamEntry(i: i32, forRead: bool): isize {
  const e = forRead ? lookupRead(argPtr(i), argLen(i)) : lookup(argPtr(i), argLen(i));
  if (e == 0) return 0;
  if (entryType(e) != TYPE_STREAM) { replyErrorLit(E.ERR_WRONGTYPE); return -1; }
  return <isize>e;
}

export function streamOf(e: isize): usize { return entryValue(<usize>e); }

/**
 * Argument `i` is the one-character word `ch` as a C string (Redis compares `$`, `>`, `*`, `~`, `=` with
 * strcmp or by their first two bytes, so "$\0junk" is `$`). Option names are compared the same way, with
 * keys-args.ts's argIsWord (strcasecmp).
 */
export function argIsSymbol(i: i32, ch: u8): bool {
  const n = argLen(i);
  return n >= 1 && load<u8>(argPtr(i)) == ch && (n == 1 || load<u8>(argPtr(i), 1) == 0);
}

/** A strict ID (no `-` / `+`) from argument `i` into idMs/idSeq; false after replying the error. */
export function argStrictId(i: i32, missingSeq: u64): bool {
  if (idParse(argPtr(i), argLen(i), missingSeq, true, false)) return true;
  replyErrorLit(E.ERR_STREAM_ID);
  return false;
}

/** Quiet strict parse (XCLAIM's id list ends where parsing fails). */
export function argIsStrictId(i: i32): bool { return idParse(argPtr(i), argLen(i), 0, true, false); }

/**
 * An interval bound (streamParseIntervalIDOrReply + the step for `(`): the start (`isStart`) moves up
 * past an exclusive ID, the end moves down. False after replying the error.
 */
export function argIntervalId(i: i32, isStart: bool): bool {
  const p = argPtr(i);
  const n = argLen(i);
  const missing: u64 = isStart ? 0 : u64.MAX_VALUE;
  const exclusive = n > 1 && load<u8>(p) == 0x28;
  const ok = exclusive ? idParse(p + 1, n - 1, missing, true, false) : idParse(p, n, missing, false, false);
  if (!ok) { replyErrorLit(E.ERR_STREAM_ID); return false; }
  if (!exclusive) return true;
  if (isStart ? !idIncr(idMs, idSeq) : !idDecr(idMs, idSeq)) {
    replyErrorLit(isStart ? E.ERR_START_INTERVAL : E.ERR_END_INTERVAL);
    return false;
  }
  return true;
}

// ---- errors quoting names (addReplyErrorFormat with %s: bytes up to the first NUL) ----

function putCString(p: usize, n: u32): void {
  let k: u32 = 0;
  while (k < n && load<u8>(p + k) != 0) k++;
  putBytes(p, k);
}

/** `NOGROUP No such key '<key>' or consumer group '<group>'<tail>`. */
export function replyNoGroupKey(keyArg: i32, groupArg: i32, tail: string): void {
  textStart();
  putLit(E.ERR_NOGROUP_KEY);
  putCString(argPtr(keyArg), argLen(keyArg));
  putStrAscii("' or consumer group '");
  putCString(argPtr(groupArg), argLen(groupArg));
  putByte(0x27);
  putStrAscii(tail);
  textError();
}

/** `NOGROUP No such consumer group '<group>' for key name '<key>'`. */
export function replyNoGroup(keyArg: i32, groupArg: i32): void {
  textStart();
  putLit(E.ERR_NOGROUP_GROUP);
  putCString(argPtr(groupArg), argLen(groupArg));
  putStrAscii("' for key name '");
  putCString(argPtr(keyArg), argLen(keyArg));
  putByte(0x27);
  textError();
}

function putStrAscii(s: string): void {
  for (let i = 0; i < s.length; i++) putByte(<u8>s.charCodeAt(i));
}

// ---- replies ----

const idText = new ByteBuf();

export function replyId(ms: u64, seq: u64): void {
  idText.len = 0;
  idText.reserve(48);
  idText.len = idFormat(idText.ptr, ms, seq);
  replyBulk(idText.ptr, idText.len);
}

/** The entry under the index cursor: `[id, [field, value, …]]`. */
export function replyCurrentEntry(): void {
  replyArrayLen(2);
  replyId(curMs, curSeq);
  replyArrayLen(curNfields);
  idxFieldsBegin();
  for (let i: u32 = 0; i < curNfields; i++) {
    fieldNext();
    replyBulk(fieldPtr, fieldLen);
  }
}

/** How many live entries lie in [start, end] (at most `count`, 0: no limit). */
export function countRange(s: usize, sMs: u64, sSeq: u64, eMs: u64, eSeq: u64, count: u64, rev: bool): u64 {
  let n: u64 = 0;
  if (idCompare(sMs, sSeq, eMs, eSeq) > 0) return 0;
  let ok = rev ? idxSeekLast(streamIndex(s), eMs, eSeq) : idxSeekFirst(streamIndex(s), sMs, sSeq);
  while (ok && (count == 0 || n < count)) {
    if (rev ? idCompare(curMs, curSeq, sMs, sSeq) < 0 : idCompare(curMs, curSeq, eMs, eSeq) > 0) break;
    n++;
    ok = rev ? idxPrev() : idxNext();
  }
  return n;
}

/** Writes the first `n` entries of [start, end] (forwards, or backwards from the end when `rev`). */
export function writeRange(s: usize, sMs: u64, sSeq: u64, eMs: u64, eSeq: u64, n: u64, rev: bool): void {
  if (n == 0) return;
  let ok = rev ? idxSeekLast(streamIndex(s), eMs, eSeq) : idxSeekFirst(streamIndex(s), sMs, sSeq);
  for (let k: u64 = 0; ok && k < n; k++) {
    replyCurrentEntry();
    ok = rev ? idxPrev() : idxNext();
  }
}

/** streamReplyWithRange without a group: the array of entries in [start, end]. */
export function replyRange(s: usize, sMs: u64, sSeq: u64, eMs: u64, eSeq: u64, count: u64, rev: bool): u64 {
  const n = countRange(s, sMs, sSeq, eMs, eSeq, count, rev);
  replyArrayLen(<i64>n);
  writeRange(s, sMs, sSeq, eMs, eSeq, n, rev);
  return n;
}
