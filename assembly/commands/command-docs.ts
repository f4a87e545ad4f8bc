// COMMAND DOCS [name ...]: a map from each command's full name to its documentation, in Redis 7.0's
// shape (summary, since, group, complexity, doc_flags, deprecated_since, replaced_by, history, arguments,
// subcommands — the fields a command has, in that order; `group` always). The texts are Redis's own
// (command-meta.ts); history and arguments are written by command-args-doc.ts. Unknown names are left
// out; no names means every command, each container with its subcommands nested.
import { Conn } from "../shard/conn";
import { argc, argPtr, argLen } from "../shard/args";
import { Command } from "./table";
import { replyMapLen, replySetLen, replyBulk } from "../resp/writer";
import { replyBulkStr, replySimpleStr } from "./report-text";
import {
  metaRow, metaField, splitList, META_SUMMARY, META_SINCE, META_GROUP, META_COMPLEXITY, META_DOC_FLAGS,
  META_DEPRECATED_SINCE, META_REPLACED_BY, META_HISTORY, META_ARGUMENTS,
} from "./command-meta";
import { replyHistoryDoc, replyArgumentsDoc } from "./command-args-doc";
import { lookupByFullName, publicCommands } from "./command-info";

/** The text fields shown when present, in Redis's order; group is handled apart (always shown). */
const BEFORE_GROUP: i32[] = [META_SUMMARY, META_SINCE];
const AFTER_GROUP: i32[] = [META_COMPLEXITY];
const DEPRECATION: i32[] = [META_DEPRECATED_SINCE, META_REPLACED_BY];
const TREES: i32[] = [META_HISTORY, META_ARGUMENTS];

function fieldName(field: i32): string {
  if (field == META_SUMMARY) return "summary";
  if (field == META_SINCE) return "since";
  if (field == META_COMPLEXITY) return "complexity";
  if (field == META_DEPRECATED_SINCE) return "deprecated_since";
  return "replaced_by";
}

function presentCount(row: i32, fields: i32[]): i32 {
  let n = 0;
  for (let i = 0; i < fields.length; i++) if (metaField(row, fields[i]).length > 0) n++;
  return n;
}

function replyFields(row: i32, fields: i32[]): void {
  for (let i = 0; i < fields.length; i++) {
    const value = metaField(row, fields[i]);
    if (value.length == 0) continue;
    replyBulkStr(fieldName(fields[i]));
    replyBulkStr(value);
  }
}

function replyDocFlags(row: i32): void {
  const flags = splitList(metaField(row, META_DOC_FLAGS), ",");
  if (flags.length == 0) return;
  replyBulkStr("doc_flags");
  replySetLen(flags.length);
  for (let i = 0; i < flags.length; i++) replySimpleStr(flags[i]);
}

function replyDocs(cmd: Command): void {
  const row = metaRow(cmd.fullName);
  const group = row >= 0 ? metaField(row, META_GROUP) : "generic";
  const hasFlags = metaField(row, META_DOC_FLAGS).length > 0;
  const subs = cmd.subcommands;
  replyMapLen(1 + presentCount(row, BEFORE_GROUP) + presentCount(row, AFTER_GROUP) + (hasFlags ? 1 : 0) +
    presentCount(row, DEPRECATION) + presentCount(row, TREES) + (subs != null ? 1 : 0));
  replyFields(row, BEFORE_GROUP);
  replyBulkStr("group");
  replyBulkStr(group);
  replyFields(row, AFTER_GROUP);
  replyDocFlags(row);
  replyFields(row, DEPRECATION);
  replyHistoryDoc(metaField(row, META_HISTORY));
  replyArgumentsDoc(metaField(row, META_ARGUMENTS));
  if (subs == null) return;
  replyBulkStr("subcommands");
  replyMapLen(subs.length);
  for (let i = 0; i < subs.length; i++) replyNamedDocs(subs[i]);
}

function replyNamedDocs(cmd: Command): void {
  replyBulk(cmd.fullNameLit.ptr, cmd.fullNameLit.len);
  replyDocs(cmd);
}

export function commandDocs(c: Conn): void {
  if (argc == 2) {
    const list = publicCommands();
    replyMapLen(list.length);
    for (let i = 0, n = list.length; i < n; i++) replyNamedDocs(unchecked(list[i]));
    return;
  }
  let found = 0;
  for (let i = 2; i < argc; i++) if (lookupByFullName(argPtr(i), argLen(i)) != null) found++;
  replyMapLen(found);
  for (let i = 2; i < argc; i++) {
    const cmd = lookupByFullName(argPtr(i), argLen(i));
    if (cmd != null) replyNamedDocs(cmd);
  }
}
