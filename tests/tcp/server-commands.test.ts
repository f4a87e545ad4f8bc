/**
 * Server commands over real TCP: INFO, CLIENT, CONFIG, COMMAND, TIME and CLUSTER KEYSLOT on an in-process
 * kevy-ts (`startServer`), with ioredis for ordinary calls and raw sockets where the exact bytes matter
 * (RESP3 verbatim replies, COMMAND INFO compared with a real redis-server 7.0.15).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { encodeCommand } from '../../host/core/resp-reader.js';
import { openRawConnection, type RawConnection } from '../helpers/raw-connection.js';
import { startRedisServer } from '../helpers/redis-server.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { showBytes } from '../helpers/reply-forms.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';

const test = suite('server commands');
let server: RunningServer;
let redis: Redis;
const extra: Redis[] = [];

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: 1 });
  redis = connect();
  await redis.ping();
});

test.after(async () => {
  for (const r of [redis, ...extra]) r?.disconnect();
  await server?.close();
});

function connect(): Redis {
  const r = testClient(server.port);
  if (redis) extra.push(r);
  return r;
}

/** INFO's `field:value` lines as a map; section headers under `#`. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

function headers(text: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith('# '));
}

async function rawReply(conn: RawConnection, ...args: string[]): Promise<Buffer> {
  conn.send(encodeCommand(args));
  const r = await conn.nextReply(2000);
  if (r.kind !== 'reply') throw new Error(`no reply to ${args.join(' ')}: ${r.kind}`);
  return r.bytes;
}

const CLIENT_FIELDS = ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub',
  'multi', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem',
  'events', 'cmd', 'user', 'redir', 'resp'];

function clientLine(line: string): Map<string, string> {
  return new Map(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

// ---- INFO ----

test('INFO with no argument has the default sections in Redis order, CRLF lines', async () => {
  const text = await redis.info();
  assert.equal(headers(text), ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication',
    '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace']);
  assert.ok(text.endsWith('\r\n'));
  assert.not.match(text, /[^\r]\n/);
  const f = infoFields(text);
  assert.is(f.get('redis_version'), '7.0.15');
  assert.is(f.get('kevy_version'), '0.1.0');
  assert.is(f.get('tcp_port'), String(server.port));
  assert.is(f.get('process_id'), String(process.pid));
  assert.is(f.get('role'), 'master');
  assert.is(f.get('connected_slaves'), '0');
  assert.is(f.get('cluster_enabled'), '0');
  assert.is(f.get('maxmemory_policy'), 'noeviction');
  assert.ok(Number(f.get('used_memory')) > 0);
  assert.ok(Number(f.get('used_memory_rss')) % 65536 === 0);
  assert.ok(Math.abs(Number(f.get('server_time_usec')) / 1000 - Date.now()) < 5000);
});

test('INFO picks sections by name in any case, keeps Redis order, and ignores unknown names', async () => {
  assert.equal(headers(await redis.info('KEYSPACE', 'cluster')), ['# Cluster', '# Keyspace']);
  assert.is(await redis.info('nonsense'), '');
  assert.equal(headers(await redis.info('everything')), ['# Server', '# Clients', '# Memory', '# Persistence',
    '# Stats', '# Replication', '# CPU', '# Modules', '# Commandstats', '# Errorstats', '# Latencystats',
    '# Cluster', '# Keyspace']);
});

test('INFO keyspace shows db0 only when there are keys, with the keys that expire', async () => {
  await redis.flushall();
  assert.is(await redis.info('keyspace'), '# Keyspace\r\n');
  await redis.set('info:a', '1');
  await redis.set('info:b', '2', 'EX', 100);
  const line = (await redis.info('keyspace')).split('\r\n')[1]!;
  const m = /^db0:keys=2,expires=1,avg_ttl=(\d+)$/.exec(line);
  assert.ok(m, line);
  assert.ok(Number(m![1]) > 90_000 && Number(m![1]) <= 100_000, line);
  await redis.del('info:a', 'info:b');
});

test('INFO stats counts hits, misses, commands and connections', async () => {
  const before = infoFields(await redis.info('stats'));
  await redis.set('info:hit', 'v');
  await redis.get('info:hit');
  await redis.get('info:miss');
  const other = connect();
  await other.ping();
  const after = infoFields(await redis.info('stats'));
  assert.is(Number(after.get('keyspace_hits')) - Number(before.get('keyspace_hits')), 1);
  assert.is(Number(after.get('keyspace_misses')) - Number(before.get('keyspace_misses')), 1);
  assert.ok(Number(after.get('total_commands_processed')) >= Number(before.get('total_commands_processed')) + 3);
  assert.ok(Number(after.get('total_connections_received')) > Number(before.get('total_connections_received')));
  const stats = await redis.info('commandstats');
  assert.match(stats, /\r\ncmdstat_get:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/);
  other.disconnect();
});

test('CONFIG RESETSTAT zeroes the counters INFO reports', async () => {
  await redis.get('info:miss');
  assert.is(await redis.config('RESETSTAT'), 'OK');
  const f = infoFields(await redis.info('stats'));
  assert.is(f.get('keyspace_misses'), '0');
  assert.is(f.get('total_connections_received'), '0');
  assert.is(f.get('total_commands_processed'), '1');
});

// ---- CLIENT ----

test('CLIENT SETNAME / GETNAME, with Redis validation and an empty name clearing it', async () => {
  assert.is(await redis.client('GETNAME'), null);
  assert.is(await redis.client('SETNAME', 'worker-1'), 'OK');
  assert.is(await redis.client('GETNAME'), 'worker-1');
  try {
    await redis.client('SETNAME', 'a b');
    assert.unreachable('a name with a space must be refused');
  } catch (err) {
    assert.is((err as Error).message, 'ERR Client names cannot contain spaces, newlines or special characters.');
  }
  assert.is(await redis.client('SETNAME', ''), 'OK');
  assert.is(await redis.client('GETNAME'), null);
});

test('CLIENT LIST shows every connection with Redis 7.0 fields in order', async () => {
  const other = connect();
  await other.client('SETNAME', 'second');
  const otherId = await other.client('ID') as number;
  const myId = await redis.client('ID') as number;
  const text = await redis.client('LIST') as string;
  const lines = text.split('\n').filter((l) => l.length > 0);
  assert.ok(text.endsWith('\n'));
  assert.ok(lines.length >= 2);
  for (const line of lines) assert.equal([...clientLine(line).keys()], CLIENT_FIELDS);
  const mine = lines.map(clientLine).find((f) => f.get('id') === String(myId))!;
  const theirs = lines.map(clientLine).find((f) => f.get('id') === String(otherId))!;
  assert.is(mine.get('cmd'), 'client|list');
  assert.is(mine.get('flags'), 'N');
  assert.is(mine.get('resp'), '2');
  assert.is(mine.get('laddr'), `127.0.0.1:${server.port}`);
  assert.is(theirs.get('name'), 'second');
  assert.is(theirs.get('cmd'), 'client|id');
  const byId = await redis.call('CLIENT', 'LIST', 'ID', String(otherId)) as string;
  assert.is(byId.split('\n').filter((l) => l).length, 1);
  assert.is(clientLine(byId.trim()).get('name'), 'second');
  assert.is(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'), '');
  other.disconnect();
});

test('CLIENT INFO answers a verbatim string in RESP3, a bulk string in RESP2', async () => {
  const conn = await openRawConnection(server.port);
  try {
    const resp2 = await rawReply(conn, 'CLIENT', 'INFO');
    assert.match(resp2.toString('latin1'), /^\$\d+\r\nid=\d+ addr=.* resp=2\n\r\n$/);
    await rawReply(conn, 'HELLO', '3');
    const resp3 = await rawReply(conn, 'CLIENT', 'INFO');
    assert.match(resp3.toString('latin1'), /^=\d+\r\ntxt:id=\d+ addr=.* cmd=client\|info user=default redir=-1 resp=3\n\r\n$/);
  } finally {
    conn.destroy();
  }
});

test('CLIENT KILL ID closes the other connection; the old form answers No such client', async () => {
  const victim = await openRawConnection(server.port);
  const idReply = await rawReply(victim, 'CLIENT', 'ID');
  const id = /^:(\d+)\r\n$/.exec(idReply.toString('latin1'))![1]!;
  assert.is(await redis.client('KILL', 'ID', id), 1);
  assert.ok(await victim.waitClosed(2000), 'the killed connection is closed');
  assert.is(await redis.client('KILL', 'ID', id), 0);
  try {
    await redis.client('KILL', '10.0.0.1:1');
    assert.unreachable('no such client');
  } catch (err) {
    assert.is((err as Error).message, 'ERR No such client');
  }
});

test('CLIENT KILL of the caller itself answers first, then closes', async () => {
  const conn = await openRawConnection(server.port);
  const id = /^:(\d+)/.exec((await rawReply(conn, 'CLIENT', 'ID')).toString('latin1'))![1]!;
  const reply = await rawReply(conn, 'CLIENT', 'KILL', 'ID', id, 'LADDR', `127.0.0.1:${server.port}`, 'SKIPME', 'no');
  assert.is(reply.toString('latin1'), ':1\r\n');
  assert.ok(await conn.waitClosed(2000));
});

// ---- CONFIG ----

test('CONFIG GET matches patterns and reports the facts; CONFIG SET changes hz and maxmemory-policy', async () => {
  assert.equal(await redis.config('GET', 'port'), ['port', String(server.port)]);
  assert.equal(await redis.config('GET', 'databases'), ['databases', '1']);
  assert.equal(await redis.config('GET', 'nosuch'), []);
  const all = await redis.config('GET', '*') as string[];
  assert.ok(all.includes('appendonly') && all.includes('maxmemory-policy'));
  assert.is(await redis.config('SET', 'hz', '20'), 'OK');
  assert.equal(await redis.config('GET', 'hz'), ['hz', '20']);
  assert.is(infoFields(await redis.info('server')).get('hz'), '20');
  assert.is(await redis.config('SET', 'maxmemory-policy', 'ALLKEYS-LRU'), 'OK');
  assert.equal(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'allkeys-lru']);
  await redis.config('SET', 'hz', '10', 'maxmemory-policy', 'noeviction');
  try {
    await redis.config('SET', 'nosuch', '1');
    assert.unreachable('unknown parameter');
  } catch (err) {
    assert.is((err as Error).message, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  }
  try {
    await redis.config('SET', 'databases', '4');
    assert.unreachable('immutable parameter');
  } catch (err) {
    assert.is((err as Error).message,
      "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config");
  }
});

// ---- COMMAND, TIME, CLUSTER ----

test('COMMAND COUNT equals the number of commands COMMAND describes', async () => {
  const all = await redis.call('COMMAND') as unknown[][];
  const count = await redis.call('COMMAND', 'COUNT') as number;
  assert.is(all.length, count);
  const names = await redis.call('COMMAND', 'LIST') as string[];
  assert.is(names.filter((n) => !n.includes('|')).length, count);
  for (const name of ['get', 'set', 'client', 'config', 'info', 'command', 'time']) assert.ok(names.includes(name), name);
  assert.ok(names.includes('client|list') && names.includes('config|get'));
});

test('COMMAND GETKEYS finds keys by the key positions', async () => {
  assert.equal(await redis.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
  assert.equal(await redis.call('COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'k'), ['k']);
});

test('TIME is the clock in seconds and microseconds; CLUSTER KEYSLOT is the CRC16 slot', async () => {
  const [sec, usec] = await redis.time();
  const ms = Number(sec) * 1000 + Number(usec) / 1000;
  assert.ok(Math.abs(ms - Date.now()) < 5000);
  assert.ok(Number(usec) >= 0 && Number(usec) < 1_000_000);
  assert.is(await redis.cluster('KEYSLOT', 'foo'), 12182);
  assert.is(await redis.cluster('KEYSLOT', '{user}a'), 5474);
});

// ---- shapes compared with the real redis-server ----

const oracle = suite('server commands vs redis-server');
let redisServer: ServerHandle | undefined;
let oracleError: unknown;

oracle.before(async () => {
  try {
    server = await startServer({ port: 0, shards: 1 });
    redisServer = await startRedisServer(['--databases', '1']);
  } catch (err) {
    oracleError = err;
  }
});

oracle.before.each(() => {
  if (oracleError) throw oracleError;
});

oracle.after(async () => {
  await redisServer?.stop();
  await server?.close();
});

async function bothReply(protocol: 2 | 3, ...args: string[]): Promise<[Buffer, Buffer]> {
  const ours = await openRawConnection(server.port);
  const theirs = await openRawConnection(redisServer!.port);
  try {
    if (protocol === 3) {
      await rawReply(ours, 'HELLO', '3');
      await rawReply(theirs, 'HELLO', '3');
    }
    return [await rawReply(ours, ...args), await rawReply(theirs, ...args)];
  } finally {
    ours.destroy();
    theirs.destroy();
  }
}

for (const protocol of [2, 3] as const) {
  oracle(`COMMAND INFO of plain commands is Redis's, byte for byte (RESP${protocol})`, async () => {
    const [ours, theirs] = await bothReply(protocol, 'COMMAND', 'INFO', 'get', 'set', 'mget', 'del', 'client|list',
      'config|set', 'nosuch');
    assert.ok(ours.equals(theirs), `ours:\n${showBytes(ours)}\nredis:\n${showBytes(theirs)}`);
  });
}

oracle('errors and fixed replies are Redis\'s', async () => {
  const cases: string[][] = [
    ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'ID', 'x'],
    ['CLIENT', 'KILL', 'ID', '0'], ['CLIENT', 'KILL', 'USER', 'nobody'], ['CLIENT', 'KILL', 'a', 'b', 'c'],
    ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'HELP'], ['CLIENT', 'NO-TOUCH', 'on'],
    ['CONFIG', 'HELP'], ['CONFIG', 'SET', 'hz', 'x'], ['CONFIG', 'SET', 'hz', '10', 'hz', '11'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'foo'], ['CONFIG', 'SET', 'hz', '1'], ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'hz', '10'], ['CONFIG', 'REWRITE'], ['COMMAND', 'HELP'],
    ['COMMAND', 'GETKEYS', 'ping', 'x'], ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'GET'], ['COMMAND', 'LIST', 'FILTERBY', 'module', 'x'],
    ['CLUSTER', 'INFO'], ['CLUSTER', 'nosuch'], ['INFO', 'nonsense'], ['INFO', 'cluster', 'modules'],
  ];
  for (const args of cases) {
    const [ours, theirs] = await bothReply(2, ...args);
    assert.ok(ours.equals(theirs), `${args.join(' ')}\nours:  ${showBytes(ours)}\nredis: ${showBytes(theirs)}`);
  }
});

test.run();
oracle.run();
