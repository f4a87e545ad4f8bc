// The shard's idea of the time: set by the host on every call (the engine never reads a clock), in Unix
// milliseconds. Everything that needs "now" (expiry, TTL, CLIENT LIST's age) reads it here.

export let nowMs: i64 = 0;

export function clockSet(ms: i64): void {
  if (ms > nowMs) nowMs = ms;
}
