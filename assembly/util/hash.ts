// The byte hash behind the in-shard hash tables: xxHash32 (Yann Collet's XXH32, seedable).
// This file owns only the mixing function; bucket selection, resizing and seeding policy belong to the
// tables that call it. xxHash32 reads four bytes at a time with unaligned loads, passes SMHasher, and
// spreads short, similar keys ("key:000123", "key:000124") across all 32 bits, which matters because
// tables take the low bits as the bucket index.
//
// Output equals the reference XXH32(ptr, len, seed) so it can be checked against published vectors.

// @ts-ignore: decorator
@inline const PRIME1: u32 = 2654435761;
// @ts-ignore: decorator
@inline const PRIME2: u32 = 2246822519;
// @ts-ignore: decorator
@inline const PRIME3: u32 = 3266489917;
// @ts-ignore: decorator
@inline const PRIME4: u32 = 668265263;
// @ts-ignore: decorator
@inline const PRIME5: u32 = 374761393;

// @ts-ignore: decorator
@inline function round(acc: u32, lane: u32): u32 {
  return rotl<u32>(acc + lane * PRIME2, 13) * PRIME1;
}

/** xxHash32 of `len` bytes at `ptr` with `seed`. */
export function hashBytes(ptr: usize, len: u32, seed: u32): u32 {
  const end = ptr + len;
  let h: u32;
  if (len >= 16) {
    const limit = end - 16;
    let v1 = seed + PRIME1 + PRIME2;
    let v2 = seed + PRIME2;
    let v3 = seed;
    let v4 = seed - PRIME1;
    do {
      v1 = round(v1, load<u32>(ptr));
      v2 = round(v2, load<u32>(ptr, 4));
      v3 = round(v3, load<u32>(ptr, 8));
      v4 = round(v4, load<u32>(ptr, 12));
      ptr += 16;
    } while (ptr <= limit);
    h = rotl<u32>(v1, 1) + rotl<u32>(v2, 7) + rotl<u32>(v3, 12) + rotl<u32>(v4, 18);
  } else {
    h = seed + PRIME5;
  }
  h += len;
  while (ptr + 4 <= end) {
    h = rotl<u32>(h + load<u32>(ptr) * PRIME3, 17) * PRIME4;
    ptr += 4;
  }
  while (ptr < end) {
    h = rotl<u32>(h + <u32>load<u8>(ptr) * PRIME5, 11) * PRIME1;
    ptr++;
  }
  h ^= h >> 15;
  h *= PRIME2;
  h ^= h >> 13;
  h *= PRIME3;
  h ^= h >> 16;
  return h;
}
