// Cluster key slots: CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection) and the Redis
// Cluster hash-tag rule. This file owns the key -> slot mapping that CLUSTER KEYSLOT reports and that
// the hosts use to route a key to its shard, so the mapping must be bit-for-bit Redis's.
//
// Hash-tag rule: if the key contains '{', and a '}' occurs somewhere after the first '{', and at least
// one byte lies between them, only those bytes are hashed. Otherwise the whole key is. Only the FIRST
// '{' counts: "foo{}{bar}" hashes whole ("{}" is empty), "{{a}}" hashes "{a".

/** 256-entry CRC16-XMODEM table (u16 each), built once at start-up. */
const CRC16_TABLE: usize = memory.data(512, 2);
let tableReady = false;

function buildTable(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let crc: u32 = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
    }
    store<u16>(CRC16_TABLE + (<usize>i << 1), <u16>crc);
  }
  tableReady = true;
}

// @ts-ignore: decorator
@inline function crcStep(crc: u32, b: u8): u32 {
  const index = ((crc >> 8) ^ <u32>b) & 0xff;
  return ((crc << 8) ^ <u32>load<u16>(CRC16_TABLE + (<usize>index << 1))) & 0xffff;
}

/** CRC16-XMODEM of `len` bytes at `ptr`. */
export function crc16(ptr: usize, len: u32): u32 {
  if (!tableReady) buildTable();
  let crc: u32 = 0;
  for (let i: u32 = 0; i < len; i++) crc = crcStep(crc, load<u8>(ptr + i));
  return crc;
}

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS: u32 = 16384;

/**
 * The cluster slot (0..16383) of a key, honouring the first non-empty {hash tag}. One pass for the
 * common key without '{': the CRC is computed while looking for it (routing does this for every key).
 */
export function keyHashSlot(ptr: usize, len: u32): u32 {
  if (!tableReady) buildTable();
  let crc: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const b = load<u8>(ptr + i);
    if (b == 0x7b) return taggedSlot(ptr, len, i); // '{'
    crc = crcStep(crc, b);
  }
  return crc & (CLUSTER_SLOTS - 1);
}

/** The slot of a key whose first '{' is at `open`: its tag's, or the whole key's if the tag is empty. */
function taggedSlot(ptr: usize, len: u32, open: u32): u32 {
  let close = open + 1;
  while (close < len && load<u8>(ptr + close) != 0x7d) close++; // '}'
  if (close < len && close != open + 1) {
    return crc16(ptr + open + 1, close - open - 1) & (CLUSTER_SLOTS - 1);
  }
  return crc16(ptr, len) & (CLUSTER_SLOTS - 1);
}
