// WATCH, on the shard that owns the watched key: who watches which key here (connections of this shard
// and of others), and the signal that a watched key changed. A change marks a local watcher's
// connection dirty at once, and sends DIRTY to a remote watcher's origin. Because rings are FIFO, a
// DIRTY always reaches the origin before the LOCKED that lets its EXEC proceed, so EXEC sees it.
// Every write path of the keyspace calls `keyModified`; with nobody watching it costs one comparison.
import { conns } from "./conn";
import { sendSignal, M_DIRTY } from "./messages";
import { shardIndex } from "./server-info";
import { ByteBuf } from "../util/mem";
import { bytesEqual } from "../util/bytes";

class Watcher {
  constructor(readonly shard: u32, readonly conn: u32, readonly epoch: u32, readonly key: ByteBuf,
              readonly expiredAtWatch: bool) {}
}

const watchers = new Array<Watcher>();

export function watchCount(): i32 { return watchers.length; }

export function watchAdd(shard: u32, conn: u32, epoch: u32, key: usize, len: u32, expired: bool): void {
  for (let i = 0; i < watchers.length; i++) {
    const w = unchecked(watchers[i]);
    if (w.shard == shard && w.conn == conn && bytesEqual(w.key.ptr, w.key.len, key, len)) return;
  }
  const copy = new ByteBuf();
  copy.append(key, len);
  watchers.push(new Watcher(shard, conn, epoch, copy, expired));
}

function signal(w: Watcher): void {
  if (w.shard == shardIndex) markDirty(w.conn, w.epoch);
  else sendSignal(w.shard, M_DIRTY, w.epoch, w.conn);
}

/** At the origin: connection `conn`'s watch of epoch `epoch` saw a modification. */
export function markDirty(conn: u32, epoch: u32): void {
  if (!conns.has(conn)) return;
  const c = conns.get(conn);
  if (c.watchEpoch == epoch) c.watchDirty = true;
}

/** A write changed `key`: every watcher of it is told, and forgotten (once dirty, always dirty). */
export function keyModified(key: usize, len: u32): void {
  if (watchers.length == 0) return;
  let keep = 0;
  for (let i = 0; i < watchers.length; i++) {
    const w = unchecked(watchers[i]);
    if (bytesEqual(w.key.ptr, w.key.len, key, len)) {
      signal(w);
      w.key.release();
    } else {
      unchecked(watchers[keep++] = w);
    }
  }
  watchers.length = keep;
}

/** Every key modified at once (FLUSHALL): all watchers are told. */
export function allKeysModified(): void {
  for (let i = 0; i < watchers.length; i++) {
    const w = unchecked(watchers[i]);
    signal(w);
    w.key.release();
  }
  watchers.length = 0;
}

/** Forgets what connection `conn` of shard `shard` watches here (UNWATCH, EXEC, DISCARD, close). */
export function watchForgetConn(shard: u32, conn: u32): void {
  let keep = 0;
  for (let i = 0; i < watchers.length; i++) {
    const w = unchecked(watchers[i]);
    if (w.shard == shard && w.conn == conn) w.key.release();
    else unchecked(watchers[keep++] = w);
  }
  watchers.length = keep;
}

/** Before EXEC runs: a watched key of `conn` that has expired since WATCH counts as modified. */
export function watchCheckExpired(shard: u32, conn: u32, isExpiredKey: (key: usize, len: u32) => bool): void {
  let keep = 0;
  for (let i = 0; i < watchers.length; i++) {
    const w = unchecked(watchers[i]);
    if (w.shard == shard && w.conn == conn && !w.expiredAtWatch && isExpiredKey(w.key.ptr, w.key.len)) {
      signal(w);
      w.key.release();
    } else {
      unchecked(watchers[keep++] = w);
    }
  }
  watchers.length = keep;
}
