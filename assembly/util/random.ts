// The shard's pseudo-random numbers (RANDOMKEY, expiry sampling): xorshift128+, seeded by the host so a
// simulation run with the same seed makes the same choices.

let s0: u64 = 0x9E3779B97F4A7C15;
let s1: u64 = 0xBF58476D1CE4E5B9;

export function randomSeed(seed: u64): void {
  s0 = seed ^ 0x9E3779B97F4A7C15;
  s1 = (seed * 0xBF58476D1CE4E5B9) ^ 0x94D049BB133111EB;
  if (s0 == 0 && s1 == 0) s1 = 1;
  for (let i = 0; i < 8; i++) randomU64();
}

export function randomU64(): u64 {
  let x = s0;
  const y = s1;
  s0 = y;
  x ^= x << 23;
  s1 = x ^ y ^ (x >> 17) ^ (y >> 26);
  return s1 + y;
}

export function randomU32(): u32 {
  return <u32>(randomU64() >> 32);
}

/** A uniform-enough integer in [0, n). */
export function randomBelow(n: u32): u32 {
  return <u32>((<u64>randomU32() * <u64>n) >> 32);
}
