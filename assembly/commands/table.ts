// The command table: one entry per command (and per subcommand of a container such as CLIENT), carrying
// its arity, flags, key positions and handler. Arity errors, routing, COMMAND's replies and the unknown
// command / unknown subcommand errors are all driven from here, never checked inside handlers.
import { Conn } from "../shard/conn";
import { Op } from "../shard/ops";
import { Lit } from "../util/mem";
import { bytesEqualNoCase } from "../util/bytes";

export type Handler = (c: Conn) => void;
/** Starts a command whose keys span shards (or that concerns every shard) as a cross-shard op. */
export type Starter = (c: Conn, parent: Op | null, holder: u32) => Op | null;

// Flags, as COMMAND INFO names them.
export const F_WRITE: u32 = 1 << 0;
export const F_READONLY: u32 = 1 << 1;
export const F_DENYOOM: u32 = 1 << 2;
export const F_ADMIN: u32 = 1 << 3;
export const F_PUBSUB: u32 = 1 << 4;
export const F_NOSCRIPT: u32 = 1 << 5;
export const F_BLOCKING: u32 = 1 << 6;
export const F_LOADING: u32 = 1 << 7;
export const F_STALE: u32 = 1 << 8;
export const F_FAST: u32 = 1 << 9;
export const F_NO_AUTH: u32 = 1 << 10;
export const F_ALLOW_BUSY: u32 = 1 << 11;
export const F_NO_MULTI: u32 = 1 << 12;
export const F_SENTINEL: u32 = 1 << 13;

export const FLAG_NAMES: string[] = [
  "write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
  "fast", "no_auth", "allow_busy", "no_multi", "sentinel",
];

export class Command {
  readonly name: Lit;
  /** `client|list` for a subcommand, else the name. */
  readonly fullName: string;
  readonly fullNameLit: Lit;
  /** Redis's arity: N means exactly N arguments (name included), -N at least N. */
  readonly arity: i32;
  readonly flags: u32;
  readonly firstKey: i32;
  readonly lastKey: i32;
  readonly keyStep: i32;
  /** ACL categories, space separated, without '@' ("string fast"). */
  readonly categories: string;
  readonly handler: Handler;
  readonly parent: Command | null;
  subcommands: Array<Command> | null = null;
  calls: u64 = 0;
  /** How the command runs when its keys span shards, or on every shard (shard/route.ts). */
  starter: Starter | null = null;
  /** The command concerns every shard (DBSIZE, KEYS, FLUSHALL …), keys or not. */
  everyShard: bool = false;
  /** Runs only at the origin, never forwarded (connection state: MULTI, WATCH, SUBSCRIBE …). */
  originOnly: bool = false;
  /** A barrier: the connection's next command waits until this one has its reply. */
  barrier: bool = false;
  /** Sent between shards only (`\0watch` …); a client naming it gets "unknown command". */
  internal: bool = false;
  /** Position in `commandsByIndex`: the same on every shard, so a forwarded command names it by number. */
  readonly index: u32;

  constructor(name: string, arity: i32, flags: u32, firstKey: i32, lastKey: i32, keyStep: i32,
              categories: string, handler: Handler, parent: Command | null) {
    const fullName = parent != null ? parent.fullName + "|" + name : name;
    this.name = new Lit(name);
    this.fullName = fullName;
    this.fullNameLit = new Lit(fullName);
    this.arity = arity;
    this.flags = flags;
    this.firstKey = firstKey;
    this.lastKey = lastKey;
    this.keyStep = keyStep;
    this.categories = categories;
    this.handler = handler;
    this.parent = parent;
    this.index = <u32>commandsByIndex.length;
    commandsByIndex.push(this);
  }

  arityOk(argc: i32): bool {
    return this.arity > 0 ? argc == this.arity : argc >= -this.arity;
  }
}

/** Every command and subcommand in definition order (identical on every shard: same module, same init). */
const commandsByIndex = new Array<Command>();

/** The command a forwarded request names by its index (Command.index). */
export function commandAt(index: u32): Command { return unchecked(commandsByIndex[<i32>index]); }

const BUCKETS = 256;
const buckets = new Array<Array<Command> | null>(BUCKETS);
export const allCommands = new Array<Command>();

function bucketOf(first: u8, len: u32): i32 {
  return <i32>(((first | 0x20) * 31 + len) & (BUCKETS - 1));
}

/** Adds a top-level command. Names are lowercase ASCII. */
export function defineCommand(name: string, arity: i32, flags: u32, firstKey: i32, lastKey: i32,
                              keyStep: i32, categories: string, handler: Handler): Command {
  const cmd = new Command(name, arity, flags, firstKey, lastKey, keyStep, categories, handler, null);
  const b = bucketOf(<u8>name.charCodeAt(0), name.length);
  let list = buckets[b];
  if (list == null) { list = new Array<Command>(); buckets[b] = list; }
  list.push(cmd);
  allCommands.push(cmd);
  return cmd;
}

/** Adds a subcommand (`CLIENT LIST`) to a container command. */
export function defineSubcommand(parent: Command, name: string, arity: i32, flags: u32, firstKey: i32,
                                 lastKey: i32, keyStep: i32, categories: string,
                                 handler: Handler): Command {
  const cmd = new Command(name, arity, flags, firstKey, lastKey, keyStep, categories, handler, parent);
  let subs = parent.subcommands;
  if (subs == null) { subs = new Array<Command>(); parent.subcommands = subs; }
  subs.push(cmd);
  return cmd;
}

/** A shard-to-shard command: runs only from a REQ message, never for a client. */
export function defineInternal(name: string, handler: Handler): Command {
  const cmd = defineCommand(name, -1, 0, 0, 0, 0, "", handler);
  cmd.internal = true;
  return cmd;
}

/** Gives a command its cross-shard starter; `everyShard` when it always concerns every shard. */
export function crossShard(cmd: Command, starter: Starter, everyShard: bool, barrier: bool): void {
  cmd.starter = starter;
  cmd.everyShard = everyShard;
  cmd.barrier = barrier;
}

export function lookupCommand(ptr: usize, len: u32): Command | null {
  if (len == 0) return null;
  const list = buckets[bucketOf(load<u8>(ptr), len)];
  if (list == null) return null;
  for (let i = 0, n = list.length; i < n; i++) {
    const cmd = unchecked(list[i]);
    if (bytesEqualNoCase(ptr, len, cmd.name.ptr, cmd.name.len)) return cmd;
  }
  return null;
}

export function lookupSubcommand(parent: Command, ptr: usize, len: u32): Command | null {
  const subs = parent.subcommands;
  if (subs == null) return null;
  for (let i = 0, n = subs.length; i < n; i++) {
    const cmd = unchecked(subs[i]);
    if (bytesEqualNoCase(ptr, len, cmd.name.ptr, cmd.name.len)) return cmd;
  }
  return null;
}
