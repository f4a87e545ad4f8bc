/**
 * slots — where a key lives, for tests that need keys on chosen shards. The code is host/core/slots.ts
 * (the browser demo uses it too); this module keeps the tests' import path.
 */
export { crc16, keySlot, shardOfSlot, shardOf, keyPerShard, keyOnShard } from '../../host/core/slots.js';
