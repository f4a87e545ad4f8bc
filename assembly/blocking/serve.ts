// A serve, run on the shard that owns the key when the waiter's turn comes: it takes what the waiter asked
// for (SERVE's argv: `[key, how…]`) and answers SERVED to the origin. The ways of serving a list:
//   [key, "pop", L|R, count, "1"|"M"]  pop up to count elements; payload = the reply, `*2 key elem`
//                                       (BLPOP) or `*2 key *n elems…` (BLMPOP); escrowed until delivered
//   [key, "move", L|R, dest, L|R]      BLMOVE whose destination lives here too: pop and push at once;
//                                       payload = the reply (the element, or WRONGTYPE for the destination,
//                                       which leaves the source untouched, as Redis 7.0 does); no escrow
//   [key, "movepop", L|R]              BLMOVE whose destination lives elsewhere: pop; payload = the bare
//                                       element, escrowed until the origin has pushed it there
// and of serving a sorted set (serve-zset.ts):
//   [key, "zpop", -|+, count, "1"|"M"]  pop up to count members from the low (-) or high (+) end; payload =
//                                       BZPOPMIN's `[key, member, score]` or BZMPOP's `[key, [[m, s] …]]`
//                                       in the client's protocol; escrowed with their scores
// and of serving a stream (serve-stream.ts; the waiter's registration holds its ID or group):
//   [key, "xread", count]                  the entries after the waiter's ID: `[[key, entries]]` (a map in
//                                          RESP3); nothing is taken, so no escrow
//   [key, "xgroup", consumer, count, noack] the group's undelivered entries, delivered to the consumer (its
//                                          PEL keeps them until XACK, as in Redis: no escrow), or Redis's
//                                          error when the stream or the group is gone
// A key that is empty (or of another type) by now takes nothing: SERVED without data, the waiter stays.
import { ByteBuf, Lit } from "../util/mem";
import { sendBody, M_SERVED, MF_SERVED_DATA } from "../shard/messages";
import { lookup, entryModified } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST, TYPE_ZSET } from "../store/entry";
import { zsetLen } from "../store/zset";
import { serveZpop } from "./serve-zset";
import { serveXread, serveXgroup } from "./serve-stream";
import { listLen, listAt, listRemove, listPush, elemPtr, elemLen } from "../store/list";
import { createList, listWritten } from "../commands/lists";
import { parseI64, parsedI64, formatI64 } from "../util/int";
import { escrowOpen, escrowAdd } from "./escrow";

const argPtrs = new Array<usize>();
const argLens = new Array<u32>();
const payload = new ByteBuf();

function loadArgs(ptr: usize, len: u32): void {
  argPtrs.length = 0;
  argLens.length = 0;
  let at: u32 = 0;
  while (at + 4 <= len) {
    const n = load<u32>(ptr + at);
    argPtrs.push(ptr + at + 4);
    argLens.push(n);
    at += 4 + n;
  }
}

function argByte(i: i32): u8 { return argLens[i] > 0 ? load<u8>(argPtrs[i]) : 0; }

/** Serves waiter (origin, seq); true when it took something (SERVED with data was sent). */
export function executeServe(origin: u32, seq: u32, conn: u32, attempt: u32, resp3: bool, argv: usize,
                             len: u32, regArg: usize, regArgLen: u32): bool {
  loadArgs(argv, len);
  payload.len = 0;
  const e = lookup(argPtrs[0], argLens[0]);
  let escrow: u32 = 0;
  let served = false;
  const how = argByte(1);
  if (how == 0x78) { // "xread", "xgroup"
    parseI64(argPtrs[3 - (argLens[1] == 5 ? 1 : 0)], argLens[3 - (argLens[1] == 5 ? 1 : 0)]);
    served = argLens[1] == 5
      ? serveXread(e, argPtrs[0], argLens[0], regArg, parsedI64, resp3, payload)
      : serveXgroup(e, argPtrs[0], argLens[0], regArg, regArgLen, argPtrs[2], argLens[2], parsedI64,
                    argByte(4) == 0x31, resp3, payload);
  } else if (how == 0x7a) { // "zpop"
    if (e != 0 && entryType(e) == TYPE_ZSET && zsetLen(entryValue(e)) > 0) {
      served = true;
      parseI64(argPtrs[3], argLens[3]);
      escrow = serveZpop(e, argByte(2) == 0x2b, parsedI64, argByte(4) == 0x4d, resp3, payload);
    }
  } else if (e != 0 && entryType(e) == TYPE_LIST && listLen(entryValue(e)) > 0) {
    served = true;
    if (how == 0x70) escrow = servePop(e); // "pop"
    else if (argLens[1] == 4) serveMoveHere(e); // "move"
    else escrow = serveMovePop(e); // "movepop"
  }
  sendBody(origin, M_SERVED, served ? MF_SERVED_DATA : 0, seq, attempt, conn, true, escrow, payload.ptr, payload.len);
  payload.shrinkIfIdle();
  return served;
}

function putHeader(prefix: u8, n: i64): void {
  payload.pushByte(prefix);
  payload.reserve(24);
  payload.len += formatI64(payload.ptr + payload.len, n);
  payload.pushByte(0x0d);
  payload.pushByte(0x0a);
}

function putBulk(ptr: usize, len: u32): void {
  putHeader(0x24, len);
  payload.append(ptr, len);
  payload.pushByte(0x0d);
  payload.pushByte(0x0a);
}

function servePop(e: usize): u32 {
  const atHead = argByte(2) == 0x4c; // 'L'
  parseI64(argPtrs[3], argLens[3]);
  const l = entryValue(e);
  const len = listLen(l);
  const n = <u32>min<i64>(parsedI64, <i64>len);
  const multi = argByte(4) == 0x4d; // 'M'
  const id = escrowOpen(argPtrs[0], argLens[0], atHead);
  putHeader(0x2a, 2);
  putBulk(argPtrs[0], argLens[0]);
  if (multi) putHeader(0x2a, n);
  for (let k: u32 = 0; k < n; k++) {
    listAt(l, atHead ? k : len - 1 - k);
    putBulk(elemPtr, elemLen);
    escrowAdd(id, elemPtr, elemLen);
  }
  listRemove(l, atHead ? 0 : len - n, n);
  listWritten(e);
  return id;
}

const moved = new ByteBuf();

function serveMoveHere(src: usize): void {
  let dst = lookup(argPtrs[3], argLens[3]);
  if (dst != 0 && entryType(dst) != TYPE_LIST) {
    payload.append(WRONGTYPE.ptr, WRONGTYPE.len);
    return;
  }
  const fromHead = argByte(2) == 0x4c;
  const l = entryValue(src);
  const at = fromHead ? 0 : listLen(l) - 1;
  listAt(l, at);
  moved.len = 0;
  moved.append(elemPtr, elemLen);
  listRemove(l, at, 1);
  if (dst == 0) dst = createList(argPtrs[3], argLens[3]);
  else entryModified(dst);
  listPush(entryValue(dst), moved.ptr, moved.len, argByte(4) == 0x4c);
  listWritten(src);
  putBulk(moved.ptr, moved.len);
}

function serveMovePop(e: usize): u32 {
  const fromHead = argByte(2) == 0x4c;
  const l = entryValue(e);
  const at = fromHead ? 0 : listLen(l) - 1;
  listAt(l, at);
  const id = escrowOpen(argPtrs[0], argLens[0], fromHead);
  escrowAdd(id, elemPtr, elemLen);
  payload.append(elemPtr, elemLen);
  listRemove(l, at, 1);
  listWritten(e);
  return id;
}

const WRONGTYPE = new Lit("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
