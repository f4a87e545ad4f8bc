// The shard engine's exported ABI (docs/abi.md), and nothing else: each export hands its work to the
// module that owns it. The host passes the time into every call; the engine never reads a clock.
import { outboxPtr, outboxClear, outboxSeal, outboxClose } from "./shard/outbox";
import { connOpen, connFeed, connClose, connKnown } from "./shard/session";
import { clockSet, nowMs } from "./shard/clock";
import { randomSeed } from "./util/random";
import { activeExpireCycle, tableMaintenance } from "./store/expiry";
import { keyspaceStart } from "./store/keyspace";
import { registerAllCommands } from "./commands/registry";
import { setServerInfo, setShardPlace } from "./shard/server-info";
import { ByteBuf } from "./util/mem";
import { buildPlacement } from "./shard/placement";
import { initInbox, deliverBatch, drainLoopback } from "./shard/inbox";
import { sweepTimeouts } from "./blocking/blocked";
import { setTracing } from "./blocking/trace";
import { initSessions } from "./shard/session";

const input = new ByteBuf();

export function init(seed: u32, shardIndex: u32, shardCount: u32, now: f64): void {
  randomSeed(seed);
  clockSet(<i64>now);
  keyspaceStart(<i64>now);
  setShardPlace(shardIndex, shardCount);
  buildPlacement();
  initInbox();
  initSessions();
  registerAllCommands();
}

export function input_reserve(len: u32): usize {
  input.len = 0;
  input.reserve(len);
  return input.ptr;
}

export function server_info(len: u32): void {
  setServerInfo(input.ptr, len);
}

export function conn_open(id: u32, len: u32, now: f64): void {
  clockSet(<i64>now);
  connOpen(id, input.ptr, len, nowMs);
}

export function conn_feed(id: u32, len: u32, now: f64): u32 {
  clockSet(<i64>now);
  connFeed(id, input.ptr, len, nowMs);
  return outboxSeal();
}

/** The peer went away. The CLOSE record it leaves says every byte for `id` has been handed over before
 *  it: a host keeping a half-closed socket writable ends it then (docs/abi.md). */
export function conn_close(id: u32, now: f64): u32 {
  clockSet(<i64>now);
  if (connKnown(id)) {
    connClose(id);
    outboxClose(id);
  }
  return outboxSeal();
}

/** The scratch area holds a batch of messages from shard `from`: records `[len u32][message]`. */
export function shard_deliver(from: u32, len: u32, now: f64): u32 {
  clockSet(<i64>now);
  deliverBatch(from, input.ptr, len);
  return outboxSeal();
}

export function tick(now: f64): u32 {
  clockSet(<i64>now);
  sweepTimeouts(nowMs);
  drainLoopback();
  activeExpireCycle();
  tableMaintenance();
  return outboxSeal();
}

/** Trace records (outbox kind 4) of the blocking protocol on (1) or off (0): docs/abi.md. */
export function trace(on: u32): void {
  setTracing(on != 0);
}

export function outbox_ptr(): usize {
  return outboxPtr();
}

export function outbox_clear(): void {
  outboxClear();
}
