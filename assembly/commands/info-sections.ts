// The sections of INFO, each written into the reply text (report-text.ts) as `# Name` and `field:value`
// lines, with Redis 7.0.15's field names in Redis's order.
//
// What a field says must be true of this server. Real figures: uptime and times from the shard's clock;
// clients, commands, connections, hits, misses and expiries from their counters (server-stats.ts); memory
// from the raw heap (used) and the Wasm memory (rss); keys and TTLs from the keyspace; process facts
// (os, process_id, tcp_port, executable, CPU times …) from the host's info lines, shown only when the
// host gives them. Fields that describe machinery this server does not have (persistence, replication,
// forks, defragmentation, tracking) print the values Redis prints when that machinery is idle. Fields
// that need figures nobody keeps here (network bytes, ops per second, error counts, latency
// percentiles, command durations) are left out, or zero where Redis's line format needs them.
import { Command, allCommands } from "./table";
import { blockedCount } from "../blocking/blocked";
import { total, T_BLOCKED, T_BLOCKED_TIMEOUT, T_CLIENTS, T_KEYS, T_EXPIRES, T_TTL_SUM, T_TTL_KEYS, T_HITS, T_MISSES, T_EXPIRED, T_COMMANDS,
         T_CONNECTIONS, T_CHANNELS, T_PATTERNS, T_MEMORY } from "./mesh-totals";
import { conns } from "../shard/conn";
import { nowMs } from "../shard/clock";
import { hostInfoValue, foundPtr, foundLen, shardCount } from "../shard/server-info";
import { startMs, keyCount, volatileCount, volatileAt } from "../store/keyspace";
import { entryExpireAt } from "../store/entry";
import { randomU32 } from "../util/random";
import { ByteBuf } from "../util/mem";
import { DistinctNames } from "../util/distinct-names";
import { putStr, putInt, putBytes, putCrlf, putFixed, putHumanBytes, putByte, putLit } from "./report-text";
import { V_VERSION } from "./connection";
import { configHz, maxmemoryPolicy } from "./config";
import {
  keyspaceHits, keyspaceMisses, expiredKeys, connectionsReceived, commandsProcessed, finishedCalls,
  usedMemory, peakMemory, startupMemory,
} from "./server-stats";

// ---- line writers ----

function header(name: string): void { putStr("# "); putStr(name); putCrlf(); }
function lineStart(name: string): void { putStr(name); putByte(0x3a); }
function lineInt(name: string, v: i64): void { lineStart(name); putInt(v); putCrlf(); }
function lineStr(name: string, v: string): void { lineStart(name); putStr(v); putCrlf(); }
function lineHuman(name: string, bytes: u64): void { lineStart(name); putHumanBytes(bytes); putCrlf(); }

/** `name:<host value>` when the host gave one. */
function lineHost(name: string): void {
  if (!hostInfoValue(name)) return;
  lineStart(name);
  putBytes(foundPtr, foundLen);
  putCrlf();
}

/** Fixed `field:value` lines, given as one text with `\n` between lines. */
function lines(block: string): void {
  let start = 0;
  while (start < block.length) {
    let end = block.indexOf("\n", start);
    if (end < 0) end = block.length;
    putStr(block.substring(start, end));
    putCrlf();
    start = end + 1;
  }
}

// ---- identities made once ----

const runId = new ByteBuf();
const replId = new ByteBuf();

function randomHex(into: ByteBuf): void {
  const digits = "0123456789abcdef";
  for (let i = 0; i < 40; i++) into.pushByte(<u8>digits.charCodeAt(<i32>(randomU32() & 15)));
}

/** Called at init: the run id and replication id this server keeps for its life. */
export function infoStart(): void {
  randomHex(runId);
  randomHex(replId);
}

// ---- sections ----

function seconds(ms: i64): i64 { return ms / 1000; }

export function writeServer(running: Command | null): void {
  header("Server");
  lineStart("redis_version"); putLit(V_VERSION); putCrlf();
  if (hostInfoValue("kevy_version")) lineHost("kevy_version"); else lineStr("kevy_version", "0.1.0");
  lines("redis_git_sha1:00000000\nredis_git_dirty:0\nredis_mode:standalone");
  lineHost("os");
  lineHost("arch_bits");
  lineHost("node_version");
  lineHost("process_id");
  lineStr("process_supervised", "no");
  if (hostInfoValue("run_id")) lineHost("run_id");
  else { lineStart("run_id"); putBytes(runId.ptr, runId.len); putCrlf(); }
  lineHost("tcp_port");
  lineInt("server_time_usec", nowMs * 1000);
  const uptime = seconds(nowMs - startMs);
  lineInt("uptime_in_seconds", uptime);
  lineInt("uptime_in_days", uptime / 86400);
  lineInt("hz", configHz);
  lineInt("configured_hz", configHz);
  lineInt("lru_clock", seconds(nowMs) & 0xffffff);
  lineHost("executable");
  lineHost("config_file");
  lineInt("io_threads_active", 0);
  lineInt("shards", shardCount);
}

