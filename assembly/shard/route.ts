// Routing at the origin: where a command runs. With one shard, or when every key of the command lives
// here, it runs here and now (the fast path). A command whose keys all live on one other shard is
// forwarded there whole. A command whose keys span shards, or that concerns every shard (DBSIZE,
// KEYS …), is started by its family's cross-shard starter, which splits it and gathers the answers.
// Either way the reply takes the command's place in the connection's reply order.
import { Conn } from "./conn";
import { argc, argPtr, argLen } from "./args";
import { Command } from "../commands/table";
import { keyShard } from "./placement";
import { shardIndex, shardCount } from "./server-info";
import { Op } from "./ops";
import { forwardWhole } from "./gather";
import { openSlot } from "./replies";
import { replyErrorLit } from "../resp/writer";
import { Lit } from "../util/mem";

/** Where the command's keys live: a shard index, KEYS_NONE, or KEYS_SPREAD. */
export const KEYS_NONE: i32 = -1;
export const KEYS_SPREAD: i32 = -2;

/** The last key argument of a command, from its table entry (negative lastKey counts from the end). */
export function lastKeyIndex(cmd: Command): i32 {
  const last = cmd.lastKey;
  return last >= 0 ? last : argc + last;
}

export function keysPlace(cmd: Command): i32 {
  if (cmd.firstKey <= 0 || cmd.firstKey >= argc) return KEYS_NONE;
  const last = min(lastKeyIndex(cmd), argc - 1);
  const step = max(cmd.keyStep, 1);
  let place = <i32>keyShard(argPtr(cmd.firstKey), argLen(cmd.firstKey));
  for (let i = cmd.firstKey + step; i <= last; i += step) {
    if (<i32>keyShard(argPtr(i), argLen(i)) != place) return KEYS_SPREAD;
  }
  return place;
}

/**
 * Where a command runs, decided once at the origin: this shard's index (no other shard involved),
 * another shard's index (every key lives there), or KEYS_SPREAD (its cross-shard starter runs it).
 */
export function placeOf(cmd: Command): i32 {
  if (shardCount == 1) return <i32>shardIndex;
  if (cmd.starter != null && cmd.everyShard) return KEYS_SPREAD;
  const place = keysPlace(cmd);
  return place == KEYS_NONE ? <i32>shardIndex : place;
}

/** True when the command can run right here with no other shard involved. */
export function runsHere(cmd: Command): bool {
  return placeOf(cmd) == <i32>shardIndex;
}

/**
 * Starts a command that does not run here: returns its op (already sent), or null after replying an
 * error. `parent`/`holder` are set for a command inside EXEC.
 */
export function startRemote(c: Conn, cmd: Command, parent: Op | null, holder: u32): Op | null {
  const starter = cmd.starter;
  const place = cmd.everyShard ? KEYS_SPREAD : keysPlace(cmd);
  if (place >= 0 || place == KEYS_NONE) return forwardWhole(c, parent, holder, place >= 0 ? <u32>place : shardIndex);
  if (starter == null) {
    replyErrorLit(ERR_CROSSSLOT);
    return null;
  }
  return starter(c, parent, holder);
}

/** Opens the reply slot of a top-level op that was just started. */
export function attachSlot(c: Conn, op: Op, barrier: bool): void {
  op.slot = openSlot(c, barrier || op.barrier);
}

const ERR_CROSSSLOT = new Lit("CROSSSLOT Keys in request don't hash to the same slot");
