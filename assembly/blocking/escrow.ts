// Escrow: what a serve popped for a waiter, kept on the key's shard until the origin says it reached a
// live connection (DELIVERED) or that nobody took it (RESTORE). A restore puts list elements back at the
// end they came from, in their order, and sorted-set members back with their scores (unless the member was
// added again meanwhile); the key's next waiter is then offered them. No element is lost when a
// connection closes mid-serve, and none is served twice.
import { ByteBuf } from "../util/mem";
import { lookup, entryModified } from "../store/keyspace";
import { entryType, entryValue, TYPE_LIST, TYPE_ZSET } from "../store/entry";
import { zsetScore, zsetInsert, FORM_LISTPACK } from "../store/zset";
import { createZset, zsetWritten } from "../commands/zsets";
import { listPush } from "../store/list";
import { createList } from "../commands/lists";

class Escrow {
  readonly key: ByteBuf = new ByteBuf();
  readonly elements: Array<ByteBuf> = new Array<ByteBuf>();
  /** Sorted-set members' scores (empty for list elements). */
  readonly scores: Array<f64> = new Array<f64>();
  atHead: bool = true;

  release(): void {
    this.key.release();
    for (let i = 0; i < this.elements.length; i++) unchecked(this.elements[i]).release();
  }
}

const held = new Map<u32, Escrow>();
let nextId: u32 = 0;

/** While a blocking command's try runs for another shard's client: what it pops goes into escrow too. */
let recording = false;
let recorded: u32 = 0;

export function escrowStartRecording(): void { recording = true; recorded = 0; }

/** Stops recording; the escrow the try filled, or 0 when it popped nothing. */
export function escrowStopRecording(): u32 { recording = false; return recorded; }

/** A pop happening now (lists.ts popAndReply, zset-pop.ts): kept in escrow while recording. */
export function escrowRecordPop(key: usize, keyLen: u32, atHead: bool, ptr: usize, len: u32): void {
  if (!recording) return;
  if (recorded == 0) recorded = escrowOpen(key, keyLen, atHead);
  escrowAdd(recorded, ptr, len);
}

export function escrowRecordScoredPop(key: usize, keyLen: u32, ptr: usize, len: u32, score: f64): void {
  if (!recording) return;
  if (recorded == 0) recorded = escrowOpen(key, keyLen, true);
  escrowAddScored(recorded, ptr, len, score);
}

export function escrowCount(): i32 { return held.size; }

/** Opens an escrow for elements popped from `key` at one end; add them in pop order. */
export function escrowOpen(key: usize, keyLen: u32, atHead: bool): u32 {
  if (++nextId == 0) nextId = 1;
  const e = new Escrow();
  e.key.append(key, keyLen);
  e.atHead = atHead;
  held.set(nextId, e);
  return nextId;
}

export function escrowAdd(id: u32, ptr: usize, len: u32): void {
  const b = new ByteBuf();
  b.append(ptr, len);
  held.get(id).elements.push(b);
}

/** A sorted-set member with its score. */
export function escrowAddScored(id: u32, ptr: usize, len: u32, score: f64): void {
  escrowAdd(id, ptr, len);
  held.get(id).scores.push(score);
}

/** DELIVERED: the elements are the client's now. */
export function escrowRelease(id: u32): void {
  if (!held.has(id)) return;
  held.get(id).release();
  held.delete(id);
}

/**
 * RESTORE: back where they came from (the list is made again if it went empty). If the key now holds
 * another type, it was overwritten meanwhile, which would have dropped the elements with the list.
 */
export function escrowRestore(id: u32): void {
  if (!held.has(id)) return;
  const e = held.get(id);
  held.delete(id);
  if (e.scores.length > 0) restoreMembers(e);
  else restoreElements(e);
  e.release();
}

function restoreMembers(e: Escrow): void {
  let entry = lookup(e.key.ptr, e.key.len);
  if (entry == 0) entry = createZset(e.key.ptr, e.key.len, FORM_LISTPACK);
  if (entryType(entry) != TYPE_ZSET) return;
  const z = entryValue(entry);
  for (let i = 0; i < e.elements.length; i++) {
    const b = unchecked(e.elements[i]);
    if (!zsetScore(z, b.ptr, b.len)) zsetInsert(z, unchecked(e.scores[i]), b.ptr, b.len);
  }
  zsetWritten(entry);
}

function restoreElements(e: Escrow): void {
  let entry = lookup(e.key.ptr, e.key.len);
  if (entry == 0) entry = createList(e.key.ptr, e.key.len);
  if (entryType(entry) == TYPE_LIST) {
    entryModified(entry);
    const l = entryValue(entry);
    for (let i = e.elements.length - 1; i >= 0; i--) {
      const b = unchecked(e.elements[i]);
      listPush(l, b.ptr, b.len, e.atHead);
    }
  }
}