/** Bytes the connections hold in buffers; the largest input buffer. */
let largestInput: u64 = 0;

function clientBytes(): u64 {
  let total: u64 = 0;
  largestInput = 0;
  const all = conns.values();
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    total += <u64>c.input.cap + c.name.cap + c.addr.cap + c.laddr.cap + c.libName.cap + c.libVersion.cap;
    if (<u64>c.input.cap > largestInput) largestInput = c.input.cap;
  }
  return total;
}

export function writeClients(running: Command | null): void {
  header("Clients");
  clientBytes();
  lineInt("connected_clients", total(T_CLIENTS, conns.size));
  lineInt("cluster_connections", 0);
  lineInt("client_recent_max_input_buffer", largestInput);
  lines("client_recent_max_output_buffer:0");
  lineInt("blocked_clients", total(T_BLOCKED, blockedCount(false)));
  lineInt("tracking_clients", 0);
  lineInt("clients_in_timeout_table", total(T_BLOCKED_TIMEOUT, blockedCount(true)));
}

function linePercent(name: string, part: f64, whole: f64): void {
  lineStart(name);
  putFixed(whole > 0 ? part * 100 / whole : 0, 2);
  putByte(0x25);
  putCrlf();
}

export function writeMemory(running: Command | null): void {
  header("Memory");
  const used = <u64>total(T_MEMORY, <i64>usedMemory());
  const rss = <u64>memory.size() << 16;
  const startup = startupMemory();
  const clients = clientBytes();
  const overhead = startup + clients;
  const dataset = used > overhead ? used - overhead : 0;
  lineInt("used_memory", used);
  lineHuman("used_memory_human", used);
  lineInt("used_memory_rss", rss);
  lineHuman("used_memory_rss_human", rss);
  lineInt("used_memory_peak", peakMemory());
  lineHuman("used_memory_peak_human", peakMemory());
  linePercent("used_memory_peak_perc", <f64>used, <f64>peakMemory());
  lineInt("used_memory_overhead", overhead);
  lineInt("used_memory_startup", startup);
  lineInt("used_memory_dataset", dataset);
  const net: u64 = used > startup ? used - startup : 1;
  linePercent("used_memory_dataset_perc", <f64>dataset, <f64>net);
  if (hostInfoValue("total_system_memory")) {
    lineHost("total_system_memory");
    const total = U64.parseInt(String.UTF8.decodeUnsafe(foundPtr, foundLen));
    lineHuman("total_system_memory_human", total);
  }
  lines("maxmemory:0\nmaxmemory_human:0B");
  lineStr("maxmemory_policy", maxmemoryPolicy());
  lineStart("mem_fragmentation_ratio"); putFixed(used > 0 ? <f64>rss / <f64>used : 0, 2); putCrlf();
  lineInt("mem_fragmentation_bytes", <i64>rss - <i64>used);
  lineInt("mem_not_counted_for_evict", 0);
  lineInt("mem_clients_normal", clients);
  lines("mem_allocator:tlsf\nlazyfree_pending_objects:0\nlazyfreed_objects:0");
}

export function writePersistence(running: Command | null): void {
  header("Persistence");
  lines("loading:0\nasync_loading:0\ncurrent_cow_peak:0\ncurrent_cow_size:0\ncurrent_cow_size_age:0\n" +
    "current_fork_perc:0.00\ncurrent_save_keys_processed:0\ncurrent_save_keys_total:0\n" +
    "rdb_bgsave_in_progress:0");
  lineInt("rdb_last_save_time", seconds(startMs));
  lines("rdb_last_bgsave_status:ok\nrdb_last_bgsave_time_sec:-1\nrdb_current_bgsave_time_sec:-1\n" +
    "rdb_saves:0\nrdb_last_cow_size:0\nrdb_last_load_keys_expired:0\nrdb_last_load_keys_loaded:0\n" +
    "aof_enabled:0\naof_rewrite_in_progress:0\naof_rewrite_scheduled:0\naof_last_rewrite_time_sec:-1\n" +
    "aof_current_rewrite_time_sec:-1\naof_last_bgrewrite_status:ok\naof_rewrites:0\n" +
    "aof_rewrites_consecutive_failures:0\naof_last_write_status:ok\naof_last_cow_size:0\n" +
    "module_fork_in_progress:0\nmodule_fork_last_cow_size:0");
}

/** The distinct channels (or patterns) this shard's connections are subscribed to. */
export function subscriptionNames(patterns: bool): Array<ByteBuf> {
  const seen = new DistinctNames();
  const all = conns.values();
  for (let i = 0; i < all.length; i++) {
    const names = patterns ? all[i].patterns : all[i].channels;
    for (let j = 0; j < names.length; j++) seen.add(names[j]);
  }
  return seen.names;
}

