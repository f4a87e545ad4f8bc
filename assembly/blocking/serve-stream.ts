// Serving a stream waiter on the stream's shard: XREAD BLOCK gets the entries after its ID, XREADGROUP
// BLOCK (`>`) the group's undelivered entries — both as `[[key, entries]]` (RESP3: a one-entry map), read
// exactly as the non-blocking commands read (commands/streams-read.ts). A group reader whose stream was
// deleted or overwritten, or whose group was destroyed, is answered with Redis 7.0's error instead.
import { ByteBuf, Lit } from "../util/mem";
import { pushCapture, popCapture, replyTarget, replyArrayLen, replyMapLen, replyBulk, writeRaw } from "../resp/writer";
import { entryType, entryValue, TYPE_STREAM } from "../store/entry";
import { streamLastMs, streamLastSeq, streamGroups } from "../store/stream";
import { groupLookup, groupLastMs, groupLastSeq } from "../store/stream-groups";
import { idCompare } from "../store/stream-id";
import { readAfter, readGroup } from "../commands/streams-read";
import { consumerFor } from "../commands/streams-groups";

/** XREAD: true when stream entry `e` has entries past the 16-byte ID at `id` (written to `payload`). */
export function serveXread(e: usize, key: usize, keyLen: u32, id: usize, count: i64, resp3: bool,
                           payload: ByteBuf): bool {
  if (e == 0 || entryType(e) != TYPE_STREAM) return false;
  const s = entryValue(e);
  const ms = load<u64>(id);
  const seq = load<u64>(id, 8);
  if (idCompare(streamLastMs(s), streamLastSeq(s), ms, seq) <= 0) return false;
  begin(key, keyLen, resp3, payload);
  readAfter(s, ms, seq, count);
  popCapture();
  return true;
}

/** XREADGROUP `>`: true when it answered — entries delivered to `consumer`, or the error of a lost stream. */
export function serveXgroup(e: usize, key: usize, keyLen: u32, group: usize, groupLen: u32, consumer: usize,
                            consumerLen: u32, count: i64, noack: bool, resp3: bool, payload: ByteBuf): bool {
  if (e == 0 || entryType(e) != TYPE_STREAM) { payload.append(NO_KEY.ptr, NO_KEY.len); return true; }
  const s = entryValue(e);
  const g = groupLookup(streamGroups(s), group, groupLen);
  if (g == 0) { payload.append(NO_GROUP.ptr, NO_GROUP.len); return true; }
  const ms = groupLastMs(g);
  const seq = groupLastSeq(g);
  if (idCompare(streamLastMs(s), streamLastSeq(s), ms, seq) <= 0) return false;
  begin(key, keyLen, resp3, payload);
  readGroup(s, g, consumerFor(g, consumer, consumerLen), ms, seq, count, noack, false);
  popCapture();
  return true;
}

function begin(key: usize, keyLen: u32, resp3: bool, payload: ByteBuf): void {
  pushCapture(payload);
  replyTarget(0, resp3);
  if (resp3) {
    replyMapLen(1);
  } else {
    replyArrayLen(1);
    replyArrayLen(2);
  }
  replyBulk(key, keyLen);
}

const NO_KEY = new Lit("-UNBLOCKED the stream key no longer exists\r\n");
const NO_GROUP = new Lit("-NOGROUP the consumer group this client was blocked on no longer exists\r\n");
