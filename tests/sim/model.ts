/**
 * model — a plain in-memory reference for the string, key and list commands the simulations use, giving
 * the reply Redis would give (in the shape `show()` produces). Each simulated client works on keys of its
 * own, so its model alone decides every one of its replies, whatever the other clients do.
 */
export type Reply = unknown;

const WRONGTYPE = '!WRONGTYPE Operation against a key holding the wrong kind of value';

export class StringModel {
  readonly data = new Map<string, string>();
  readonly lists = new Map<string, string[]>();

  private has(k: string): boolean { return this.data.has(k) || this.lists.has(k); }
  private drop(k: string): boolean { return this.data.delete(k) || this.lists.delete(k); }
  private setString(k: string, v: string): void { this.lists.delete(k); this.data.set(k, v); }

  apply(argv: string[]): Reply {
    const [name, ...a] = argv;
    const d = this.data;
    const lists = this.lists;
    const upper = name.toUpperCase();
    // String commands on a list key (and list commands on a string key) are WRONGTYPE.
    if (['GET', 'APPEND', 'INCR'].includes(upper) && lists.has(a[0])) return WRONGTYPE;
    switch (upper) {
      case 'PING': return 'PONG';
      case 'SET': this.setString(a[0], a[1]); return 'OK';
      case 'GET': return d.get(a[0]) ?? null;
      case 'APPEND': { const v = (d.get(a[0]) ?? '') + a[1]; d.set(a[0], v); return v.length; }
      case 'INCR': {
        const cur = d.get(a[0]) ?? '0';
        if (!/^(0|-?[1-9][0-9]{0,17})$/.test(cur)) return '!ERR value is not an integer or out of range';
        const v = String(Number(cur) + 1);
        d.set(a[0], v);
        return Number(v);
      }
      case 'DEL': { let n = 0; for (const k of a) if (this.drop(k)) n++; return n; }
      case 'EXISTS': return a.filter((k) => this.has(k)).length;
      case 'MGET': return a.map((k) => d.get(k) ?? null);
      case 'MSET': for (let i = 0; i < a.length; i += 2) this.setString(a[i], a[i + 1]); return 'OK';
      case 'MSETNX': {
        for (let i = 0; i < a.length; i += 2) if (this.has(a[i])) return 0;
        for (let i = 0; i < a.length; i += 2) this.setString(a[i], a[i + 1]);
        return 1;
      }
      case 'RENAME': {
        if (!this.has(a[0])) return '!ERR no such key';
        this.moveKey(a[0], a[1]);
        return 'OK';
      }
      case 'RENAMENX': {
        if (!this.has(a[0])) return '!ERR no such key';
        if (a[0] === a[1]) return 0;
        if (this.has(a[1])) return 0;
        this.moveKey(a[0], a[1]);
        return 1;
      }
      case 'LPUSH': case 'RPUSH': {
        if (d.has(a[0])) return WRONGTYPE;
        const l = lists.get(a[0]) ?? [];
        for (const v of a.slice(1)) if (upper === 'LPUSH') l.unshift(v); else l.push(v);
        lists.set(a[0], l);
        return l.length;
      }
      case 'LPOP': case 'RPOP': {
        if (d.has(a[0])) return WRONGTYPE;
        const l = lists.get(a[0]);
        if (!l) return null;
        const v = upper === 'LPOP' ? l.shift()! : l.pop()!;
        if (l.length === 0) lists.delete(a[0]);
        return v;
      }
      case 'LRANGE': {
        if (d.has(a[0])) return WRONGTYPE;
        return [...(lists.get(a[0]) ?? [])];
      }
      case 'LMOVE': {
        if (d.has(a[0])) return WRONGTYPE;
        const src = lists.get(a[0]);
        if (!src) return null;
        if (d.has(a[1])) return WRONGTYPE;
        const v = a[2] === 'LEFT' ? src.shift()! : src.pop()!;
        const dst = lists.get(a[1]) ?? [];
        if (a[3] === 'LEFT') dst.unshift(v); else dst.push(v);
        lists.set(a[1], dst);
        if (src.length === 0 && a[0] !== a[1]) lists.delete(a[0]);
        return v;
      }
      default: throw new Error(`model: no ${name}`);
    }
  }

  private moveKey(from: string, to: string): void {
    if (from === to) return;
    const s = this.data.get(from);
    const l = this.lists.get(from);
    this.drop(from);
    this.drop(to);
    if (l !== undefined) this.lists.set(to, l); else this.data.set(to, s!);
  }
}
