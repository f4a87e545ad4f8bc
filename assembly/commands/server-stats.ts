// The server's statistics as INFO reports them and CONFIG RESETSTAT zeroes them.
//
// The counters live with their owners: keyspace hits, misses and expired keys in store/keyspace.ts,
// connections opened on the Conn class, calls on each command-table row. Only the rows' calls are ours
// to write, so RESETSTAT zeroes those in place and records a baseline for the others; INFO reports the
// difference. Redis counts a command once it has finished, so the command asking (INFO) is left out of
// its own figures. Memory: used is the raw heap in use, the peak is the highest value INFO or a reset
// has seen, the startup figure is what was in use when the command table was complete.
import { Command, allCommands } from "./table";
import { statHits, statMisses, statExpired } from "../store/keyspace";
import { Conn } from "../shard/conn";
import { rawBytesInUse } from "../util/mem";

let hitsBase: u64 = 0;
let missesBase: u64 = 0;
let expiredBase: u64 = 0;
let connectionsBase: u64 = 0;
let peak: u64 = 0;
let startup: u64 = 0;

/**
 * Called once the command table is filled: the memory in use now is the startup figure, and the Conns
 * made so far are the engine's own (a stand-in for remote clients), not connections received.
 */
export function statsStart(): void {
  connectionsBase = Conn.opened;
  startup = rawBytesInUse;
  peak = startup;
}

export function keyspaceHits(): u64 { return statHits - hitsBase; }
export function keyspaceMisses(): u64 { return statMisses - missesBase; }
export function expiredKeys(): u64 { return statExpired - expiredBase; }
export function connectionsReceived(): u64 { return Conn.opened - connectionsBase; }

/** Calls of `cmd` that have finished: the running command is not counted yet. */
export function finishedCalls(cmd: Command, running: Command | null): u64 {
  return cmd === running && cmd.calls > 0 ? cmd.calls - 1 : cmd.calls;
}

export function commandsProcessed(running: Command | null): u64 {
  let total: u64 = 0;
  for (let i = 0, n = allCommands.length; i < n; i++) {
    const cmd = unchecked(allCommands[i]);
    if (cmd.internal) continue;
    total += finishedCalls(cmd, running);
    const subs = cmd.subcommands;
    if (subs == null) continue;
    for (let j = 0, m = subs.length; j < m; j++) total += finishedCalls(unchecked(subs[j]), running);
  }
  return total;
}

export function usedMemory(): u64 {
  const used = rawBytesInUse;
  if (used > peak) peak = used;
  return used;
}

export function peakMemory(): u64 { return peak; }
export function startupMemory(): u64 { return startup; }

/** CONFIG RESETSTAT; `running` (the RESETSTAT row) counts as one call, finished after the reset. */
export function resetStats(running: Command): void {
  hitsBase = statHits;
  missesBase = statMisses;
  expiredBase = statExpired;
  connectionsBase = Conn.opened;
  peak = rawBytesInUse;
  for (let i = 0, n = allCommands.length; i < n; i++) {
    const cmd = unchecked(allCommands[i]);
    cmd.calls = 0;
    const subs = cmd.subcommands;
    if (subs == null) continue;
    for (let j = 0, m = subs.length; j < m; j++) unchecked(subs[j]).calls = 0;
  }
  running.calls = 1;
}
