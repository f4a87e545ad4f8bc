// INFO's figures for the whole server when it has several shards: each shard reports its own counts
// (`\0stats`), the origin adds them up here, and INFO's sections read these totals instead of the local
// ones while the reply is written. With one shard nothing is set and the sections read local figures.

export const T_CLIENTS = 0;
export const T_KEYS = 1;
export const T_EXPIRES = 2;
export const T_TTL_SUM = 3;
export const T_TTL_KEYS = 4;
export const T_HITS = 5;
export const T_MISSES = 6;
export const T_EXPIRED = 7;
export const T_COMMANDS = 8;
export const T_CONNECTIONS = 9;
export const T_CHANNELS = 10;
export const T_PATTERNS = 11;
export const T_MEMORY = 12;
export const T_BLOCKED = 13;
export const T_BLOCKED_TIMEOUT = 14;
export const T_COUNT = 15;

let totals: StaticArray<i64> | null = null;

export function setTotals(t: StaticArray<i64> | null): void { totals = t; }

/** The server-wide figure `which` while totals are set, else the local one. */
export function total(which: i32, local: i64): i64 {
  const t = totals;
  return t != null ? t[which] : local;
}
