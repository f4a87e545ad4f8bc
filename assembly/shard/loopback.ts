// Messages a shard sends to itself. The protocols treat the origin's own shard like any other target
// (a lock on itself, the local part of a fan-out), and this queue is its "ring": records are
// `[len u32][message]`, processed after the current command finishes. Two buffers alternate so a message
// being processed (whose bytes are the running command's arguments) is never moved by new ones.
import { ByteBuf } from "../util/mem";

let filling = new ByteBuf();
let draining = new ByteBuf();

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

/** Swaps buffers and returns the batch to process: records `[len u32][message]`. */
export function loopbackTake(): ByteBuf {
  const batch = filling;
  filling = draining;
  filling.len = 0;
  draining = batch;
  return batch;
}
