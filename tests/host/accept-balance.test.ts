/**
 * accept-balance — the rule that keeps the worker-listen design's connections even: a worker pauses while
 * it holds more connections than some other worker, resumes when they catch up, the least-loaded worker
 * never pauses, and a worker that grows nudges the paused ones so that nobody stays paused by a stale
 * reading. Pure: N balances over one Int32Array, pause/resume/nudge recorded.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acceptBalanceWords, createAcceptBalance, type AcceptBalance } from '../../host/node/accept-balance.js';

interface Worker {
  balance: AcceptBalance;
  accepting: boolean;
  nudged: number[];
}

function workers(n: number): Worker[] {
  const words = new Int32Array(acceptBalanceWords(n));
  const out: Worker[] = [];
  for (let shard = 0; shard < n; shard++) {
    const w: Worker = { accepting: true, nudged: [], balance: undefined as unknown as AcceptBalance };
    w.balance = createAcceptBalance({
      words,
      shard,
      shards: n,
      pause: () => { w.accepting = false; },
      resume: () => { w.accepting = true; },
      nudge: (s) => w.nudged.push(s),
    });
    out.push(w);
  }
  return out;
}

/** Each nudged worker re-evaluates, as its loop turn would. */
function deliverNudges(ws: Worker[]): void {
  for (const w of ws) {
    for (const s of w.nudged.splice(0)) ws[s].balance.evaluate();
  }
}

test('sequential connections alternate between two workers', () => {
  const ws = workers(2);
  const landed: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = ws.findIndex((w) => w.accepting); // the kernel gives it to some worker still accepting
    assert.ok(s >= 0, `connection ${i}: nobody accepts`);
    ws[s].balance.opened();
    landed.push(s);
    deliverNudges(ws);
  }
  assert.equal(landed, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
});

test('with four workers every round of four connections gives each one', () => {
  const ws = workers(4);
  const count = [0, 0, 0, 0];
  for (let i = 0; i < 40; i++) {
    const open = ws.map((w, s) => (w.accepting ? s : -1)).filter((s) => s >= 0);
    assert.ok(open.length > 0, `connection ${i}: nobody accepts`);
    const s = open[(i * 7) % open.length]; // any of them
    ws[s].balance.opened();
    count[s]++;
    deliverNudges(ws);
    assert.ok(Math.max(...count) - Math.min(...count) <= 1, `counts ${count} after ${i + 1}`);
  }
});

test('closing connections resumes the worker that now has fewer', () => {
  const ws = workers(2);
  ws[0].balance.opened();
  deliverNudges(ws);
  assert.is(ws[0].accepting, false);
  ws[1].balance.opened();
  ws[1].balance.opened();
  deliverNudges(ws);
  assert.is(ws[0].accepting, true, 'worker 0 resumed once worker 1 caught up');
  assert.is(ws[1].accepting, false, 'worker 1 paused above worker 0');
  ws[1].balance.closed();
  ws[1].balance.closed();
  assert.is(ws[1].accepting, true, 'worker 1 resumed after its closes');
  assert.is(ws[0].accepting, true, 'the least-loaded worker never pauses');
  ws[0].balance.evaluate();
  assert.is(ws[0].accepting, false, 'worker 0 pauses at its next turn: it now holds more');
});

test('a worker that grows nudges only the paused ones', () => {
  const ws = workers(3);
  ws[0].balance.opened(); // 0 pauses (1 > 0)
  assert.equal(ws[0].nudged, []);
  ws[1].balance.opened(); // 0 is paused: nudged
  assert.equal(ws[1].nudged, [0]);
  deliverNudges(ws);
  assert.is(ws[0].accepting, false, 'still above worker 2');
  ws[2].balance.opened();
  assert.equal(ws[2].nudged.sort(), [0, 1]);
  deliverNudges(ws);
  assert.ok(ws.every((w) => w.accepting), 'all even: all accept');
});

test('one worker never pauses', () => {
  const ws = workers(1);
  for (let i = 0; i < 5; i++) ws[0].balance.opened();
  assert.is(ws[0].accepting, true);
});

test.run();
