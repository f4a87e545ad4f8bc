// INFO [section ...]: which sections, in which order, in one text reply (a verbatim string in RESP3,
// a bulk string in RESP2, as Redis 7.0 sends it). The sections themselves are written by
// info-sections.ts.
//
// Selection is Redis 7.0's genInfoSectionDict: no argument means the default sections; `default` adds
// them; `all` and `everything` select every section; any other word names one section (any case; unknown
// names select nothing). Sections always come in Redis's order, `# Name` headers, CRLF line ends, an
// empty line between sections.
import { Conn } from "../shard/conn";
import { argc } from "../shard/args";
import { Command, defineCommand, F_LOADING, F_STALE } from "./table";
import { argIs } from "./options";
import { textStart, textVerbatim, putCrlf } from "./report-text";
import { Lit } from "../util/mem";
import * as S from "./info-sections";

const SERVER: u32 = 1 << 0;
const CLIENTS: u32 = 1 << 1;
const MEMORY: u32 = 1 << 2;
const PERSISTENCE: u32 = 1 << 3;
const STATS: u32 = 1 << 4;
const REPLICATION: u32 = 1 << 5;
const CPU: u32 = 1 << 6;
const MODULES: u32 = 1 << 7;
const COMMANDSTATS: u32 = 1 << 8;
const ERRORSTATS: u32 = 1 << 9;
const LATENCYSTATS: u32 = 1 << 10;
const CLUSTER: u32 = 1 << 11;
const KEYSPACE: u32 = 1 << 12;
const EVERY: u32 = (1 << 13) - 1;
const DEFAULT: u32 = EVERY & ~(COMMANDSTATS | LATENCYSTATS);

/** Section names as INFO takes them, with their bits (`module_list` is another name for modules). */
const NAMES: Lit[] = [
  new Lit("server"), new Lit("clients"), new Lit("memory"), new Lit("persistence"), new Lit("stats"),
  new Lit("replication"), new Lit("cpu"), new Lit("modules"), new Lit("commandstats"),
  new Lit("errorstats"), new Lit("latencystats"), new Lit("cluster"), new Lit("keyspace"),
];
const MODULE_LIST = new Lit("module_list");
const ALL = new Lit("all");
const EVERYTHING = new Lit("everything");
const DEFAULT_NAME = new Lit("default");

function sectionOfArg(i: i32): u32 {
  if (argIs(i, DEFAULT_NAME)) return DEFAULT;
  if (argIs(i, ALL) || argIs(i, EVERYTHING)) return EVERY;
  if (argIs(i, MODULE_LIST)) return MODULES;
  for (let s = 0; s < NAMES.length; s++) if (argIs(i, NAMES[s])) return <u32>1 << s;
  return 0;
}

function selectedSections(): u32 {
  if (argc == 1) return DEFAULT;
  let sections: u32 = 0;
  for (let i = 1; i < argc; i++) sections |= sectionOfArg(i);
  return sections;
}

/** Whether the INFO in the argument vector prints the stats section (INFO across shards asks its figures). */
export function infoWantsStats(): bool { return (selectedSections() & STATS) != 0; }

let infoRow: Command | null = null;
let written = 0;

/** Writes a section when selected, after an empty line unless it is the first. */
function maybe(selected: u32, bit: u32, write: (running: Command | null) => void): void {
  if ((selected & bit) == 0) return;
  if (written++ > 0) putCrlf();
  write(infoRow);
}

function info(c: Conn): void {
  const selected = selectedSections();
  textStart();
  written = 0;
  maybe(selected, SERVER, S.writeServer);
  maybe(selected, CLIENTS, S.writeClients);
  maybe(selected, MEMORY, S.writeMemory);
  maybe(selected, PERSISTENCE, S.writePersistence);
  maybe(selected, STATS, S.writeStats);
  maybe(selected, REPLICATION, S.writeReplication);
  maybe(selected, CPU, S.writeCpu);
  maybe(selected, MODULES, S.writeModules);
  maybe(selected, COMMANDSTATS, S.writeCommandstats);
  maybe(selected, ERRORSTATS, S.writeErrorstats);
  maybe(selected, LATENCYSTATS, S.writeLatencystats);
  maybe(selected, CLUSTER, S.writeCluster);
  maybe(selected, KEYSPACE, S.writeKeyspace);
  textVerbatim();
}

export function registerInfoCommand(): void {
  infoRow = defineCommand("info", -1, F_LOADING | F_STALE, 0, 0, 0, "slow dangerous", info);
}
