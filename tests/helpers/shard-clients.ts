/**
 * shard-clients — ioredis connections to a multi-shard kevy-ts server placed on chosen shards, and keys
 * placed on chosen shards, for the TCP tests of cross-shard behaviour. Every multi-shard host numbers
 * connections so that a connection's shard is (id − 1) mod shards (docs/hosts.md): round-robin ids from the
 * main thread (`main-shard-spread`), or `shard + 1 + k·N` from the worker that accepted it (`worker-listen`,
 * whose workers also keep their connection counts even). Also: INFO fields and waiting until a number of
 * clients is blocked.
 */
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../host/node/server.js';
import { shardOf } from './slots.js';
import { testClient } from './test-client.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function infoField(info: string, field: string): number {
  const m = new RegExp(`\\r\\n${field}:(\\d+)\\r\\n`).exec(info);
  if (!m) throw new Error(`INFO has no ${field}`);
  return Number(m[1]);
}

/** The rejection message of `p`, or a description of its value. */
export function errorOf(p: Promise<unknown>): Promise<string> {
  return p.then((v) => `no error: ${JSON.stringify(v)}`, (e: Error) => e.message);
}

/** `n` distinct keys on shard `s` of `shards`, named `${prefix}:…`. */
export function keysOn(prefix: string, s: number, shards: number, n = 1): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (shardOf(`${prefix}:${i}`, shards) === s) out.push(`${prefix}:${i}`);
  return out;
}

export class ShardClients {
  private readonly opened: Redis[] = [];

  constructor(private readonly server: RunningServer, readonly shards: number) {}

  async client(): Promise<Redis> {
    const r = testClient(this.server.port, { lazyConnect: true });
    this.opened.push(r);
    await r.connect();
    return r;
  }

  /** The shard a connection lives on. */
  async shardOf(r: Redis): Promise<number> {
    return (Number(await r.client('ID')) - 1) % this.shards;
  }

  /** A connection on shard `s` (others opened meanwhile stay open and unused). */
  async clientOn(s: number): Promise<Redis> {
    for (let i = 0; i < 2 * this.shards; i++) {
      const r = await this.client();
      if (await this.shardOf(r) === s) return r;
    }
    throw new Error(`no connection landed on shard ${s}`);
  }

  /** Connections on the given shards, opened one after the other (concurrent opens would interleave). */
  async clientsOn(shards: number[]): Promise<Redis[]> {
    const out: Redis[] = [];
    for (const s of shards) out.push(await this.clientOn(s));
    return out;
  }

  async blockedClients(admin: Redis): Promise<number> {
    return infoField(await admin.info('clients'), 'blocked_clients');
  }

  /** Waits until INFO blocked_clients (asked through `admin`) is `n`, or fails. */
  async untilBlocked(admin: Redis, n: number, what = ''): Promise<void> {
    let last = -1;
    for (let i = 0; i < 400; i++) {
      last = await this.blockedClients(admin);
      if (last === n) return;
      await sleep(5);
    }
    assert.unreachable(`blocked_clients stayed ${last}, want ${n} ${what}`);
  }

  disconnectAll(): void {
    for (const r of this.opened) r.disconnect();
  }
}
