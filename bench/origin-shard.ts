/**
 * bench/origin-shard — which shard a kevy-ts connection originates on, so a benchmark can place a key
 * on the same shard as its client or on another one.
 *
 * Every multi-shard host numbers connections so that the origin is `(id - 1) mod N`: the Node main thread
 * hands out ids 1, 2, 3, … round-robin over the shards (`main-shard-spread`, `io-thread`), and a thread
 * that accepts its own connections (`worker-listen`, Deno) gives shard s the ids `s + 1 + k·N`.
 * `mapOrigins` opens connections until every shard has `perShard` of them (closing the surplus: with
 * threads that accept for themselves the kernel decides where a connection lands) and checks the rule
 * against an observable fact: CLIENT LIST is gathered from every shard and joined in shard order
 * (assembly/commands/mesh-views.ts), so the listed ids must come in runs of one shard each, in shard
 * order. A mismatch throws instead of guessing.
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

/** Opens connections until each shard has `perShard` of them; returns them with their origin shard, verified. */
export async function mapOrigins(port: number, shards: number, perShard: number): Promise<PlacedConn[]> {
  const kept: PlacedConn[] = [];
  const count = new Array<number>(shards).fill(0);
  for (let tries = 0; kept.length < shards * perShard; tries++) {
    if (tries > 50 * shards * perShard) {
      for (const c of kept) c.sock.close();
      throw new Error(`cannot get ${perShard} connection(s) on every shard (got ${count.join(', ')})`);
    }
    const sock = await openRespSocket(port);
    const id = parseInteger(await sock.call(['CLIENT', 'ID']));
    const shard = (id - 1) % shards;
    if (count[shard] < perShard) {
      count[shard]++;
      kept.push({ sock, id, shard });
    } else {
      sock.close();
    }
  }
  if (shards === 1) return kept;
  const listing = bulkText(await kept[0].sock.call(['CLIENT', 'LIST', 'ID', ...kept.map((c) => c.id)]));
  const order = [...listing.matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
  const listed = order.map((id) => (id - 1) % shards);
  if (order.length !== kept.length || listed.some((s, i) => i > 0 && s < listed[i - 1])) {
    for (const c of kept) c.sock.close();
    throw new Error(`connection ids do not follow origin = (id - 1) mod ${shards}: ids ${kept.map((c) => c.id).join(',')}, ` +
      `CLIENT LIST order ${order.join(',')}`);
  }
  return kept;
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
