// The commands that describe or act on the whole server, when it has several shards: CLIENT LIST and
// CLIENT KILL see every connection on every shard, INFO's figures are totals over every shard. Each asks
// every shard for its part (`\0clientlist`, `\0clientkill`, `\0stats`, answered in RESP2) and the origin
// writes the one reply a single Redis would give. With one shard these run locally as they are.
import { Conn, conns } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { Command, lookupCommand, crossShard, defineInternal, lookupSubcommand } from "./table";
import { Op } from "../shard/ops";
import { GatherOp, SumOp, putHeader } from "../shard/gather";
import { reqBegin, reqArg } from "../shard/messages";
import { shardIndex, shardCount } from "../shard/server-info";
import { pushCapture, popCapture, replyTarget, replyVerbatim, replyArrayLen, replyInt, replyBulk, writeRaw } from "../resp/writer";
import { ByteBuf, Lit } from "../util/mem";
import { headerValue, headerEnd } from "../resp/frame";
import { formatI64, parseI64, parsedI64 } from "../util/int";
import { clientList, killFilterOrReply, killLocal, replyKilled, unblockArgsOk } from "./client";
import { UNBLOCK_TIMEOUT, UNBLOCK_ERROR } from "../blocking/block-op";
import { setTotals, T_CLIENTS, T_KEYS, T_EXPIRES, T_TTL_SUM, T_TTL_KEYS, T_HITS, T_MISSES, T_EXPIRED,
         T_COMMANDS, T_CONNECTIONS, T_CHANNELS, T_PATTERNS, T_MEMORY, T_COUNT } from "./mesh-totals";
import { blockedCount, unblockConn } from "../blocking/blocked";
import { averageTtl, ttlSampleSum, ttlSampleKeys, subscriptionNames } from "./info-sections";
import { DistinctNames } from "../util/distinct-names";
import { infoWantsStats } from "./info";
import { addNameArray } from "./pubsub";
import { keyspaceHits, keyspaceMisses, expiredKeys, connectionsReceived, commandsProcessed, usedMemory } from "./server-stats";
import { keyCount, volatileCount } from "../store/keyspace";

/** A gather that runs under `parent` and transaction `holder`, its parts replies of internal commands. */
function gatherUnder<T extends GatherOp>(op: T, parent: Op | null, holder: u32): T {
  op.parent = parent;
  op.holder = holder;
  op.plainReplies = true;
  return op;
}

/** Sends `name <caller id> <this command's arguments from index 2>` to every shard. */
function toEveryShard(op: GatherOp, name: Lit, callerId: u32): void {
  const id = new ByteBuf();
  id.reserve(24);
  id.len = formatI64(id.ptr, callerId);
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    reqArg(name.ptr, name.len);
    reqArg(id.ptr, id.len);
    for (let i = 2; i < argc; i++) reqArg(argPtr(i), argLen(i));
    op.expect(s);
    op.send(s);
  }
  id.release();
}

/** Runs `handler` for `c` now, capturing its reply; true when the reply is an error (then written). */
function checkedLocally(c: Conn, handler: (c: Conn) => void): bool {
  const scratch = new ByteBuf();
  pushCapture(scratch);
  handler(c);
  popCapture();
  const isError = scratch.len > 0 && load<u8>(scratch.ptr) == 0x2d;
  if (isError) writeRaw(scratch.ptr, scratch.len);
  scratch.release();
  return isError;
}

// ---- CLIENT LIST ----

/** Text parts (RESP2 bulks) from every shard, joined into one bulk (verbatim in RESP3). */
class TextJoinOp extends GatherOp {
  combine(): void {
    const text = new ByteBuf();
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p == null) continue;
      const n = <u32>headerValue(p.ptr, 0);
      text.append(p.ptr + headerEnd(p.ptr, 0), n);
    }
    const out = new ByteBuf();
    pushCapture(out);
    replyTarget(this.connId, this.resp3);
    replyVerbatim(text.ptr, text.len);
    popCapture();
    text.release();
    this.finishWith(out);
  }
}

function startClientList(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (checkedLocally(c, clientList)) return null;
  const op = gatherUnder(new TextJoinOp(c), parent, holder);
  toEveryShard(op, CLIENT_LIST, c.id);
  return op;
}

/** `\0clientlist <caller> [TYPE t | ID …]`: this shard's lines. */
function internalClientList(c: Conn): void {
  clientList(c);
}

// ---- CLIENT KILL ----

class KillSumOp extends GatherOp {
  oldForm: bool = false;
  combine(): void {
    const killed = this.sumOfHeaders();
    const out = new ByteBuf();
    pushCapture(out);
    replyTarget(this.connId, this.resp3);
    replyKilled(killed, this.oldForm);
    popCapture();
    this.finishWith(out);
  }
}

function startClientKill(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (killFilterOrReply() == null) return null;
  const op = gatherUnder(new KillSumOp(c), parent, holder);
  op.oldForm = argc == 3;
  toEveryShard(op, CLIENT_KILL, c.id);
  return op;
}

/** `\0clientkill <caller> <filters>`: kills matches here; the caller is spared or closed after its reply. */
function internalClientKill(c: Conn): void {
  parseI64(argPtr(1), argLen(1));
  const callerId = c.originShard == shardIndex ? <u32>parsedI64 : 0;
  const f = killFilterOrReply();
  if (f == null) return;
  replyInt(killLocal(f, callerId));
}

