// COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of a full command line given as arguments, found the way
// Redis finds them (getKeysSubcommandImpl):
//   1. the command (and subcommand) must exist, have keys, and accept that many arguments;
//   2. its key specs are evaluated (key-specs.ts) — unless a spec's flags vary with the arguments (SET,
//      BITFIELD: Redis asks the command itself, and so do we below);
//   3. when the specs cannot tell (unknown or incomplete), the command table's legacy positions
//      (first, last, step) answer, as Redis's per-command key finders would for the cases we know.
// With flags, each key comes with its spec's flags.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { Command, lookupCommand, lookupSubcommand } from "./table";
import { replyArrayLen, replyBulk, replyErrorLit, replySetLen } from "../resp/writer";
import { replySimpleStr } from "./report-text";
import { metaRow, metaField, META_KEY_SPECS } from "./command-meta";
import { KeySpec, parseKeySpecs, keysFromSpecs, foundKeys, foundSpecs, replyKeySpecFlags } from "./key-specs";
import * as E from "../resp/errors";

/** Where the inspected command line starts among our arguments (`COMMAND GETKEYS <name> ...`). */
const BASE = 2;

/** The inspected command: its name, then a subcommand when it is a container and one is given. */
function inspectedCommand(): Command | null {
  const cmd = lookupCommand(argPtr(BASE), argLen(BASE));
  if (cmd == null || cmd.subcommands == null || argc - BASE < 2) return cmd;
  return lookupSubcommand(cmd, argPtr(BASE + 1), argLen(BASE + 1));
}

function hasKeys(cmd: Command, specs: KeySpec[]): bool {
  if (specs.length == 0) return cmd.firstKey != 0;
  for (let i = 0; i < specs.length; i++) if (!specs[i].hasFlag("not_key")) return true;
  return false;
}

function arityFits(cmd: Command, n: i32): bool {
  return !((cmd.arity > 0 && cmd.arity != n) || n < -cmd.arity);
}

/** The table's legacy positions: first..last (negative: from the end) by step. */
function keysFromTable(cmd: Command, n: i32): i32 {
  foundKeys.length = 0;
  foundSpecs.length = 0;
  if (cmd.firstKey <= 0) return 0;
  const last = cmd.lastKey < 0 ? n + cmd.lastKey : cmd.lastKey;
  const step = cmd.keyStep > 0 ? cmd.keyStep : 1;
  for (let i = cmd.firstKey; i <= last && i < n; i += step) {
    foundKeys.push(i);
    foundSpecs.push(0);
  }
  return foundKeys.length;
}

/** SET and BITFIELD: Redis's own key finders decide the flags from the arguments. */
function variableFlags(cmd: Command, n: i32): string[] {
  if (cmd.fullName == "set") {
    for (let i = 3; i < n; i++) if (argIsWord(BASE + i, "get")) return ["RW", "access", "update"];
    return ["OW", "update"];
  }
  for (let i = 2; i < n; i++) {
    const left = n - i - 1;
    if (argIsWord(BASE + i, "get") && left >= 2) i += 2;
    else if (argIsWord(BASE + i, "overflow") && left >= 1) i += 1;
    else return ["RW", "access", "update"];
  }
  return ["RO", "access"];
}

function argIsWord(i: i32, word: string): bool {
  const n = word.length;
  if (<i32>argLen(i) != n) return false;
  for (let j = 0; j < n; j++) {
    if ((load<u8>(argPtr(i) + j) | 0x20) != <u8>word.charCodeAt(j)) return false;
  }
  return true;
}

function getkeys(withFlags: bool): void {
  const cmd = inspectedCommand();
  if (cmd == null) { replyErrorLit(E.ERR_INVALID_COMMAND); return; }
  const specs = parseKeySpecs(metaField(metaRow(cmd.fullName), META_KEY_SPECS));
  if (!hasKeys(cmd, specs)) { replyErrorLit(E.ERR_NO_KEY_ARGUMENTS); return; }
  const n = argc - BASE;
  if (!arityFits(cmd, n)) { replyErrorLit(E.ERR_GETKEYS_ARITY); return; }
  let count = specs.length > 0 ? keysFromSpecs(specs, BASE, n, cmd.arity) : -1;
  if (count < 0) count = keysFromTable(cmd, n);
  if (count == 0) { replyErrorLit(E.ERR_GETKEYS_INVALID); return; }
  const variable = specs.length > 0 && specs[0].hasFlag("variable_flags") ? variableFlags(cmd, n) : null;
  replyArrayLen(count);
  for (let i = 0; i < count; i++) {
    const at = BASE + foundKeys[i];
    if (!withFlags) { replyBulk(argPtr(at), argLen(at)); continue; }
    replyArrayLen(2);
    replyBulk(argPtr(at), argLen(at));
    if (variable != null) replyWords(variable);
    else if (specs.length > 0) replyKeySpecFlags(specs[foundSpecs[i]]);
    else replySetLen(0);
  }
}

function replyWords(words: string[]): void {
  replySetLen(words.length);
  for (let i = 0; i < words.length; i++) replySimpleStr(words[i]);
}

export function commandGetkeys(c: Conn): void { getkeys(false); }
export function commandGetkeysAndFlags(c: Conn): void { getkeys(true); }
