// Redis's dictScan cursor walk, for every incremental hash table here (store/dict.ts for the keyspace,
// store/member-table.ts for sets, store/hash.ts for hashes): which buckets one SCAN step visits and what
// the next cursor is. The cursor counts with its bits reversed, so a table that grows or shrinks between
// steps still has every element visited at least once; while rehashing, both tables' buckets that a
// cursor maps to are visited (the small table's one, then the large table's ones that expand it).

/** The buckets of one step, as `(table << 32) | bucket` (table 0 or 1), in visiting order. */
export const scanVisits = new Array<u64>();

/**
 * Fills `scanVisits` for `cursor` over table 0 of `size0` buckets and, while rehashing, table 1 of `size1`
 * (0 when not rehashing); answers the next cursor (0: the scan is complete). Sizes are powers of two.
 */
export function scanStep(cursor: u64, size0: u32, size1: u32): u64 {
  scanVisits.length = 0;
  let v = cursor;
  if (size1 == 0) {
    const m = <u64>(size0 - 1);
    scanVisits.push(v & m);
    v |= ~m;
    return reverseBits(reverseBits(v) + 1);
  }
  let small: u64 = 0;
  let large: u64 = 1;
  if (size0 > size1) { small = 1; large = 0; }
  const m0 = <u64>((small == 0 ? size0 : size1) - 1);
  const m1 = <u64>((large == 0 ? size0 : size1) - 1);
  scanVisits.push((small << 32) | (v & m0));
  do {
    scanVisits.push((large << 32) | (v & m1));
    v |= ~m1;
    v = reverseBits(reverseBits(v) + 1);
  } while ((v & (m0 ^ m1)) != 0);
  return v;
}

function reverseBits(v: u64): u64 {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FF) | ((v & 0x00FF00FF00FF00FF) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFF) | ((v & 0x0000FFFF0000FFFF) << 16);
  return (v >> 32) | (v << 32);
}
