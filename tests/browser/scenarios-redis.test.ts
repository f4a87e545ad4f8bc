/**
 * The demo's scenario data (host/browser/scenarios.ts) checked against the oracle: every scenario that
 * one Redis answers the same way (`sameOnRedis`) is played by the same runner the page uses, against a
 * real redis-server, one connection per client. So the expected replies of the blocking scenarios are
 * known right before the engine has blocking commands; the page's own runs are demo-blocking.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { openRawConnection, type RawConnection } from '../helpers/raw-connection.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { SCENARIOS } from '../../host/browser/scenarios.js';
import { runScenario, type ScenarioClient, type ScenarioOutcome } from '../../host/browser/scenario-runner.js';
import { decodeReply, encodeCommand, toPlain, type Plain } from '../../host/browser/resp.js';

const test = suite('demo scenarios against redis-server');
let redis: ServerHandle;
const connections: RawConnection[] = [];
const outcomes = new Map<string, Promise<ScenarioOutcome>>();

async function client(port: number): Promise<ScenarioClient> {
  const conn = await openRawConnection(port);
  connections.push(conn);
  let chain: Promise<unknown> = Promise.resolve();
  return {
    origin: undefined,
    send(argv) {
      conn.send(Buffer.from(encodeCommand(argv)));
      const reply = chain.then(async (): Promise<Plain> => {
        const r = await conn.nextReply(30_000);
        if (r.kind !== 'reply') throw new Error(`no reply: ${r.kind}`);
        return toPlain(decodeReply(new Uint8Array(r.bytes))!.value);
      });
      chain = reply.catch(() => undefined);
      return reply;
    },
    disconnect: () => conn.destroy(),
  };
}

const redisScenarios = SCENARIOS.filter((s) => s.sameOnRedis);

guardedSetup(test, async () => {
  redis = await startRedisServer();
  // All at once (their keys differ per run): the suite takes as long as the slowest scenario.
  let run = 0;
  for (const s of redisScenarios) {
    const clients = await Promise.all(s.clients.map(() => client(redis.port)));
    let next = 0;
    outcomes.set(s.id, runScenario(s, { shards: 1, fresh: () => clients[next++] }, { run: ++run, replyTimeoutMs: 20_000 }));
  }
  await Promise.all(outcomes.values());
});

test.after(async () => {
  for (const c of connections) c.destroy();
  await redis?.stop();
});

for (const s of redisScenarios) {
  test(`${s.title}: redis-server gives the expected replies`, async () => {
    const outcome = await outcomes.get(s.id)!;
    assert.equal(outcome.failures, [], `${s.id}: ${outcome.failures.join('; ')}`);
  });
}

test('every scenario not checked here says why (a comment in scenarios.ts)', () => {
  assert.equal(SCENARIOS.filter((s) => !s.sameOnRedis).map((s) => s.id), ['disconnect']);
});

test.run();
