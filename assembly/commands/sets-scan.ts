// SSCAN key cursor [MATCH pattern] [COUNT count], as Redis 7.0's sscanCommand and scanGenericCommand:
//  1. the cursor is read first (keys-scan.ts's parseCursor: strtoul with Redis's checks);
//  2. then the key: missing → [0, []]; not a set → WRONGTYPE;
//  3. then the options (so a bad option on a missing key is no error): COUNT n (n >= 1), MATCH pattern,
//     repeatable, the last one winning; TYPE is the keyspace SCAN's alone and is a syntax error here;
//  4. an intset comes back whole, ascending, with cursor 0; a hashtable is walked with the member
//     table's reverse-binary cursor (store/member-table.ts) until the cursor is back to 0, COUNT members
//     are collected, or COUNT*10 steps are spent — a member present for the whole scan is returned at
//     least once, whatever happens to the table between calls;
//  5. MATCH filters what was collected; the reply is [cursor as a bulk string, [members]].
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { replyArrayLen, replyBulk, replyBulkI64, replyErrorLit, writeRaw } from "../resp/writer";
import * as E from "../resp/errors";
import { parseCursor, scanCursor } from "./keys-scan";
import { entryValue } from "../store/entry";
import { setEncoding, setTable, SetIter, SET_ENC_INTSET } from "../store/set";
import { mtScan, nodeData, nodeLen } from "../store/member-table";
import { globMatch } from "../util/glob";
import { ByteBuf, Lit } from "../util/mem";
import { setEntry } from "./sets";
import { parseScanOptions, scanCount, scanMatchArg } from "./scan-options";

/** Members kept for the reply, as [len u32][bytes] records. */
const kept = new ByteBuf();
let keptCount: i32 = 0;

function keep(p: usize, n: u32): void {
  if (scanMatchArg >= 0 && !globMatch(argPtr(scanMatchArg), argLen(scanMatchArg), p, n, false)) return;
  kept.reserve(4 + n);
  store<u32>(kept.ptr + kept.len, n);
  memory.copy(kept.ptr + kept.len + 4, p, n);
  kept.len += 4 + n;
  keptCount++;
}

/** Step 4 on a hashtable: returns the cursor to reply. */
function collect(s: usize, cursor: u64): u64 {
  const nodes = new Array<usize>();
  let budget: i64 = scanCount * 10;
  const t = setTable(s);
  do {
    cursor = mtScan(t, cursor, nodes);
  } while (cursor != 0 && budget-- != 0 && <i64>nodes.length < scanCount);
  for (let i = 0; i < nodes.length; i++) keep(nodeData(nodes[i]), nodeLen(nodes[i]));
  return cursor;
}

export function sscan(c: Conn): void {
  if (!parseCursor(2)) { replyErrorLit(E.ERR_INVALID_CURSOR); return; }
  const cursorIn = scanCursor;
  const e = setEntry(1, true);
  if (e < 0) return;
  if (e == 0) { writeRaw(EMPTY_SCAN.ptr, EMPTY_SCAN.len); return; }
  if (!parseScanOptions(3, false)) return;
  const s = entryValue(<usize>e);
  kept.len = 0;
  keptCount = 0;
  let cursor: u64 = 0;
  if (setEncoding(s) == SET_ENC_INTSET) {
    const it = new SetIter(s);
    while (it.next()) keep(it.ptr, it.len);
  } else {
    cursor = collect(s, cursorIn);
  }
  replyArrayLen(2);
  replyBulkI64(<i64>cursor);
  replyArrayLen(keptCount);
  let at = kept.ptr;
  for (let i = 0; i < keptCount; i++) {
    const len = load<u32>(at);
    replyBulk(at + 4, len);
    at += 4 + len;
  }
  kept.len = 0;
  kept.shrinkIfIdle();
}

const EMPTY_SCAN = new Lit("*2\r\n$1\r\n0\r\n*0\r\n");
