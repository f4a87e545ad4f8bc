/**
 * bench/origin-shard — which shard a kevy-ts connection originates on, so a benchmark can place a key
 * on the same shard as its client or on another one.
 *
 * The Node host's default design for more than one shard (`main-shard-spread`, docs/hosts.md) assigns
 * each accepted connection an origin shard round-robin, and nothing in the protocol names it. Two
 * observable facts pin it down:
 *   1. CLIENT LIST is gathered from every shard and joined in shard order (assembly/commands/
 *      mesh-views.ts: the parts of a GatherOp are indexed by shard), each shard listing its
 *      connections in the order they opened; connection ids are numbered by the main thread in accept
 *      order. So `CLIENT LIST ID <ids…>` prints the ids as N runs, one per shard, each increasing.
 *   2. Round-robin: opening m·N connections one after another (each waits for its CLIENT ID reply, so
 *      the server has accepted it before the next connects) gives every shard exactly m of them.
 * `mapOrigins` opens the connections, cuts the listing into N runs of m, and checks both facts: each run
 * increasing, and ids in one run congruent mod N (consecutive ids never share a shard). Any mismatch —
 * another host design, someone else connecting meanwhile — throws instead of guessing.
 * `getRoundTrips` gives an independent check: a GET of a key on the connection's own shard runs there,
 * one on another shard is forwarded through the rings, so its round trip is measurably longer.
 */
import { openRespSocket, type RespSocket } from './resp-socket.js';

export interface PlacedConn {
  readonly sock: RespSocket;
  readonly id: number;
  readonly shard: number;
}

function parseInteger(reply: string): number {
  const m = /^:(-?\d+)\r\n$/.exec(reply);
  if (m === null) throw new Error(`expected an integer reply, got ${JSON.stringify(reply)}`);
  return Number(m[1]);
}

/** The body of a bulk (or RESP3 verbatim) reply as text. */
export function bulkText(reply: string): string {
  const nl = reply.indexOf('\r\n');
  const body = reply.slice(nl + 2, reply.length - 2);
  return reply[0] === '=' ? body.slice(4) : body;
}

/** Opens `perShard * shards` connections and returns them with their origin shard, verified. */
export async function mapOrigins(port: number, shards: number, perShard: number): Promise<PlacedConn[]> {
  const opened: { sock: RespSocket; id: number }[] = [];
  for (let i = 0; i < shards * perShard; i++) {
    const sock = await openRespSocket(port);
    opened.push({ sock, id: parseInteger(await sock.call(['CLIENT', 'ID'])) });
  }
  if (shards === 1) return opened.map((c) => ({ ...c, shard: 0 }));
  const listing = bulkText(await opened[0].sock.call(['CLIENT', 'LIST', 'ID', ...opened.map((c) => c.id)]));
  const order = [...listing.matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
  const fail = (why: string): never => {
    for (const c of opened) c.sock.close();
    throw new Error(`cannot tell the connections' origin shards (${why}); ids ${opened.map((c) => c.id).join(',')}, ` +
      `CLIENT LIST order ${order.join(',')}. Is the host design round-robin (KEVY_HOST_DESIGN unset)?`);
  };
  if (order.length !== opened.length) fail('CLIENT LIST did not list every connection');
  const shardOf = new Map<number, number>();
  for (let s = 0; s < shards; s++) {
    const run = order.slice(s * perShard, (s + 1) * perShard);
    for (let i = 0; i < run.length; i++) {
      if (i > 0 && run[i] <= run[i - 1]) fail(`shard ${s}'s run is not increasing`);
      if ((run[i] - run[0]) % shards !== 0) fail(`shard ${s}'s run mixes residues mod ${shards}`);
      shardOf.set(run[i], s);
    }
  }
  return opened.map((c) => ({ ...c, shard: shardOf.get(c.id)! }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median GET round trip (µs) from `conn` for each key: keys on the connection's shard should be faster. */
export async function getRoundTrips(conn: RespSocket, keys: string[], rounds = 300): Promise<number[]> {
  const samples = keys.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, key] of keys.entries()) {
      const t0 = conn.send(['GET', key]);
      const { at } = await conn.reply();
      samples[i].push(Number(at - t0) / 1000);
    }
  }
  return samples.map(median);
}
