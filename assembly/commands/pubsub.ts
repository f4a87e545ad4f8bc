// Pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB CHANNELS/NUMSUB/NUMPAT.
// Subscriptions live with the subscriber, on its origin shard. PUBLISH goes to every shard (`\0publish`),
// each delivers to its own subscribers and answers how many it reached; the origin adds them up. Rings
// are FIFO, so one publisher's messages reach every subscriber in publish order. A message is
// out-of-band for the subscriber: it joins the connection's reply order after whatever is already there.
import { Conn, conns } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { defineCommand, defineSubcommand, defineInternal, crossShard, Command, F_PUBSUB, F_NOSCRIPT,
         F_LOADING, F_STALE, F_FAST, F_SENTINEL } from "./table";
import { replyInt, replyArrayLen, replyBulk, writeRaw, replyErrorLit, replyTarget, replyError, replySimpleLit } from "../resp/writer";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { bytesEqual } from "../util/bytes";
import { globMatch } from "../util/glob";
import { hashBytes } from "../util/hash";
import { DistinctNames } from "../util/distinct-names";
import { putHeader, GatherOp, SumOp } from "../shard/gather";
import { Op } from "../shard/ops";
import { reqBegin, reqArg, reqWholeArgv } from "../shard/messages";
import { shardCount } from "../shard/server-info";
import { sendOutOfBand } from "../shard/replies";
import { headerValue, headerEnd } from "../resp/frame";

/** One connection's subscription to a channel or pattern; also kept in the shard's index. */
class Subscription {
  constructor(readonly conn: Conn, readonly name: ByteBuf, readonly hash: u32) {}
}

/** channel hash → subscriptions of this shard's connections (patterns are few: a plain list). */
const channelIndex = new Map<u32, Array<Subscription>>();
const patternList = new Array<Subscription>();

function findIn(list: Array<Subscription>, c: Conn | null, ptr: usize, len: u32): i32 {
  for (let i = 0; i < list.length; i++) {
    const s = unchecked(list[i]);
    if ((c == null || s.conn === c) && bytesEqual(s.name.ptr, s.name.len, ptr, len)) return i;
  }
  return -1;
}

export function subscriptionCount(c: Conn): i64 { return c.channels.length + c.patterns.length; }

// ---- replies to (un)subscribe: always push-shaped ----

function replySubscription(kind: Lit, ptr: usize, len: u32, isNull: bool, count: i64): void {
  const out = new ByteBuf();
  const resp3 = replyIsResp3;
  putHeader(out, resp3 ? 0x3e : 0x2a, 3);
  putHeader(out, 0x24, kind.len);
  out.append(kind.ptr, kind.len);
  out.append(CRLF.ptr, 2);
  if (isNull) {
    out.append(resp3 ? NULL3.ptr : NULL_BULK.ptr, resp3 ? NULL3.len : NULL_BULK.len);
  } else {
    putHeader(out, 0x24, len);
    out.append(ptr, len);
    out.append(CRLF.ptr, 2);
  }
  putHeader(out, 0x3a, count);
  writeRaw(out.ptr, out.len);
  out.release();
}

let replyIsResp3: bool = false;

function subscribeTo(c: Conn, isPattern: bool, ptr: usize, len: u32): void {
  const mine = isPattern ? c.patterns : c.channels;
  let found = false;
  for (let i = 0; i < mine.length; i++) if (bytesEqual(mine[i].ptr, mine[i].len, ptr, len)) found = true;
  if (!found) {
    mine.push(bufferOf(ptr, len));
    const sub = new Subscription(c, bufferOf(ptr, len), hashBytes(ptr, len, 0));
    if (isPattern) patternList.push(sub);
    else {
      if (!channelIndex.has(sub.hash)) channelIndex.set(sub.hash, new Array<Subscription>());
      channelIndex.get(sub.hash).push(sub);
    }
  }
  replySubscription(isPattern ? PSUBSCRIBE : SUBSCRIBE, ptr, len, false, subscriptionCount(c));
}

