// A set of byte strings for counting or listing names once each (pub/sub channels and patterns across
// connections and shards): hashed buckets, so adding n names costs O(n), not a comparison with every
// name seen. `add` keeps the buffer it is given (it must outlive the set's use); `addCopy` copies a name
// it has not seen, and `release` frees those copies.
import { ByteBuf, bufferOf } from "./mem";
import { bytesEqual } from "./bytes";
import { hashBytes } from "./hash";

export class DistinctNames {
  private readonly buckets: Map<u32, Array<ByteBuf>> = new Map<u32, Array<ByteBuf>>();
  private readonly copies: Array<ByteBuf> = new Array<ByteBuf>();
  /** The names added, first sightings only, in the order first seen. */
  readonly names: Array<ByteBuf> = new Array<ByteBuf>();

  /** Adds `name` (kept, not copied) unless an equal one is in; true if it was new. */
  add(name: ByteBuf): bool {
    if (this.has(name.ptr, name.len)) return false;
    this.insert(name);
    return true;
  }

  /** Adds a copy of the `len` bytes at `ptr` unless an equal name is in; true if it was new. */
  addCopy(ptr: usize, len: u32): bool {
    if (this.has(ptr, len)) return false;
    const copy = bufferOf(ptr, len);
    this.copies.push(copy);
    this.insert(copy);
    return true;
  }

  get size(): i32 { return this.names.length; }

  /** Frees the copies `addCopy` made; the set is not used afterwards. */
  release(): void {
    for (let i = 0; i < this.copies.length; i++) unchecked(this.copies[i]).release();
  }

  private has(ptr: usize, len: u32): bool {
    const h = hashBytes(ptr, len, 0);
    if (!this.buckets.has(h)) return false;
    const bucket = this.buckets.get(h);
    for (let i = 0; i < bucket.length; i++) {
      const seen = unchecked(bucket[i]);
      if (bytesEqual(seen.ptr, seen.len, ptr, len)) return true;
    }
    return false;
  }

  private insert(name: ByteBuf): void {
    const h = hashBytes(name.ptr, name.len, 0);
    if (!this.buckets.has(h)) this.buckets.set(h, new Array<ByteBuf>());
    this.buckets.get(h).push(name);
    this.names.push(name);
  }
}
