// Which shard owns a key: slot = CRC16 of the key (or of its {hash tag}) mod 16384, and shard i of n owns
// slots [floor(i*16384/n), floor((i+1)*16384/n)). The slot → shard table is built once at init.
import { keyHashSlot, CLUSTER_SLOTS } from "../util/crc16";
import { shardIndex, shardCount } from "./server-info";

const owners = new StaticArray<u8>(<i32>CLUSTER_SLOTS);

export function buildPlacement(): void {
  for (let i: u32 = 0; i < shardCount; i++) {
    const from = <u32>((<u64>i * CLUSTER_SLOTS) / shardCount);
    const to = <u32>((<u64>(i + 1) * CLUSTER_SLOTS) / shardCount);
    for (let s = from; s < to; s++) unchecked(owners[s] = <u8>i);
  }
}

export function keyShard(ptr: usize, len: u32): u32 {
  if (shardCount == 1) return 0;
  return unchecked(owners[keyHashSlot(ptr, len)]);
}

export function isLocal(shard: u32): bool { return shard == shardIndex; }