// ---- CLIENT UNBLOCK ----

function startClientUnblock(c: Conn, parent: Op | null, holder: u32): Op | null {
  if (!unblockArgsOk()) return null;
  const op = gatherUnder(new SumOp(c), parent, holder);
  toEveryShard(op, CLIENT_UNBLOCK, c.id);
  return op;
}

/** `\0clientunblock <caller> <id> [reason]`: 1 when that connection lives here and was blocked. */
function internalClientUnblock(c: Conn): void {
  parseI64(argPtr(2), argLen(2));
  const id = parsedI64;
  const how = argc > 3 && (load<u8>(argPtr(3)) | 0x20) == 0x65 ? UNBLOCK_ERROR : UNBLOCK_TIMEOUT;
  replyInt(id < 0 || id > <i64>u32.MAX_VALUE ? 0 : unblockConn(<u32>id, how));
}

// ---- INFO ----

class InfoOp extends GatherOp {
  argv: ByteBuf = new ByteBuf();
  client: Conn | null = null;
  combine(): void {
    const totals = new StaticArray<i64>(T_COUNT);
    // A channel (or pattern) subscribed on several shards counts once, as on one Redis.
    const channels = new DistinctNames();
    const patterns = new DistinctNames();
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p == null) continue;
      let at = headerEnd(p.ptr, 0);
      for (let t = 0; t < T_COUNT; t++) {
        totals[t] += headerValue(p.ptr, at);
        at = headerEnd(p.ptr, at);
      }
      at = addNameArray(channels, p, at);
      addNameArray(patterns, p, at);
    }
    totals[T_CHANNELS] = channels.size;
    totals[T_PATTERNS] = patterns.size;
    channels.release();
    patterns.release();
    argvLoad(this.argv);
    const out = new ByteBuf();
    pushCapture(out);
    replyTarget(this.connId, this.resp3);
    setTotals(totals);
    infoCommand!.handler(this.client!);
    setTotals(null);
    popCapture();
    this.argv.release();
    this.finishWith(out);
  }
}

function startInfo(c: Conn, parent: Op | null, holder: u32): Op | null {
  const op = gatherUnder(new InfoOp(c), parent, holder);
  argvSave(op.argv);
  op.client = c;
  const names = infoWantsStats();
  for (let s: u32 = 0; s < shardCount; s++) {
    reqBegin(s);
    reqArg(STATS.ptr, STATS.len);
    if (names) reqArg(NAMES.ptr, NAMES.len);
    op.expect(s);
    op.send(s);
  }
  return op;
}

/**
 * `\0stats [names]`: this shard's counts, in mesh-totals order, then its channel and pattern names — empty
 * unless asked (only INFO's stats section prints the distinct counts they give).
 */
function internalStats(c: Conn): void {
  averageTtl();
  const withNames = argc > 1;
  replyArrayLen(T_COUNT + 2);
  replyInt(conns.size);
  replyInt(keyCount());
  replyInt(volatileCount);
  replyInt(ttlSampleSum);
  replyInt(ttlSampleKeys);
  replyInt(<i64>keyspaceHits());
  replyInt(<i64>keyspaceMisses());
  replyInt(<i64>expiredKeys());
  replyInt(<i64>commandsProcessed(null));
  replyInt(<i64>connectionsReceived());
  const channels = subscriptionNames(false);
  const patterns = subscriptionNames(true);
  replyInt(channels.length);
  replyInt(patterns.length);
  replyInt(<i64>usedMemory());
  replyInt(blockedCount(false));
  replyInt(blockedCount(true));
  replyNames(withNames ? channels : NO_NAMES);
  replyNames(withNames ? patterns : NO_NAMES);
}

const NO_NAMES = new Array<ByteBuf>();

function replyNames(names: Array<ByteBuf>): void {
  replyArrayLen(names.length);
  for (let i = 0; i < names.length; i++) replyBulk(names[i].ptr, names[i].len);
}

let infoCommand: Command | null = null;

function find(name: Lit): Command | null { return lookupCommand(name.ptr, name.len); }

export function registerMeshViews(): void {
  infoCommand = find(INFO);
  if (infoCommand != null) crossShard(infoCommand!, startInfo, true, false);
  const client = find(CLIENT);
  if (client != null) {
    const list = lookupSubcommand(client!, LIST.ptr, LIST.len);
    if (list != null) crossShard(list!, startClientList, true, false);
    const kill = lookupSubcommand(client!, KILL.ptr, KILL.len);
    if (kill != null) crossShard(kill!, startClientKill, true, false);
    const unblock = lookupSubcommand(client!, UNBLOCK.ptr, UNBLOCK.len);
    if (unblock != null) crossShard(unblock!, startClientUnblock, true, false);
  }
  defineInternal("\0clientlist", internalClientList);
  defineInternal("\0clientkill", internalClientKill);
  defineInternal("\0stats", internalStats);
  defineInternal("\0clientunblock", internalClientUnblock);
}

const INFO = new Lit("info");
const CLIENT = new Lit("client");
const LIST = new Lit("list");
const KILL = new Lit("kill");
const CLIENT_LIST = new Lit("\0clientlist");
const CLIENT_KILL = new Lit("\0clientkill");
const STATS = new Lit("\0stats");
const NAMES = new Lit("names");
const UNBLOCK = new Lit("unblock");
const CLIENT_UNBLOCK = new Lit("\0clientunblock");
