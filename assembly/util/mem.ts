// Raw memory: every byte payload of the engine (keys, values, connection buffers) lives in blocks taken
// from the TLSF heap with heap.alloc, outside the garbage collector's view, so millions of keys cost the
// collector nothing. This file owns that allocation and its accounting (INFO memory's used_memory), plus
// `Lit`, the way constant ASCII texts (error replies, option names) become bytes once, at start-up.

/** Bytes currently held in raw blocks, headers included. */
export let rawBytesInUse: u64 = 0;

// @ts-ignore: decorator
@inline function blockSize(ptr: usize): usize {
  // TLSF keeps the block's size in the word before it; the low two bits are tags.
  return (load<usize>(ptr - 4) & ~3) + 4;
}

export function rawAlloc(size: usize): usize {
  const ptr = heap.alloc(size);
  rawBytesInUse += blockSize(ptr);
  return ptr;
}

export function rawRealloc(ptr: usize, size: usize): usize {
  rawBytesInUse -= blockSize(ptr);
  const moved = heap.realloc(ptr, size);
  rawBytesInUse += blockSize(moved);
  return moved;
}

export function rawFree(ptr: usize): void {
  rawBytesInUse -= blockSize(ptr);
  heap.free(ptr);
}

/** A copy of `len` bytes at `src` in a fresh raw block. */
export function rawCopy(src: usize, len: u32): usize {
  const ptr = rawAlloc(max<usize>(len, 1));
  memory.copy(ptr, src, len);
  return ptr;
}

/** A constant ASCII text as bytes: made once (module globals), read everywhere. */
export class Lit {
  readonly ptr: usize;
  readonly len: u32;
  constructor(text: string) {
    const n = text.length;
    const ptr = heap.alloc(max<usize>(n, 1));
    for (let i = 0; i < n; i++) store<u8>(ptr + i, <u8>text.charCodeAt(i));
    this.ptr = ptr;
    this.len = n;
  }
}

export function lit(text: string): Lit {
  return new Lit(text);
}

/** A growable byte buffer in raw memory (connection input, scratch space). */
export class ByteBuf {
  ptr: usize = 0;
  len: u32 = 0;
  cap: u32 = 0;

  reserve(extra: u32): void {
    const need = this.len + extra;
    if (need <= this.cap) return;
    let cap = max<u32>(this.cap << 1, 256);
    while (cap < need) cap <<= 1;
    this.ptr = this.ptr == 0 ? rawAlloc(cap) : rawRealloc(this.ptr, cap);
    this.cap = cap;
  }

  append(src: usize, n: u32): void {
    this.reserve(n);
    memory.copy(this.ptr + this.len, src, n);
    this.len += n;
  }

  pushByte(b: u8): void {
    this.reserve(1);
    store<u8>(this.ptr + this.len, b);
    this.len++;
  }

  /** Drops the first `n` bytes, keeping the rest at the start. */
  consume(n: u32): void {
    if (n >= this.len) { this.len = 0; return; }
    memory.copy(this.ptr, this.ptr + n, this.len - n);
    this.len -= n;
  }

  /** Gives the memory back when a large buffer is empty again. */
  shrinkIfIdle(): void {
    if (this.len == 0 && this.cap > 65536) {
      rawFree(this.ptr);
      this.ptr = 0;
      this.cap = 0;
    }
  }

  release(): void {
    if (this.ptr != 0) rawFree(this.ptr);
    this.ptr = 0; this.len = 0; this.cap = 0;
  }
}

/** A new buffer holding a copy of `len` bytes at `ptr`. */
export function bufferOf(ptr: usize, len: u32): ByteBuf {
  const b = new ByteBuf();
  b.append(ptr, len);
  return b;
}