export function writeStats(running: Command | null): void {
  header("Stats");
  lineInt("total_connections_received", total(T_CONNECTIONS, <i64>connectionsReceived()));
  lineInt("total_commands_processed", total(T_COMMANDS, <i64>commandsProcessed(running)));
  lines("total_net_repl_input_bytes:0\ntotal_net_repl_output_bytes:0\nrejected_connections:0\n" +
    "sync_full:0\nsync_partial_ok:0\nsync_partial_err:0");
  lineInt("expired_keys", total(T_EXPIRED, <i64>expiredKeys()));
  lines("evicted_keys:0\nevicted_clients:0\ntotal_eviction_exceeded_time:0\n" +
    "current_eviction_exceeded_time:0");
  lineInt("keyspace_hits", total(T_HITS, <i64>keyspaceHits()));
  lineInt("keyspace_misses", total(T_MISSES, <i64>keyspaceMisses()));
  lineInt("pubsub_channels", total(T_CHANNELS, subscriptionNames(false).length));
  lineInt("pubsub_patterns", total(T_PATTERNS, subscriptionNames(true).length));
  lines("pubsubshard_channels:0\nlatest_fork_usec:0\n" +
    "total_forks:0\nmigrate_cached_sockets:0\nslave_expires_tracked_keys:0\nactive_defrag_hits:0\n" +
    "active_defrag_misses:0\nactive_defrag_key_hits:0\nactive_defrag_key_misses:0\n" +
    "total_active_defrag_time:0\ncurrent_active_defrag_time:0\ntracking_total_keys:0\n" +
    "tracking_total_items:0\ntracking_total_prefixes:0\nio_threaded_reads_processed:0\n" +
    "io_threaded_writes_processed:0");
}

export function writeReplication(running: Command | null): void {
  header("Replication");
  lines("role:master\nconnected_slaves:0\nmaster_failover_state:no-failover");
  lineStart("master_replid"); putBytes(replId.ptr, replId.len); putCrlf();
  lines("master_replid2:0000000000000000000000000000000000000000\nmaster_repl_offset:0\n" +
    "second_repl_offset:-1\nrepl_backlog_active:0\nrepl_backlog_size:1048576\n" +
    "repl_backlog_first_byte_offset:0\nrepl_backlog_histlen:0");
}

export function writeCpu(running: Command | null): void {
  header("CPU");
  lineHost("used_cpu_sys");
  lineHost("used_cpu_user");
  lineHost("used_cpu_sys_children");
  lineHost("used_cpu_user_children");
  lineHost("used_cpu_sys_main_thread");
  lineHost("used_cpu_user_main_thread");
}

export function writeModules(running: Command | null): void { header("Modules"); }
export function writeErrorstats(running: Command | null): void { header("Errorstats"); }
export function writeLatencystats(running: Command | null): void { header("Latencystats"); }

function lineCommandstat(cmd: Command, running: Command | null): void {
  const calls = finishedCalls(cmd, running);
  if (calls == 0) return;
  putStr("cmdstat_");
  putStr(cmd.fullName);
  putStr(":calls=");
  putInt(<i64>calls);
  putStr(",usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0");
  putCrlf();
}

/** Calls per command (durations are not measured: the engine has no clock of its own). */
export function writeCommandstats(running: Command | null): void {
  header("Commandstats");
  for (let i = 0, n = allCommands.length; i < n; i++) {
    const cmd = unchecked(allCommands[i]);
    if (cmd.internal) continue;
    lineCommandstat(cmd, running);
    const subs = cmd.subcommands;
    if (subs == null) continue;
    for (let j = 0, m = subs.length; j < m; j++) lineCommandstat(unchecked(subs[j]), running);
  }
}

export function writeCluster(running: Command | null): void {
  header("Cluster");
  lineInt("cluster_enabled", 0);
}

/** Average remaining TTL over up to 64 keys with one (Redis also estimates it from samples). */
/** Sum of remaining TTLs over the sampled keys, and how many were sampled. */
export let ttlSampleSum: i64 = 0;
export let ttlSampleKeys: i64 = 0;

export function averageTtl(): i64 {
  const n = min<u32>(volatileCount, 64);
  let sum: i64 = 0;
  let counted: i64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const left = entryExpireAt(volatileAt(i)) - nowMs;
    if (left <= 0) continue;
    sum += left;
    counted++;
  }
  ttlSampleSum = sum;
  ttlSampleKeys = counted;
  return counted > 0 ? sum / counted : 0;
}

export function writeKeyspace(running: Command | null): void {
  header("Keyspace");
  const keys = total(T_KEYS, keyCount());
  if (keys == 0) return;
  putStr("db0:keys=");
  putInt(keys);
  putStr(",expires=");
  putInt(total(T_EXPIRES, volatileCount));
  putStr(",avg_ttl=");
  const localAvg = averageTtl();
  const ttlKeys = total(T_TTL_KEYS, ttlSampleKeys);
  putInt(ttlKeys > 0 ? total(T_TTL_SUM, ttlSampleSum) / ttlKeys : localAvg);
  putCrlf();
}