/** Removes one subscription of `c`; false if it had none by that name. */
function dropSubscription(c: Conn, isPattern: bool, ptr: usize, len: u32): bool {
  const mine = isPattern ? c.patterns : c.channels;
  let at = -1;
  for (let i = 0; i < mine.length; i++) if (bytesEqual(mine[i].ptr, mine[i].len, ptr, len)) at = i;
  if (at < 0) return false;
  mine[at].release();
  mine.splice(at, 1);
  const list = isPattern ? patternList : channelIndex.get(hashBytes(ptr, len, 0));
  const i = findIn(list, c, ptr, len);
  if (i >= 0) { list[i].name.release(); list.splice(i, 1); }
  if (!isPattern && list.length == 0) channelIndex.delete(hashBytes(ptr, len, 0));
  return true;
}

function unsubscribeFrom(c: Conn, isPattern: bool, ptr: usize, len: u32): void {
  dropSubscription(c, isPattern, ptr, len);
  replySubscription(isPattern ? PUNSUBSCRIBE : UNSUBSCRIBE, ptr, len, false, subscriptionCount(c));
}

function unsubscribeAll(c: Conn, isPattern: bool, reply: bool): void {
  const mine = isPattern ? c.patterns : c.channels;
  if (mine.length == 0) {
    if (reply) replySubscription(isPattern ? PUNSUBSCRIBE : UNSUBSCRIBE, 0, 0, true, subscriptionCount(c));
    return;
  }
  while (mine.length > 0) {
    const name = bufferOf(mine[0].ptr, mine[0].len);
    dropSubscription(c, isPattern, name.ptr, name.len);
    if (reply) replySubscription(isPattern ? PUNSUBSCRIBE : UNSUBSCRIBE, name.ptr, name.len, false, subscriptionCount(c));
    name.release();
  }
}

/** The connection is gone or RESET: every subscription goes. */
export function pubsubForget(c: Conn): void {
  unsubscribeAll(c, false, false);
  unsubscribeAll(c, true, false);
}

function subscribe(c: Conn): void {
  replyIsResp3 = c.resp3;
  for (let i = 1; i < argc; i++) subscribeTo(c, false, argPtr(i), argLen(i));
}

function psubscribe(c: Conn): void {
  replyIsResp3 = c.resp3;
  for (let i = 1; i < argc; i++) subscribeTo(c, true, argPtr(i), argLen(i));
}

function unsubscribe(c: Conn): void {
  replyIsResp3 = c.resp3;
  if (argc == 1) unsubscribeAll(c, false, true);
  else for (let i = 1; i < argc; i++) unsubscribeFrom(c, false, argPtr(i), argLen(i));
}

function punsubscribe(c: Conn): void {
  replyIsResp3 = c.resp3;
  if (argc == 1) unsubscribeAll(c, true, true);
  else for (let i = 1; i < argc; i++) unsubscribeFrom(c, true, argPtr(i), argLen(i));
}

// ---- delivery ----

const message = new ByteBuf();

function buildMessage(resp3: bool, pattern: ByteBuf | null, ch: usize, chLen: u32, msg: usize, msgLen: u32): void {
  message.len = 0;
  putHeader(message, resp3 ? 0x3e : 0x2a, pattern != null ? 4 : 3);
  const kind = pattern != null ? PMESSAGE : MESSAGE;
  putHeader(message, 0x24, kind.len);
  message.append(kind.ptr, kind.len);
  message.append(CRLF.ptr, 2);
  if (pattern != null) {
    putHeader(message, 0x24, pattern.len);
    message.append(pattern.ptr, pattern.len);
    message.append(CRLF.ptr, 2);
  }
  putHeader(message, 0x24, chLen);
  message.append(ch, chLen);
  message.append(CRLF.ptr, 2);
  putHeader(message, 0x24, msgLen);
  message.append(msg, msgLen);
  message.append(CRLF.ptr, 2);
}

