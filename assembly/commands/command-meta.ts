// What Redis says about a command beyond our command table: tips, key specs, the flags the table has no
// bit for (movablekeys, skip_slowlog, no_async_loading …) and the documentation fields of COMMAND DOCS
// (history and the argument tree included). The facts come from command-data.ts (generated from
// redis-server 7.0.15 by scripts/gen-command-data.mjs); this file finds a command's row by its full name
// and splits out fields. The index is built on first use, so a server that never runs COMMAND never pays for it.
import { COMMAND_ROWS } from "./command-data";

export const META_EXTRA_FLAGS = 1;
export const META_TIPS = 2;
export const META_KEY_SPECS = 3;
export const META_SUMMARY = 4;
export const META_SINCE = 5;
export const META_GROUP = 6;
export const META_COMPLEXITY = 7;
export const META_DOC_FLAGS = 8;
export const META_DEPRECATED_SINCE = 9;
export const META_REPLACED_BY = 10;
export const META_HISTORY = 11;
export const META_ARGUMENTS = 12;

let index: Map<string, i32> | null = null;
let lastRow: i32 = -1;
let lastFields: string[] = [];

function buildIndex(): Map<string, i32> {
  const map = new Map<string, i32>();
  for (let i = 0, n = COMMAND_ROWS.length; i < n; i++) {
    const row = unchecked(COMMAND_ROWS[i]);
    map.set(row.substring(0, row.indexOf("\t")), i);
  }
  return map;
}

/** The row of a full name (`client|list`), or -1 when Redis has no such command. */
export function metaRow(fullName: string): i32 {
  let map = index;
  if (map == null) { map = buildIndex(); index = map; }
  return map.has(fullName) ? map.get(fullName) : -1;
}

/** Field `field` (META_*) of a row; "" for an absent row or an empty field. */
export function metaField(row: i32, field: i32): string {
  if (row < 0) return "";
  if (row != lastRow) {
    lastFields = unchecked(COMMAND_ROWS[row]).split("\t");
    lastRow = row;
  }
  return field < lastFields.length ? unchecked(lastFields[field]) : "";
}

/** A comma (or other separator) list as its items; an empty text is an empty list. */
export function splitList(list: string, separator: string): string[] {
  return list.length == 0 ? new Array<string>() : list.split(separator);
}
