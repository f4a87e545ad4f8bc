// String values: a raw block `[len u32][cap u32][bytes]`. Values that grow in place (APPEND, SETRANGE)
// get spare capacity like Redis's sds; values set whole are allocated to fit.
import { rawAlloc, rawRealloc, rawFree } from "../util/mem";

const HEADER: usize = 8;

// @ts-ignore: decorator
@inline export function strLen(v: usize): u32 { return load<u32>(v); }
// @ts-ignore: decorator
@inline export function strData(v: usize): usize { return v + HEADER; }

export function strNew(src: usize, len: u32): usize {
  const v = rawAlloc(HEADER + max<usize>(len, 1));
  store<u32>(v, len);
  store<u32>(v, len, 4);
  memory.copy(v + HEADER, src, len);
  return v;
}

/** A zero-filled string of `len` bytes. */
export function strZeros(len: u32): usize {
  const v = rawAlloc(HEADER + max<usize>(len, 1));
  store<u32>(v, len);
  store<u32>(v, len, 4);
  memory.fill(v + HEADER, 0, len);
  return v;
}

/** Makes room for `newLen` bytes (new bytes zeroed); returns the possibly moved value. */
export function strGrow(v: usize, newLen: u32): usize {
  const len = load<u32>(v);
  let cap = load<u32>(v, 4);
  if (newLen > cap) {
    // Like sdsMakeRoomFor: double below 1 MB, then add 1 MB at a time.
    cap = newLen < 1048576 ? newLen * 2 : newLen + 1048576;
    v = rawRealloc(v, HEADER + cap);
    store<u32>(v, cap, 4);
  }
  if (newLen > len) memory.fill(v + HEADER + len, 0, newLen - len);
  store<u32>(v, max(len, newLen));
  return v;
}

export function strFree(v: usize): void { rawFree(v); }
