// Redis 7 key specs: where a command's keys are, and how it uses them. COMMAND INFO shows them and
// COMMAND GETKEYS / GETKEYSANDFLAGS evaluate them, exactly as Redis's getKeysUsingKeySpecs does:
//   1. begin_search finds the first key: a fixed index, or the argument after a keyword searched from
//      `startfrom` (backwards when negative);
//   2. find_keys finds the last one: a range (`lastkey` relative to the first, or from the end; `limit`
//      splits the rest) or a count read from the arguments (keynum);
//   3. keys run first..last by `keystep`; a spec out of bounds, unknown or incomplete invalidates all.
// Specs come as compact text from command-data.ts (`flags|begin_search|find_keys[|notes]`, see there).
import { argPtr, argLen } from "../shard/args";
import { replyMapLen, replySetLen, replyInt } from "../resp/writer";
import { replyBulkStr, replySimpleStr } from "./report-text";
import { splitList } from "./command-meta";
import { parseI64, parsedI64 } from "../util/int";
import { bytesEqualIgnoreCase } from "../util/bytes";

const BS_INDEX = 0;
const BS_KEYWORD = 1;
const BS_UNKNOWN = 2;
const FK_RANGE = 0;
const FK_KEYNUM = 1;
const FK_UNKNOWN = 2;

/** One key spec; the numbers are those of its begin_search and find_keys kinds. */
export class KeySpec {
  flags: string[] = [];
  notes: string = "";
  beginType: i32 = BS_UNKNOWN;
  index: i32 = 0;
  keyword: string = "";
  startFrom: i32 = 0;
  findType: i32 = FK_UNKNOWN;
  lastKey: i32 = 0;
  keyStep: i32 = 1;
  limit: i32 = 0;
  keyNumIdx: i32 = 0;
  firstKey: i32 = 0;

  hasFlag(flag: string): bool { return this.flags.includes(flag); }
}

function parseBegin(spec: KeySpec, text: string): void {
  const parts = text.split(":");
  if (parts[0] == "index") {
    spec.beginType = BS_INDEX;
    spec.index = I32.parseInt(parts[1]);
  } else if (parts[0] == "keyword") {
    spec.beginType = BS_KEYWORD;
    spec.keyword = parts[1];
    spec.startFrom = I32.parseInt(parts[2]);
  }
}

function parseFind(spec: KeySpec, text: string): void {
  const parts = text.split(":");
  if (parts[0] == "range") {
    spec.findType = FK_RANGE;
    spec.lastKey = I32.parseInt(parts[1]);
    spec.keyStep = I32.parseInt(parts[2]);
    spec.limit = I32.parseInt(parts[3]);
  } else if (parts[0] == "keynum") {
    spec.findType = FK_KEYNUM;
    spec.keyNumIdx = I32.parseInt(parts[1]);
    spec.firstKey = I32.parseInt(parts[2]);
    spec.keyStep = I32.parseInt(parts[3]);
  }
}

/** The specs of a command from their compact text ("" → none). */
export function parseKeySpecs(text: string): KeySpec[] {
  const specs = new Array<KeySpec>();
  const items = splitList(text, ";");
  for (let i = 0; i < items.length; i++) {
    const parts = items[i].split("|");
    const spec = new KeySpec();
    spec.flags = splitList(parts[0], ",");
    parseBegin(spec, parts[1]);
    parseFind(spec, parts[2]);
    if (parts.length > 3) spec.notes = parts[3];
    specs.push(spec);
  }
  return specs;
}

// ---- COMMAND INFO's rendering ----

function replyBegin(spec: KeySpec): void {
  replyMapLen(2);
  replyBulkStr("type");
  if (spec.beginType == BS_INDEX) {
    replyBulkStr("index");
    replyBulkStr("spec");
    replyMapLen(1);
    replyBulkStr("index"); replyInt(spec.index);
  } else if (spec.beginType == BS_KEYWORD) {
    replyBulkStr("keyword");
    replyBulkStr("spec");
    replyMapLen(2);
    replyBulkStr("keyword"); replyBulkStr(spec.keyword);
    replyBulkStr("startfrom"); replyInt(spec.startFrom);
  } else {
    replyBulkStr("unknown");
    replyBulkStr("spec");
    replyMapLen(0);
  }
}

