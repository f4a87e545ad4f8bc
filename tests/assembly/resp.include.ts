// Byte helpers shared by the RESP specs (parser, writer, frame): AssemblyScript strings whose char codes
// are all below 256 stand for byte strings, so expected wire bytes read as ordinary literals
// ("$3\r\nfoo\r\n"), binary bytes included ("\0", "\xff").
//
// as-pect compiles this file into every spec module (as-pect.config.js `include`); the RESP specs import
// what they use from it, and every name is prefixed `resp` to stay out of the other specs' way.

/** The bytes of `s` (one byte per char code, which must be < 256) in a fresh raw block of `s.length`. */
export function respBytesAt(s: string): usize {
  const p = heap.alloc(max<usize>(<usize>s.length, 1));
  for (let i = 0; i < s.length; i++) store<u8>(p + <usize>i, <u8>s.charCodeAt(i));
  return p;
}

/** `len` bytes at `ptr` as a string of char codes (the inverse of respBytesAt). */
export function respText(ptr: usize, len: u32): string {
  const wide = heap.alloc(max<usize>(<usize>len << 1, 2));
  for (let i: u32 = 0; i < len; i++) store<u16>(wide + (<usize>i << 1), load<u8>(ptr + i));
  const s = String.UTF16.decodeUnsafe(wide, <usize>len << 1);
  heap.free(wide);
  return s;
}
