// One client described the way Redis 7.0.15's CLIENT LIST and CLIENT INFO print it (catClientInfoString):
//
//   id=7 addr=127.0.0.1:53510 laddr=127.0.0.1:6379 fd=-1 name= age=3 idle=0 flags=N db=0 sub=0 psub=0
//   ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0
//   tot-mem=1034 events=r cmd=client|info user=default redir=-1 resp=2
//
// Same fields, same order. Real figures: id, addresses, name, age and idle (whole seconds, from the
// shard's clock), flags (P subscribed, x in MULTI, b blocked, d a WATCHed key changed, e NO-EVICT, else N),
// subscriptions, MULTI's queue (multi, multi-mem), the input buffer (qbuf, qbuf-free), the arguments of
// the command running (argv-mem, the caller only), the bytes the connection holds (tot-mem), the last
// command and the protocol. The rest describe machinery this server does not have (per-client reply
// buffers, shard channels, tracking) and print Redis's idle values. The fd is the host's when it says,
// else -1.
import { isBlocked } from "../blocking/blocked";
import { Conn } from "../shard/conn";
import { argc, argLen } from "../shard/args";
import { nowMs } from "../shard/clock";
import { text, putStr, putInt, putBuf, putByte } from "./report-text";

function seconds(ms: i64): i64 { return ms / 1000; }

function argvBytes(): i64 {
  let total: i64 = 0;
  for (let i = 0; i < argc; i++) total += argLen(i);
  return total;
}

/** Subscribed to a channel or pattern: Redis's CLIENT_PUBSUB, type `pubsub` for TYPE filters. */
export function isSubscribed(c: Conn): bool { return c.channels.length + c.patterns.length > 0; }

function queuedBytes(c: Conn): i64 {
  let total: i64 = 0;
  for (let i = 0; i < c.queued.length; i++) total += c.queued[i].len;
  return total;
}

function putFlags(c: Conn): void {
  const before = text.len;
  if (isSubscribed(c)) putByte(0x50);
  if (c.inMulti) putByte(0x78);
  if (isBlocked(c.id)) putByte(0x62);
  if (c.watchDirty) putByte(0x64);
  if (c.noEvict) putByte(0x65);
  if (text.len == before) putByte(0x4e);
}

function heldBytes(c: Conn): i64 {
  return <i64>c.input.cap + c.name.cap + c.addr.cap + c.laddr.cap + c.libName.cap + c.libVersion.cap;
}

/** Appends the description of `c` (no line end); `caller` is the connection running the command. */
export function putClientInfo(c: Conn, caller: Conn): void {
  const argv: i64 = c === caller ? argvBytes() : 0;
  putStr("id="); putInt(c.id);
  putStr(" addr="); putBuf(c.addr);
  putStr(" laddr="); putBuf(c.laddr);
  putStr(" fd="); putInt(c.fd);
  putStr(" name="); putBuf(c.name);
  putStr(" age="); putInt(seconds(nowMs) - seconds(c.createdMs));
  putStr(" idle="); putInt(seconds(nowMs) - seconds(c.lastInteractionMs));
  putStr(" flags="); putFlags(c);
  putStr(" db=0 sub="); putInt(c.channels.length);
  putStr(" psub="); putInt(c.patterns.length);
  putStr(" ssub=0 multi="); putInt(c.inMulti ? c.queued.length : -1);
  putStr(" qbuf="); putInt(c.input.len);
  putStr(" qbuf-free="); putInt(c.input.cap - c.input.len);
  putStr(" argv-mem="); putInt(argv);
  putStr(" multi-mem="); putInt(queuedBytes(c));
  putStr(" rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem="); putInt(heldBytes(c) + argv + queuedBytes(c));
  putStr(" events=r cmd="); putStr(c.lastCommand);
  putStr(" user=default redir=-1 resp="); putInt(c.resp3 ? 3 : 2);
}
