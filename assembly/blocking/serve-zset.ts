// Serving a sorted-set waiter (BZPOPMIN, BZPOPMAX, BZMPOP) on the key's shard: the members it takes are
// recorded in escrow with their scores, then popped and replied exactly as ZPOPMIN/ZMPOP reply them
// (commands/zset-pop.ts), in the waiter's protocol (a score is a double in RESP3).
import { ByteBuf } from "../util/mem";
import { pushCapture, popCapture, replyTarget } from "../resp/writer";
import { entryValue, entryKey, entryKeyLen } from "../store/entry";
import { zsetLen, ZIter } from "../store/zset";
import { zsetPopReply, POP_WITH_KEY, POP_KEY_NESTED } from "../commands/zset-pop";
import { escrowOpen, escrowAddScored } from "./escrow";

/** Pops up to `count` members of zset entry `e` into `payload`; returns the escrow id. */
export function serveZpop(e: usize, max: bool, count: i64, nested: bool, resp3: bool, payload: ByteBuf): u32 {
  const z = entryValue(e);
  const len = zsetLen(z);
  const n = count > <i64>len ? len : <u32>count;
  const id = escrowOpen(entryKey(e), entryKeyLen(e), !max);
  const it = new ZIter(z);
  it.seek(max ? len - 1 : 0);
  for (let k: u32 = 0; k < n && it.valid; k++) {
    escrowAddScored(id, it.ptr, it.len, it.score);
    if (max) it.prev(); else it.next();
  }
  pushCapture(payload);
  replyTarget(0, resp3);
  zsetPopReply(e, n, max, nested ? POP_KEY_NESTED : POP_WITH_KEY);
  popCapture();
  return id;
}
