// Active expiry: on each host tick, sample keys that have a TTL and delete the expired ones, repeating
// while more than 10% of a sample was expired — Redis's activeExpireCycle, with a budget counted in
// samples instead of microseconds (the engine has no clock of its own). Also nudges the hash table's
// rehashing and shrinking along, as Redis's serverCron does.
import { db, volatileCount, volatileAt, isExpired, deleteEntry, statExpiredAdd } from "./keyspace";
import { randomBelow } from "../util/random";

const SAMPLE: u32 = 20;
const MAX_ROUNDS: i32 = 16;
const ACCEPTABLE_STALE_PERCENT: u32 = 10;

export function activeExpireCycle(): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (volatileCount == 0) return;
    const samples = min(SAMPLE, volatileCount);
    let expired: u32 = 0;
    for (let i: u32 = 0; i < samples && volatileCount > 0; i++) {
      const e = volatileAt(randomBelow(volatileCount));
      if (isExpired(e)) {
        deleteEntry(e);
        expired++;
      }
    }
    statExpiredAdd(expired);
    if (expired * 100 <= samples * ACCEPTABLE_STALE_PERCENT) return;
  }
}

export function tableMaintenance(): void {
  db.shrinkIfNeeded();
  if (db.rehashing) db.rehashStep(100);
}