/** Delivers a message to this shard's subscribers; returns how many received it. */
function deliverHere(ch: usize, chLen: u32, msg: usize, msgLen: u32): i64 {
  let receivers: i64 = 0;
  const hash = hashBytes(ch, chLen, 0);
  if (channelIndex.has(hash)) {
    const list = channelIndex.get(hash);
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (!bytesEqual(s.name.ptr, s.name.len, ch, chLen)) continue;
      buildMessage(s.conn.resp3, null, ch, chLen, msg, msgLen);
      sendOutOfBand(s.conn, message.ptr, message.len);
      receivers++;
    }
  }
  for (let i = 0; i < patternList.length; i++) {
    const s = patternList[i];
    if (!globMatch(s.name.ptr, s.name.len, ch, chLen, false)) continue;
    buildMessage(s.conn.resp3, s.name, ch, chLen, msg, msgLen);
    sendOutOfBand(s.conn, message.ptr, message.len);
    receivers++;
  }
  return receivers;
}

function publish(c: Conn): void {
  replyInt(deliverHere(argPtr(1), argLen(1), argPtr(2), argLen(2)));
}

/** `\0publish ch msg`: the part of a PUBLISH for this shard's subscribers. */
function internalPublish(c: Conn): void {
  replyInt(deliverHere(argPtr(1), argLen(1), argPtr(2), argLen(2)));
}

function startPublish(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new SumOp(c);
  op.parent = parent;
  op.holder = holder;
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    reqArg(PUBLISH_INTERNAL.ptr, PUBLISH_INTERNAL.len);
    reqArg(argPtr(1), argLen(1));
    reqArg(argPtr(2), argLen(2));
    op.expect(s);
    op.send(s);
  }
  return op;
}

// ---- PUBSUB: what this shard has, and how the origin combines shards ----

/** Channels of this shard with subscribers, matching an optional pattern, each once. */
function localChannels(pat: usize, patLen: u32, hasPattern: bool): Array<ByteBuf> {
  const out = new DistinctNames();
  const lists = channelIndex.values();
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    for (let j = 0; j < list.length; j++) {
      const name = list[j].name;
      if (hasPattern && !globMatch(pat, patLen, name.ptr, name.len, false)) continue;
      out.add(name);
    }
  }
  return out.names;
}

function replyNameList(list: Array<ByteBuf>): void {
  replyArrayLen(list.length);
  for (let i = 0; i < list.length; i++) replyBulk(list[i].ptr, list[i].len);
}

function pubsubChannels(c: Conn): void {
  replyNameList(localChannels(argc > 2 ? argPtr(2) : 0, argc > 2 ? argLen(2) : 0, argc > 2));
}

function countSubscribers(ptr: usize, len: u32): i64 {
  const hash = hashBytes(ptr, len, 0);
  if (!channelIndex.has(hash)) return 0;
  const list = channelIndex.get(hash);
  let n: i64 = 0;
  for (let i = 0; i < list.length; i++) if (bytesEqual(list[i].name.ptr, list[i].name.len, ptr, len)) n++;
  return n;
}

function pubsubNumsub(c: Conn): void {
  replyArrayLen((argc - 2) * 2);
  for (let i = 2; i < argc; i++) {
    replyBulk(argPtr(i), argLen(i));
    replyInt(countSubscribers(argPtr(i), argLen(i)));
  }
}

/** This shard's distinct patterns. */
function localPatterns(): Array<ByteBuf> {
  const out = new DistinctNames();
  for (let i = 0; i < patternList.length; i++) out.add(patternList[i].name);
  return out.names;
}

function pubsubNumpat(c: Conn): void { replyInt(localPatterns().length); }

/** `\0patterns` → this shard's distinct patterns (for NUMPAT across shards). */
function internalPatterns(c: Conn): void { replyNameList(localPatterns()); }

