// COMMAND DOCS's `history` and `arguments` entries, decoded from their compact form in command-data.ts
// (fields 11 and 12 of a row; the format is documented in that file's header) and written in Redis 7.0's
// shape: history is a set of [since, change] pairs; arguments is an array of maps whose fields come in
// Redis's order (name, type, key_spec_index, token, summary, since, deprecated_since, flags, arguments),
// each present only when the argument has it, a oneof or block nesting its own arguments.
import { replyArrayLen, replyMapLen, replySetLen, replyInt } from "../resp/writer";
import { replyBulkStr, replySimpleStr } from "./report-text";
import { splitList } from "./command-meta";

const COMMA: i32 = 0x2c;
const OPEN: i32 = 0x5b;
const CLOSE: i32 = 0x5d;

/** The positions of an argument's `|`-separated fields. */
const ARG_NAME = 0;
const ARG_TYPE = 1;
const ARG_KEY_SPEC_INDEX = 2;
const ARG_FLAGS = 7;
/** The plain text fields between type and flags, by position (2, key_spec_index, is an integer). */
const TEXT_FIELDS: string[] = ["", "", "", "token", "summary", "since", "deprecated_since"];

/** One argument: its fields (trailing empty ones absent) and, for a oneof or block, its own arguments. */
class ArgDoc {
  args: ArgDoc[] | null = null;
  constructor(public fields: string[]) {}

  field(i: i32): string { return i < this.fields.length ? unchecked(this.fields[i]) : ""; }
}

// ---- decoding ----

let source = "";
let at: i32 = 0;

function parseList(): ArgDoc[] {
  const list = new Array<ArgDoc>();
  list.push(parseArg());
  while (at < source.length && source.charCodeAt(at) == COMMA) {
    at++;
    list.push(parseArg());
  }
  return list;
}

function parseArg(): ArgDoc {
  const start = at;
  while (at < source.length) {
    const c = source.charCodeAt(at);
    if (c == COMMA || c == OPEN || c == CLOSE) break;
    at++;
  }
  const arg = new ArgDoc(source.substring(start, at).split("|"));
  if (at < source.length && source.charCodeAt(at) == OPEN) {
    at++;
    arg.args = parseList();
    at++; // the closing ']'
  }
  return arg;
}

/** The argument tree of an encoded list (field 12 of a row, never empty). */
function parseArgs(encoded: string): ArgDoc[] {
  source = encoded;
  at = 0;
  const list = parseList();
  source = "";
  return list;
}

// ---- writing ----

function typeName(code: string): string {
  if (code == "s") return "string";
  if (code == "i") return "integer";
  if (code == "d") return "double";
  if (code == "k") return "key";
  if (code == "p") return "pattern";
  if (code == "u") return "unix-time";
  if (code == "t") return "pure-token";
  if (code == "o") return "oneof";
  return "block";
}

function flagName(code: i32): string {
  if (code == 0x6f) return "optional"; // o
  if (code == 0x6d) return "multiple"; // m
  return "multiple_token"; // t
}

function fieldCount(arg: ArgDoc): i32 {
  let n = 2; // name and type
  for (let i = ARG_KEY_SPEC_INDEX; i <= ARG_FLAGS; i++) if (arg.field(i).length > 0) n++;
  return arg.args != null ? n + 1 : n;
}

function replyFlags(codes: string): void {
  replyBulkStr("flags");
  replySetLen(codes.length);
  for (let i = 0; i < codes.length; i++) replySimpleStr(flagName(codes.charCodeAt(i)));
}

function replyArg(arg: ArgDoc): void {
  replyMapLen(fieldCount(arg));
  replyBulkStr("name");
  replyBulkStr(arg.field(ARG_NAME));
  replyBulkStr("type");
  replyBulkStr(typeName(arg.field(ARG_TYPE)));
  const keySpec = arg.field(ARG_KEY_SPEC_INDEX);
  if (keySpec.length > 0) {
    replyBulkStr("key_spec_index");
    replyInt(I32.parseInt(keySpec));
  }
  for (let i = ARG_KEY_SPEC_INDEX + 1; i < ARG_FLAGS; i++) {
    const value = arg.field(i);
    if (value.length == 0) continue;
    replyBulkStr(unchecked(TEXT_FIELDS[i]));
    replyBulkStr(value);
  }
  const flags = arg.field(ARG_FLAGS);
  if (flags.length > 0) replyFlags(flags);
  const args = arg.args;
  if (args != null) {
    replyBulkStr("arguments");
    replyArgList(args);
  }
}

function replyArgList(list: ArgDoc[]): void {
  replyArrayLen(list.length);
  for (let i = 0; i < list.length; i++) replyArg(unchecked(list[i]));
}

/** `arguments` and its tree, from field 12 of a row (nothing for an empty field). */
export function replyArgumentsDoc(encoded: string): void {
  if (encoded.length == 0) return;
  replyBulkStr("arguments");
  replyArgList(parseArgs(encoded));
}

/** `history` and its [since, change] pairs, from field 11 of a row (nothing for an empty field). */
export function replyHistoryDoc(encoded: string): void {
  if (encoded.length == 0) return;
  const entries = splitList(encoded, "#");
  replyBulkStr("history");
  replySetLen(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = unchecked(entries[i]);
    const space = entry.indexOf(" ");
    replyArrayLen(2);
    replyBulkStr(entry.substring(0, space));
    replyBulkStr(entry.substring(space + 1));
  }
}
