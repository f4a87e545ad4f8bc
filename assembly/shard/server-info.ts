// What the shard knows about the process it runs in, given by the host (INFO server's tcp_port,
// process_id, executable …) and its place in the mesh (shard index and count).
import { ByteBuf } from "../util/mem";

export const hostInfo = new ByteBuf();
export let shardIndex: u32 = 0;
export let shardCount: u32 = 1;

export function setServerInfo(ptr: usize, len: u32): void {
  hostInfo.len = 0;
  hostInfo.append(ptr, len);
}

export function setShardPlace(index: u32, count: u32): void {
  shardIndex = index;
  shardCount = count;
}

/** The value of `name:` in the host's `key:value` lines, as [ptr, len] through the out-params, or false. */
export let foundPtr: usize = 0;
export let foundLen: u32 = 0;

export function hostInfoValue(name: string): bool {
  const base = hostInfo.ptr;
  const n = hostInfo.len;
  let line: u32 = 0;
  while (line < n) {
    let end = line;
    while (end < n && load<u8>(base + end) != 0x0a) end++;
    const nameLen = <u32>name.length;
    if (end - line > nameLen && load<u8>(base + line + nameLen) == 0x3a) {
      let same = true;
      for (let i: u32 = 0; i < nameLen; i++) {
        if (load<u8>(base + line + i) != <u8>name.charCodeAt(i)) { same = false; break; }
      }
      if (same) {
        foundPtr = base + line + nameLen + 1;
        foundLen = end - line - nameLen - 1;
        return true;
      }
    }
    line = end + 1;
  }
  return false;
}