/** Adds every name of the RESP array of bulks at `at` in `p`; answers the offset after it. */
export function addNameArray(into: DistinctNames, p: ByteBuf, at: u32): u32 {
  const n = headerValue(p.ptr, at);
  at = headerEnd(p.ptr, at);
  for (let j: i64 = 0; j < n; j++) {
    const len = <u32>headerValue(p.ptr, at);
    const data = headerEnd(p.ptr, at);
    into.addCopy(p.ptr + data, len);
    at = data + len + 2;
  }
  return at;
}

/** Arrays of names from every shard, merged without duplicates (CHANNELS) or counted (NUMPAT). */
class NameUnionOp extends GatherOp {
  countOnly: bool = false;
  combine(): void {
    const distinct = new DistinctNames();
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p != null) addNameArray(distinct, p, 0);
    }
    const names = distinct.names;
    const out = new ByteBuf();
    if (this.countOnly) {
      putHeader(out, 0x3a, names.length);
    } else {
      putHeader(out, 0x2a, names.length);
      for (let k = 0; k < names.length; k++) {
        putHeader(out, 0x24, names[k].len);
        out.append(names[k].ptr, names[k].len);
        out.append(CRLF.ptr, 2);
      }
    }
    distinct.release();
    this.finishWith(out);
  }
}

/** NUMSUB from every shard: the counts added up position by position. */
class NumsubOp extends GatherOp {
  combine(): void {
    let first: ByteBuf | null = null;
    for (let i = 0; i < this.parts.length; i++) if (this.parts[i] != null) { first = this.parts[i]; break; }
    const p0 = first!;
    const pairs = headerValue(p0.ptr, 0) / 2;
    const cursors = new Array<u32>(this.parts.length);
    for (let i = 0; i < this.parts.length; i++) if (this.parts[i] != null) cursors[i] = headerEnd(this.parts[i]!.ptr, 0);
    const out = new ByteBuf();
    putHeader(out, 0x2a, pairs * 2);
    for (let j: i64 = 0; j < pairs; j++) {
      let total: i64 = 0;
      let nameFrom: u32 = 0;
      let nameTo: u32 = 0;
      for (let i = 0; i < this.parts.length; i++) {
        const p = this.parts[i];
        if (p == null) continue;
        const at = cursors[i];
        const len = <u32>headerValue(p.ptr, at);
        const data = headerEnd(p.ptr, at);
        if (p === p0) { nameFrom = at; nameTo = data + len + 2; }
        const countAt = data + len + 2;
        total += headerValue(p.ptr, countAt);
        cursors[i] = headerEnd(p.ptr, countAt);
      }
      out.append(p0.ptr + nameFrom, nameTo - nameFrom);
      putHeader(out, 0x3a, total);
    }
    this.finishWith(out);
  }
}

function everyShard(op: GatherOp, name: Lit | null): Op {
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    if (name != null) reqArg(name.ptr, name.len); else reqWholeArgv();
    op.expect(s);
    op.send(s);
  }
  return op;
}

function startChannels(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new NameUnionOp(c); op.parent = parent; op.holder = holder; return everyShard(op, null);
}

function startNumsub(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new NumsubOp(c); op.parent = parent; op.holder = holder; return everyShard(op, null);
}

function startNumpat(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = new NameUnionOp(c); op.parent = parent; op.holder = holder; op.countOnly = true;
  return everyShard(op, PATTERNS_INTERNAL);
}

// ---- the subscribed-connection rule of RESP2 ----

/** In RESP2 a subscribed connection may only (un)subscribe, PING, QUIT and RESET. */
export function allowedWhileSubscribed(cmd: Command): bool {
  const top = cmd.parent != null ? cmd.parent! : cmd;
  return (top.flags & F_PUBSUB_CONTEXT) != 0;
}

export function replyNotAllowedWhileSubscribed(cmd: Command): void {
  const text = new ByteBuf();
  text.append(CANT_EXECUTE.ptr, CANT_EXECUTE.len);
  text.append(cmd.fullNameLit.ptr, cmd.fullNameLit.len);
  text.append(ONLY_ALLOWED.ptr, ONLY_ALLOWED.len);
  replyError(text.ptr, text.len);
  text.release();
}

