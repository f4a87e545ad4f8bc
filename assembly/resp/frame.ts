// Walking replies the engine itself wrote (RESP2 or RESP3): where one reply ends, how many elements an
// aggregate header announces, the integer of `:n`. Used by the origin shard to gather replies from other
// shards. Input is trusted (our own encoder wrote it), so there is no error handling beyond bounds.
import { parseI64, parsedI64 } from "../util/int";

function lineEnd(ptr: usize, at: u32): u32 {
  while (load<u8>(ptr + at) != 0x0d) at++;
  return at;
}

/** The integer after the type byte of the line at `at` (`*3`, `:42`, `$5`). */
export function headerValue(ptr: usize, at: u32): i64 {
  const end = lineEnd(ptr, at);
  parseI64(ptr + at + 1, end - at - 1);
  return parsedI64;
}

/** The offset just past the header line at `at`. */
export function headerEnd(ptr: usize, at: u32): u32 {
  return lineEnd(ptr, at) + 2;
}

/** The offset just past the whole reply that starts at `at`. */
export function frameEnd(ptr: usize, at: u32): u32 {
  let pending: i64 = 1;
  while (pending > 0) {
    const type = load<u8>(ptr + at);
    pending--;
    if (type == 0x24 || type == 0x3d || type == 0x21) { // $ = ! : sized
      const n = headerValue(ptr, at);
      at = headerEnd(ptr, at);
      if (n >= 0) at += <u32>n + 2;
    } else if (type == 0x2a || type == 0x7e || type == 0x3e) { // * ~ >
      const n = headerValue(ptr, at);
      at = headerEnd(ptr, at);
      if (n > 0) pending += n;
    } else if (type == 0x25 || type == 0x7c) { // % | : pairs
      const n = headerValue(ptr, at);
      at = headerEnd(ptr, at);
      if (n > 0) pending += n * 2;
      if (type == 0x7c) pending++; // an attribute precedes the reply it describes
    } else {
      at = headerEnd(ptr, at);
    }
  }
  return at;
}
