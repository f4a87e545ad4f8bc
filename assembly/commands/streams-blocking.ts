// XREAD BLOCK and XREADGROUP BLOCK through the blocking arbiter (assembly/blocking/; lists-blocking.ts
// explains the build / try / handler faces). Without BLOCK they are the ordinary commands
// (streams-read.ts); inside MULTI their handler answers a null array at once, as Redis does.
//   - XREAD waits for an entry past its ID on any of its streams; `$` is frozen to each stream's last ID
//     on that stream's own shard when the waiter arms there. Served with that one stream's new entries.
//   - XREADGROUP waits (only with `>` for every stream: history IDs are answered at once) for entries its
//     group has not delivered; the first waiter of a group in line gets them, delivered to its consumer.
//     A deleted or overwritten stream, or a destroyed group, ends the wait with Redis 7.0's error.
// Keys on several shards are tried together under their locks by the cross-shard XREAD op, which answers
// every stream with data at once; with nothing anywhere, the waiter arms on every shard before unlocking.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen, argvSave, argvLoad } from "../shard/args";
import { lookupCommand } from "./table";
import { ByteBuf, Lit, bufferOf } from "../util/mem";
import { formatI64 } from "../util/int";
import { nowMs } from "../shard/clock";
import { bytesEqualNoCase } from "../util/bytes";
import { argIsWord } from "./keys-args";
import {
  parseXread, xreadTry, rdCount, rdNoack, rdGroupArg, rdStreamsArg, rdNumStreams, rdBlockArg,
} from "./streams-read";
import { XreadOp } from "./streams-read-cross";
import { BlockSpec } from "../blocking/block-spec";
import { BlockOp, onGatherTry } from "../blocking/block-op";
import { KIND_STREAM, KIND_STREAM_GROUP } from "../blocking/kinds";
import { defineBlocking } from "../blocking/registry";
import { parseTimeoutMillis, timeoutDeadline } from "../blocking/timeout";

function isGroupCommand(): bool { return bytesEqualNoCase(argPtr(0), argLen(0), XREADGROUP.ptr, XREADGROUP.len); }

/** Only a command with BLOCK (before STREAMS) may wait; the rest run as the ordinary XREAD. */
function wantsToBlock(c: Conn): bool {
  for (let i = 1; i < argc - 1; i++) {
    if (argIsWord(i, STREAMS)) return false;
    if (argIsWord(i, BLOCK)) return true;
  }
  return false;
}

function build(c: Conn): BlockSpec | null {
  const isGroup = isGroupCommand();
  if (!parseXread(isGroup)) return null;
  if (!parseTimeoutMillis(argPtr(rdBlockArg), argLen(rdBlockArg), nowMs)) return null;
  const spec = new BlockSpec(isGroup ? KIND_STREAM_GROUP : KIND_STREAM);
  spec.deadline = timeoutDeadline;
  spec.gatherAll = true;
  argvSave(spec.argv);
  for (let i = 0; i < rdStreamsArg; i++) spec.prefix.push(bufferOf(argPtr(i), argLen(i)));
  for (let k = 0; k < rdNumStreams; k++) {
    const key = rdStreamsArg + k;
    const id = rdStreamsArg + rdNumStreams + k;
    if (isGroup) spec.addKeyWith(argPtr(key), argLen(key), argPtr(rdGroupArg), argLen(rdGroupArg));
    else spec.addKeyWith(argPtr(key), argLen(key), argPtr(id), argLen(id));
    spec.suffix.push(bufferOf(argPtr(id), argLen(id)));
  }
  countText.len = 0;
  countText.reserve(24);
  countText.len = formatI64(countText.ptr, rdCount);
  if (isGroup) {
    spec.how(XGROUP);
    spec.serveHow.push(bufferOf(argPtr(rdGroupArg + 1), argLen(rdGroupArg + 1)));
    spec.serveHow.push(bufferOf(countText.ptr, countText.len));
    spec.how(rdNoack ? ONE : ZERO);
  } else {
    spec.how(XREAD);
    spec.serveHow.push(bufferOf(countText.ptr, countText.len));
  }
  return spec;
}

function tryNow(c: Conn): bool {
  parseXread(isGroupCommand());
  return xreadTry();
}

/** Keys on several shards: the cross-shard XREAD op as the arbiter's child, under the arbiter's locks. */
function gatherTry(op: BlockOp): void {
  argvLoad(op.spec.argv);
  const isGroup = isGroupCommand();
  parseXread(isGroup);
  const child = new XreadOp(op.conn, op.lockedShards(), op.holder, isGroup);
  child.nothingIsEmpty = true;
  child.parent = op;
  child.start();
}

export function registerBlockingStreamCommands(): void {
  const xread = lookupCommand(XREAD.ptr, XREAD.len)!;
  const xreadgroup = lookupCommand(XREADGROUP.ptr, XREADGROUP.len)!;
  defineBlocking(xread, build, tryNow, wantsToBlock);
  defineBlocking(xreadgroup, build, tryNow, wantsToBlock);
  onGatherTry(gatherTry);
}

const countText = new ByteBuf();
const XREAD = new Lit("xread");
const XREADGROUP = new Lit("xreadgroup");
const XGROUP = new Lit("xgroup");
const BLOCK = new Lit("block");
const STREAMS = new Lit("streams");
const ZERO = new Lit("0");
const ONE = new Lit("1");