/** A flag bit (outside COMMAND's flags) marking the commands a subscribed RESP2 connection may run. */
export const F_PUBSUB_CONTEXT: u32 = 1 << 30;

export function registerPubsubCommands(): void {
  const flags = F_PUBSUB | F_NOSCRIPT | F_LOADING | F_STALE;
  const ctx = F_PUBSUB_CONTEXT;
  defineCommand("subscribe", -2, flags | ctx, 0, 0, 0, "pubsub slow", subscribe).originOnly = true;
  defineCommand("unsubscribe", -1, flags | ctx, 0, 0, 0, "pubsub slow", unsubscribe).originOnly = true;
  defineCommand("psubscribe", -2, flags | ctx, 0, 0, 0, "pubsub slow", psubscribe).originOnly = true;
  defineCommand("punsubscribe", -1, flags | ctx, 0, 0, 0, "pubsub slow", punsubscribe).originOnly = true;
  const pub = defineCommand("publish", 3, F_PUBSUB | F_LOADING | F_STALE | F_FAST, 0, 0, 0, "pubsub fast", publish);
  crossShard(pub, startPublish, true, false);
  const pubsub = defineCommand("pubsub", -2, 0, 0, 0, 0, "slow", pubsubChannels);
  const chans = defineSubcommand(pubsub, "channels", -2, F_PUBSUB | F_LOADING | F_STALE, 0, 0, 0, "pubsub slow", pubsubChannels);
  crossShard(chans, startChannels, true, false);
  const numsub = defineSubcommand(pubsub, "numsub", -2, F_PUBSUB | F_LOADING | F_STALE, 0, 0, 0, "pubsub slow", pubsubNumsub);
  crossShard(numsub, startNumsub, true, false);
  const numpat = defineSubcommand(pubsub, "numpat", 2, F_PUBSUB | F_LOADING | F_STALE, 0, 0, 0, "pubsub slow", pubsubNumpat);
  crossShard(numpat, startNumpat, true, false);
  defineSubcommand(pubsub, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "slow", pubsubHelp);
  defineInternal("\0publish", internalPublish);
  defineInternal("\0patterns", internalPatterns);
}

function pubsubHelp(c: Conn): void {
  replyArrayLen(HELP_LINES.length);
  for (let i = 0; i < HELP_LINES.length; i++) replySimpleLit(HELP_LINES[i]);
}

const HELP_LINES: Lit[] = [
  new Lit("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("CHANNELS [<pattern>]"),
  new Lit("    Return the currently active channels matching a <pattern> (default: '*')."),
  new Lit("NUMPAT"),
  new Lit("    Return number of subscriptions to patterns."),
  new Lit("NUMSUB [<channel> ...]"),
  new Lit("    Return the number of subscribers for the specified channels, excluding"),
  new Lit("    pattern subscriptions(default: no channels)."),
  new Lit("SHARDCHANNELS [<pattern>]"),
  new Lit("    Return the currently active shard level channels matching a <pattern> (default: '*')."),
  new Lit("SHARDNUMSUB [<shardchannel> ...]"),
  new Lit("    Return the number of subscribers for the specified shard level channel(s)"),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];

const SUBSCRIBE = new Lit("subscribe");
const UNSUBSCRIBE = new Lit("unsubscribe");
const PSUBSCRIBE = new Lit("psubscribe");
const PUNSUBSCRIBE = new Lit("punsubscribe");
const MESSAGE = new Lit("message");
const PMESSAGE = new Lit("pmessage");
const PUBLISH_INTERNAL = new Lit("\0publish");
const PATTERNS_INTERNAL = new Lit("\0patterns");
const CRLF = new Lit("\r\n");
const NULL_BULK = new Lit("$-1\r\n");
const NULL3 = new Lit("_\r\n");
const CANT_EXECUTE = new Lit("ERR Can't execute '");
const ONLY_ALLOWED = new Lit("': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
