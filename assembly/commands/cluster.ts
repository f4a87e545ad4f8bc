// CLUSTER: this server is not a Redis Cluster node, so like a standalone Redis 7.0 every subcommand
// answers "This instance has cluster support disabled" — except KEYSLOT, which tells the slot of a key
// (the same CRC16 mapping the shards use, util/crc16.ts), and HELP. Redis 7.0 standalone refuses those
// two as well; we answer them because the slot of a key is useful to a client of a sharded server.
// Every subcommand is registered with Redis's arity, flags and categories, so wrong arity and unknown
// subcommands get Redis's errors.
import { Conn } from "../shard/conn";
import { argPtr, argLen } from "../shard/args";
import { defineCommand, defineSubcommand, Command, F_ADMIN, F_NOSCRIPT, F_LOADING, F_STALE } from "./table";
import { replyInt, replyErrorLit, replyArrayLen, replySimpleLit } from "../resp/writer";
import { keyHashSlot } from "../util/crc16";
import { Lit } from "../util/mem";
import { ERR_CLUSTER_DISABLED } from "../resp/errors";

function clusterKeyslot(c: Conn): void {
  replyInt(keyHashSlot(argPtr(2), argLen(2)));
}

function clusterDisabled(c: Conn): void {
  replyErrorLit(ERR_CLUSTER_DISABLED);
}

function clusterHelp(c: Conn): void {
  replyArrayLen(HELP.length);
  for (let i = 0; i < HELP.length; i++) replySimpleLit(HELP[i]);
}

/** The container's own row: never run, dispatch always descends to a subcommand. */
function clusterContainer(c: Conn): void {}

function disabled(parent: Command, name: string, arity: i32, admin: bool): void {
  const flags = admin ? F_ADMIN | F_STALE : F_STALE;
  defineSubcommand(parent, name, arity, flags, 0, 0, 0, admin ? "admin slow dangerous" : "slow",
    clusterDisabled);
}

export function registerClusterCommand(): void {
  const parent = defineCommand("cluster", -2, 0, 0, 0, 0, "slow", clusterContainer);
  disabled(parent, "addslots", -3, true);
  disabled(parent, "addslotsrange", -4, true);
  disabled(parent, "bumpepoch", 2, true);
  disabled(parent, "count-failure-reports", 3, true);
  disabled(parent, "countkeysinslot", 3, false);
  disabled(parent, "delslots", -3, true);
  disabled(parent, "delslotsrange", -4, true);
  disabled(parent, "failover", -2, true);
  disabled(parent, "flushslots", 2, true);
  disabled(parent, "forget", 3, true);
  disabled(parent, "getkeysinslot", 4, false);
  defineSubcommand(parent, "help", 2, F_LOADING | F_STALE, 0, 0, 0, "slow", clusterHelp);
  disabled(parent, "info", 2, false);
  defineSubcommand(parent, "keyslot", 3, F_STALE, 0, 0, 0, "slow", clusterKeyslot);
  disabled(parent, "links", 2, false);
  disabled(parent, "meet", -4, true);
  disabled(parent, "myid", 2, false);
  disabled(parent, "nodes", 2, false);
  disabled(parent, "replicas", 3, true);
  disabled(parent, "replicate", 3, true);
  defineSubcommand(parent, "reset", -2, F_ADMIN | F_NOSCRIPT | F_STALE, 0, 0, 0, "admin slow dangerous",
    clusterDisabled);
  disabled(parent, "saveconfig", 2, true);
  disabled(parent, "set-config-epoch", 3, true);
  disabled(parent, "setslot", -4, true);
  disabled(parent, "shards", 2, false);
  disabled(parent, "slaves", 3, true);
  disabled(parent, "slots", 2, false);
}

const HELP: Lit[] = [
  new Lit("CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
  new Lit("ADDSLOTS <slot> [<slot> ...]"),
  new Lit("    Assign slots to current node."),
  new Lit("ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]"),
  new Lit("    Assign slots which are between <start-slot> and <end-slot> to current node."),
  new Lit("BUMPEPOCH"),
  new Lit("    Advance the cluster config epoch."),
  new Lit("COUNT-FAILURE-REPORTS <node-id>"),
  new Lit("    Return number of failure reports for <node-id>."),
  new Lit("COUNTKEYSINSLOT <slot>"),
  new Lit("    Return the number of keys in <slot>."),
  new Lit("DELSLOTS <slot> [<slot> ...]"),
  new Lit("    Delete slots information from current node."),
  new Lit("DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]"),
  new Lit("    Delete slots information which are between <start-slot> and <end-slot> from current node."),
  new Lit("FAILOVER [FORCE|TAKEOVER]"),
  new Lit("    Promote current replica node to being a master."),
  new Lit("FORGET <node-id>"),
  new Lit("    Remove a node from the cluster."),
  new Lit("GETKEYSINSLOT <slot> <count>"),
  new Lit("    Return key names stored by current node in a slot."),
  new Lit("FLUSHSLOTS"),
  new Lit("    Delete current node own slots information."),
  new Lit("INFO"),
  new Lit("    Return information about the cluster."),
  new Lit("KEYSLOT <key>"),
  new Lit("    Return the hash slot for <key>."),
  new Lit("MEET <ip> <port> [<bus-port>]"),
  new Lit("    Connect nodes into a working cluster."),
  new Lit("MYID"),
  new Lit("    Return the node id."),
  new Lit("NODES"),
  new Lit("    Return cluster configuration seen by node. Output format:"),
  new Lit("    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ..."),
  new Lit("REPLICATE <node-id>"),
  new Lit("    Configure current node as replica to <node-id>."),
  new Lit("RESET [HARD|SOFT]"),
  new Lit("    Reset current node (default: soft)."),
  new Lit("SET-CONFIG-EPOCH <epoch>"),
  new Lit("    Set config epoch of current node."),
  new Lit("SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)"),
  new Lit("    Set slot state."),
  new Lit("REPLICAS <node-id>"),
  new Lit("    Return <node-id> replicas."),
  new Lit("SAVECONFIG"),
  new Lit("    Force saving cluster configuration on disk."),
  new Lit("SLOTS"),
  new Lit("    Return information about slots range mappings. Each range is made of:"),
  new Lit("    start, end, master and replicas IP addresses, ports and ids"),
  new Lit("SHARDS"),
  new Lit("    Return information about slot range mappings and the nodes associated with them."),
  new Lit("LINKS"),
  new Lit("    Return information about all network links between this node and its peers."),
  new Lit("    Output format is an array where each array element is a map containing attributes of a link"),
  new Lit("HELP"),
  new Lit("    Prints this help."),
];