function replyFind(spec: KeySpec): void {
  replyMapLen(2);
  replyBulkStr("type");
  if (spec.findType == FK_RANGE) {
    replyBulkStr("range");
    replyBulkStr("spec");
    replyMapLen(3);
    replyBulkStr("lastkey"); replyInt(spec.lastKey);
    replyBulkStr("keystep"); replyInt(spec.keyStep);
    replyBulkStr("limit"); replyInt(spec.limit);
  } else if (spec.findType == FK_KEYNUM) {
    replyBulkStr("keynum");
    replyBulkStr("spec");
    replyMapLen(3);
    replyBulkStr("keynumidx"); replyInt(spec.keyNumIdx);
    replyBulkStr("firstkey"); replyInt(spec.firstKey);
    replyBulkStr("keystep"); replyInt(spec.keyStep);
  } else {
    replyBulkStr("unknown");
    replyBulkStr("spec");
    replyMapLen(0);
  }
}

export function replyKeySpecFlags(spec: KeySpec): void {
  replySetLen(spec.flags.length);
  for (let i = 0; i < spec.flags.length; i++) replySimpleStr(spec.flags[i]);
}

export function replyKeySpecs(specs: KeySpec[]): void {
  replySetLen(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const withNotes = spec.notes.length > 0;
    replyMapLen(withNotes ? 4 : 3);
    if (withNotes) { replyBulkStr("notes"); replyBulkStr(spec.notes); }
    replyBulkStr("flags"); replyKeySpecFlags(spec);
    replyBulkStr("begin_search"); replyBegin(spec);
    replyBulkStr("find_keys"); replyFind(spec);
  }
}

// ---- evaluation (COMMAND GETKEYS) ----

/** Positions of the keys found (relative to the inspected command's name) and the spec of each. */
export const foundKeys = new Array<i32>();
export const foundSpecs = new Array<i32>();

/** Argument `i` of the inspected command, which starts at argument `base` of ours. */
function innerArgIs(base: i32, i: i32, word: string): bool {
  const n = word.length;
  if (<i32>argLen(base + i) != n) return false;
  const bytes = String.UTF8.encode(word);
  return bytesEqualIgnoreCase(argPtr(base + i), argLen(base + i), changetype<usize>(bytes), <u32>n);
}

function firstKeyOf(spec: KeySpec, base: i32, argc: i32): i32 {
  if (spec.beginType == BS_INDEX) return spec.index;
  if (spec.beginType != BS_KEYWORD) return -1;
  const start = spec.startFrom > 0 ? spec.startFrom : argc + spec.startFrom;
  const end = spec.startFrom > 0 ? argc - 1 : 0;
  for (let i = start; i != end; i = start <= end ? i + 1 : i - 1) {
    if (i >= argc || i < 1) break;
    if (innerArgIs(base, i, spec.keyword)) return i + 1;
  }
  return 0;
}

/** The last key for a first key, or i32.MIN_VALUE when the spec cannot say (invalid). */
let evalStep: i32 = 1;

function lastKeyOf(spec: KeySpec, first: i32, base: i32, argc: i32): i32 {
  evalStep = spec.keyStep;
  if (spec.findType == FK_RANGE) {
    if (spec.lastKey >= 0) return first + spec.lastKey;
    if (spec.limit == 0) return argc + spec.lastKey;
    return first + ((argc - first) / spec.limit + spec.lastKey);
  }
  if (spec.findType != FK_KEYNUM || first + spec.keyNumIdx >= argc) return i32.MIN_VALUE;
  const at = base + first + spec.keyNumIdx;
  if (!parseI64(argPtr(at), argLen(at)) || parsedI64 < 0) return i32.MIN_VALUE;
  return first + spec.firstKey + <i32>parsedI64 - 1;
}

/**
 * Collects the keys of the command whose name is our argument `base` and that has `argc` arguments,
 * into foundKeys/foundSpecs. Returns the count, or -1 when a spec is invalid for these arguments
 * (Redis then falls back to the command's own key finder).
 */
export function keysFromSpecs(specs: KeySpec[], base: i32, argc: i32, arity: i32): i32 {
  foundKeys.length = 0;
  foundSpecs.length = 0;
  for (let j = 0; j < specs.length; j++) {
    const spec = specs[j];
    if (spec.hasFlag("not_key")) continue;
    let first = firstKeyOf(spec, base, argc);
    if (first == 0) continue;
    if (first < 0) return -1;
    let last = lastKeyOf(spec, first, base, argc);
    if (last == i32.MIN_VALUE) return -1;
    if (spec.findType == FK_KEYNUM) first += spec.firstKey;
    if (last >= argc || last < first || first >= argc) return -1;
    for (let i = first; i <= last; i += evalStep) {
      if (i >= argc || i < first) {
        if (arity < 0) continue;
        return -1;
      }
      foundKeys.push(i);
      foundSpecs.push(j);
    }
    if (spec.hasFlag("incomplete")) return -1;
  }
  return foundKeys.length;
}
