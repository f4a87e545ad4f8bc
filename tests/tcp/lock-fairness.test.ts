/**
 * Lock fairness over TCP (2 shards): while clients of shard 1 loop cross-shard MSETs (each takes both
 * shards' locks), a client of shard 0 reading a key of its own shard keeps getting turns. Stalled local
 * connections wait in the same FIFO line as held lock requests (assembly/shard/inbox.ts); before that, a
 * stream of LOCKs from the other shard starved them (9 GETs in 4 s, one waiting 2.4 s).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { keyOnShard } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { ShardClients } from '../helpers/shard-clients.js';

const SHARDS = 2;
const test = suite('lock fairness (2 shards)');
let server: RunningServer;
let clients: ShardClients;

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: SHARDS, design: 'main-shard-spread' });
  clients = new ShardClients(server, SHARDS);
});

test.after(async () => {
  clients?.disconnectAll();
  await server?.close();
});

const clientOn = (s: number): Promise<Redis> => clients.clientOn(s);

test('a shard\'s own client keeps getting turns while another shard\'s clients loop cross-shard MSETs', async () => {
  const k0 = keyOnShard('fair', 0, SHARDS);
  const k1 = keyOnShard('fair', 1, SHARDS);
  const lockers: Redis[] = [];
  for (let i = 0; i < 8; i++) lockers.push(await clientOn(1));
  const reader = await clientOn(0);
  const end = Date.now() + 2000;
  let msets = 0;
  const lock = async (r: Redis): Promise<void> => {
    while (Date.now() < end) { await r.mset(k0, 'x', k1, 'y'); msets++; }
  };
  let gets = 0;
  let worst = 0;
  const read = async (): Promise<void> => {
    while (Date.now() < end) {
      const t = Date.now();
      await reader.get(k0);
      worst = Math.max(worst, Date.now() - t);
      gets++;
    }
  };
  await Promise.all([...lockers.map(lock), read()]);
  assert.ok(msets > 100, `only ${msets} MSETs ran`);
  assert.ok(gets >= 100, `the shard-0 client got ${gets} GETs in 2 s beside ${msets} cross-shard MSETs`);
  assert.ok(worst < 1000, `one GET waited ${worst} ms`);
});

test.run();
