/**
 * slots — where a key lives, computed the way the engine does (assembly/shard/placement.ts): CRC16-XMODEM
 * of the key, or of its non-empty `{hash tag}`, mod 16384; shard i of n owns slots
 * [floor(i*16384/n), floor((i+1)*16384/n)). Web-standard: the browser demo shows the owner of a key as it
 * is typed, and tests pick keys on chosen shards with it.
 */

export const SLOTS = 16384;

const utf8 = new TextEncoder();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function keySlot(key: string | Uint8Array): number {
  let bytes = typeof key === 'string' ? utf8.encode(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  return crc16(bytes) % SLOTS;
}

export function shardOfSlot(slot: number, shards: number): number {
  for (let i = 0; i < shards; i++) {
    if (slot < Math.floor(((i + 1) * SLOTS) / shards)) return i;
  }
  return shards - 1;
}

export function shardOf(key: string | Uint8Array, shards: number): number {
  return shardOfSlot(keySlot(key), shards);
}

/** The first key `${prefix}${n}` (n = 0, 1, …) that lands on `shard`. */
export function keyOnShard(prefix: string, shard: number, shards: number): string {
  for (let n = 0; ; n++) {
    const key = `${prefix}${n}`;
    if (shardOf(key, shards) === shard) return key;
  }
}

/** One key per shard: `${prefix}:${n}` for the first n that lands on each shard, in shard order. */
export function keyPerShard(prefix: string, shards: number): string[] {
  const found: (string | undefined)[] = new Array<string | undefined>(shards).fill(undefined);
  let left = shards;
  for (let n = 0; left > 0; n++) {
    const key = `${prefix}:${n}`;
    const s = shardOf(key, shards);
    if (found[s] === undefined) {
      found[s] = key;
      left--;
    }
  }
  return found as string[];
}
