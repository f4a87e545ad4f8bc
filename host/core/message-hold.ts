/**
 * message-hold — the inbound side of one ring `from → this shard` for a host that watches and slows
 * the cross-shard traffic (the browser demo): each message is taken off the ring at once, held for the
 * observer's current delay, reported when it is handed to the engine, then delivered.
 *
 * Owns: the held queue of one inbound ring and the time its head is due. It does not own the ring
 * format (message-link.ts) or what messages mean (docs/runtime.md).
 *
 * Why this is safe: the protocols rely only on each (from, to) pair being FIFO (docs/runtime.md). The
 * queue is FIFO and only its due *prefix* is delivered: a newer message given a shorter delay waits
 * behind the head, never overtakes it. Holding a message is the same as a slow ring; the engines cannot
 * tell the difference.
 *
 * Steps (`pump(engine, now)`):
 *   1. every published message is copied off the ring and queued with `due = now + holdMs()`;
 *   2. the due prefix of the queue becomes one batch `[len u32][message]…`: `observer.delivered` is told
 *      of each message, in order, then one `engine.deliver` hands the batch in.
 */
import type { Engine } from './engine-core.js';
import type { MessageReader } from './message-link.js';

/** Watches one shard's cross-shard traffic; optional part of a shard runtime (shard-runtime.ts). */
export interface ShardObserver {
  /** A message this shard puts on its ring to `target` (a view valid only during the call). */
  sent(target: number, message: Uint8Array): void;
  /** A message from shard `from`, about to be handed to this shard's engine (valid only during the call). */
  delivered(from: number, message: Uint8Array): void;
  /** A TRACE record of this shard's engine (one UTF-8 JSON object); present = tracing on. */
  trace?(record: Uint8Array): void;
  /** How long to hold each incoming message before delivering it, in ms (0: at the next pump). */
  holdMs(): number;
}

export interface HeldInbound {
  /** Takes what was published, delivers what is due. True if it did either. */
  pump(engine: Engine, now: number): boolean;
  /** When the head of the queue is due (Infinity when nothing is held); nothing is delivered before it. */
  nextDue(): number;
}

interface Held {
  due: number;
  message: Uint8Array;
}

export function createHeldInbound(reader: MessageReader, from: number, observer: ShardObserver): HeldInbound {
  const queue: Held[] = [];
  let head = 0;

  function take(now: number): number {
    const due = now + Math.max(0, observer.holdMs());
    return reader.readMessages((message) => {
      queue.push({ due, message });
    });
  }

  function deliverDue(engine: Engine, now: number): boolean {
    let end = head;
    let bytes = 0;
    while (end < queue.length && queue[end].due <= now) {
      bytes += 4 + queue[end].message.length;
      end++;
    }
    if (end === head) return false;
    const batch = new Uint8Array(bytes);
    const view = new DataView(batch.buffer);
    let w = 0;
    for (let i = head; i < end; i++) {
      const { message } = queue[i];
      observer.delivered(from, message);
      view.setUint32(w, message.length, true);
      batch.set(message, w + 4);
      w += 4 + message.length;
    }
    head = end;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    engine.deliver(from, batch);
    return true;
  }

  return {
    pump(engine, now) {
      const took = take(now) > 0;
      return deliverDue(engine, now) || took;
    },
    nextDue: () => (head < queue.length ? queue[head].due : Infinity),
  };
}
