// Reply ordering: a connection's replies leave in the order its commands arrived, whatever shard
// answers them. While nothing is outstanding, a reply goes straight to the outbox (the fast path). Once a
// command waits on another shard it holds a slot in the connection's queue, and every later reply is
// captured into a slot of its own behind it; completed slots at the head of the queue are flushed.
// A slot marked `barrier` also stops the connection's next commands from running until it completes
// (multi-shard steps such as EXEC or a cross-shard RENAME must not be overtaken).
import { Conn } from "./conn";
import { ByteBuf } from "../util/mem";
import { replyTarget, pushCapture, popCapture, writeRaw } from "../resp/writer";

/** Called when a connection's last barrier completes (session.ts resumes it if it stalled). */
let barrierLifted: (c: Conn) => void = ignore;
function ignore(c: Conn): void {}
export function onBarrierLifted(hook: (c: Conn) => void): void { barrierLifted = hook; }

/** Called when a closing connection's last owed reply went out (session.ts closes it then). */
let flushedForClose: (c: Conn) => void = ignore;
export function onFlushedForClose(hook: (c: Conn) => void): void { flushedForClose = hook; }

export class ReplySlot {
  done: bool = false;
  barrier: bool = false;
  readonly bytes: ByteBuf = new ByteBuf();
}

/** Flushed slots kept for reuse (with their small buffers): the forwarding hot path allocates none. */
const spareSlots = new Array<ReplySlot>();
const MAX_SPARE_SLOTS = 1024;
const MAX_KEPT_BUFFER: u32 = 16384;

function takeSlot(): ReplySlot {
  if (spareSlots.length == 0) return new ReplySlot();
  return spareSlots.pop();
}

function recycleSlot(slot: ReplySlot): void {
  slot.done = false;
  slot.barrier = false;
  slot.bytes.len = 0;
  if (slot.bytes.cap > MAX_KEPT_BUFFER || spareSlots.length >= MAX_SPARE_SLOTS) slot.bytes.release();
  if (spareSlots.length < MAX_SPARE_SLOTS) spareSlots.push(slot);
}

/** A slot for a reply that will come later (forwarded, gathered, multi-step). */
export function openSlot(c: Conn, barrier: bool): ReplySlot {
  const slot = takeSlot();
  slot.barrier = barrier;
  c.slots.push(slot);
  if (barrier) c.barriers++;
  return slot;
}

/** True when replies must be captured rather than written (something earlier is outstanding). */
// @ts-ignore: decorator
@inline export function mustQueue(c: Conn): bool { return c.slots.length > c.slotHead; }

/**
 * Starts capturing the reply of a command that runs now but must wait its turn. Consecutive such
 * replies share one slot (the last one, while it is complete), so a long pipeline behind one forwarded
 * command costs one buffer, not one per command.
 */
export function beginQueuedReply(c: Conn): void {
  const slots = c.slots;
  const n = slots.length;
  let slot: ReplySlot;
  if (n > c.slotHead && unchecked(slots[n - 1]).done) {
    slot = unchecked(slots[n - 1]);
  } else {
    slot = takeSlot();
    slot.done = true;
    slots.push(slot);
  }
  pushCapture(slot.bytes);
}

export function endQueuedReply(): void {
  popCapture();
}

/** Completes a slot with `len` reply bytes and flushes what can go. */
export function completeSlot(c: Conn, slot: ReplySlot, ptr: usize, len: u32): void {
  fillSlot(slot, ptr, len);
  const barrier = slot.barrier; // read before flushing: a flushed slot is recycled
  flushSlots(c);
  if (barrier && --c.barriers == 0) barrierLifted(c);
}

/** Completes a slot that is not a barrier without flushing (the caller fills several, then flushes). */
export function fillSlot(slot: ReplySlot, ptr: usize, len: u32): void {
  slot.bytes.append(ptr, len);
  slot.done = true;
}

/** Writes every completed slot at the head of the queue to the outbox, in order. */
export function flushSlots(c: Conn): void {
  pushCapture(null);
  let head = c.slotHead;
  const slots = c.slots;
  while (head < slots.length) {
    const slot = unchecked(slots[head]);
    if (!slot.done) break;
    if (slot.bytes.len > 0) {
      replyTarget(c.id, c.resp3);
      writeRaw(slot.bytes.ptr, slot.bytes.len);
    }
    recycleSlot(slot);
    head++;
  }
  if (head == slots.length) {
    slots.length = 0;
    c.slotHead = 0;
    if (c.closeWhenFlushed) {
      popCapture();
      flushedForClose(c);
      return;
    }
  } else {
    c.slotHead = head;
  }
  popCapture();
}

/** Bytes for `c` that are not the reply to a command (a pub/sub message): they join its output now. */
export function sendOutOfBand(c: Conn, ptr: usize, len: u32): void {
  if (mustQueue(c)) {
    const slot = takeSlot();
    slot.done = true;
    slot.bytes.append(ptr, len);
    c.slots.push(slot);
    return;
  }
  pushCapture(null);
  replyTarget(c.id, c.resp3);
  writeRaw(ptr, len);
  popCapture();
}
