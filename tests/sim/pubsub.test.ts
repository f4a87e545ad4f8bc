/**
 * Simulation: pub/sub across shards. Subscribers on random shards (RESP2 and RESP3, channels and a
 * pattern) subscribe first; publishers on random shards then publish numbered messages with random
 * message delivery order between shards. Invariants: every subscriber receives every message exactly
 * once, each publisher's messages in publish order; every PUBLISH returns the true number of receivers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show } from './sim-cluster.js';
import { isPush, type RespValue } from '../../host/core/resp-reader.js';

const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 300);

test('every subscriber gets every message once, in publish order per publisher', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const subs = Array.from({ length: 4 }, () => sim.connect());
    subs.forEach((s, i) => {
      if (i % 2) sim.send(s, cmd('HELLO', 3));
      sim.send(s, i === 3 ? cmd('PSUBSCRIBE', 'ne*') : cmd('SUBSCRIBE', 'news'));
    });
    sim.settle();
    for (const s of subs) sim.drain(s);
    const pubs = Array.from({ length: 3 }, () => sim.connect());
    const perPublisher = 15;
    for (let i = 0; i < perPublisher; i++) {
      for (const p of pubs) {
        sim.send(p, cmd('PUBLISH', 'news', `${p.id}:${i}`));
        for (let s = sim.int(3); s > 0; s--) sim.step();
      }
    }
    sim.settle();
    for (const p of pubs) {
      const counts = sim.drain(p).map(show);
      assert.equal(counts, Array(perPublisher).fill(subs.length), `seed ${seed}: PUBLISH counts`);
    }
    for (const s of subs) {
      const got = sim.drain(s).map((v) => {
        const frame = (isPush(v) ? v.data : v) as unknown[];
        return show(frame[frame.length - 1] as RespValue) as string;
      });
      assert.is(got.length, pubs.length * perPublisher, `seed ${seed}: subscriber ${s.id} got ${got.length}`);
      for (const p of pubs) {
        const mine = got.filter((m) => m.startsWith(`${p.id}:`));
        assert.equal(mine, Array.from({ length: perPublisher }, (_, i) => `${p.id}:${i}`),
          `seed ${seed}: subscriber ${s.id} got publisher ${p.id}'s messages out of order or not once`);
      }
    }
  }
});

test.run();
