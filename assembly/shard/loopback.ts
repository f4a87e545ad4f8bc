// Messages a shard sends to itself. The protocols treat the origin's own shard like any other target
// (a lock on itself, the local part of a fan-out), and this queue is its "ring": records are
// `[len u32][message]`, processed after the current command finishes. A batch being processed is never
// written to: new messages go to a fresh buffer, so processing may nest (a message whose handling runs
// a connection's commands, which drain the loopback again) without disturbing the batch below it.
import { ByteBuf } from "../util/mem";

let filling = new ByteBuf();
const spare = new Array<ByteBuf>();

export function loopbackReserve(size: u32): usize {
  filling.reserve(size + 4);
  const at = filling.ptr + filling.len;
  store<u32>(at, size);
  return at + 4;
}

export function loopbackCommit(size: u32): void {
  filling.len += size + 4;
}

export function loopbackPending(): bool { return filling.len > 0; }

/** The batch to process (records `[len u32][message]`); give it back with loopbackDone. */
export function loopbackTake(): ByteBuf {
  const batch = filling;
  filling = spare.length > 0 ? spare.pop() : new ByteBuf();
  filling.len = 0;
  return batch;
}

/** A batch is fully processed: its buffer is reused. */
export function loopbackDone(batch: ByteBuf): void {
  batch.len = 0;
  spare.push(batch);
}
