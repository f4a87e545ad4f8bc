/**
 * model — a plain in-memory reference for the string and key commands the simulations use, giving the
 * reply Redis would give (in the shape `show()` produces). Each simulated client works on keys of its
 * own, so its model alone decides every one of its replies, whatever the other clients do.
 */
export type Reply = unknown;

export class StringModel {
  readonly data = new Map<string, string>();

  apply(argv: string[]): Reply {
    const [name, ...a] = argv;
    const d = this.data;
    switch (name.toUpperCase()) {
      case 'PING': return 'PONG';
      case 'SET': d.set(a[0], a[1]); return 'OK';
      case 'GET': return d.get(a[0]) ?? null;
      case 'APPEND': { const v = (d.get(a[0]) ?? '') + a[1]; d.set(a[0], v); return v.length; }
      case 'INCR': {
        const cur = d.get(a[0]) ?? '0';
        if (!/^(0|-?[1-9][0-9]{0,17})$/.test(cur)) return '!ERR value is not an integer or out of range';
        const v = String(Number(cur) + 1);
        d.set(a[0], v);
        return Number(v);
      }
      case 'DEL': { let n = 0; for (const k of a) if (d.delete(k)) n++; return n; }
      case 'EXISTS': return a.filter((k) => d.has(k)).length;
      case 'MGET': return a.map((k) => d.get(k) ?? null);
      case 'MSET': for (let i = 0; i < a.length; i += 2) d.set(a[i], a[i + 1]); return 'OK';
      case 'MSETNX': {
        for (let i = 0; i < a.length; i += 2) if (d.has(a[i])) return 0;
        for (let i = 0; i < a.length; i += 2) d.set(a[i], a[i + 1]);
        return 1;
      }
      case 'RENAME': {
        if (!d.has(a[0])) return '!ERR no such key';
        const v = d.get(a[0])!;
        d.delete(a[0]);
        d.set(a[1], v);
        return 'OK';
      }
      case 'RENAMENX': {
        if (!d.has(a[0])) return '!ERR no such key';
        if (a[0] === a[1]) return 0;
        if (d.has(a[1])) return 0;
        d.set(a[1], d.get(a[0])!);
        d.delete(a[0]);
        return 1;
      }
      default: throw new Error(`model: no ${name}`);
    }
  }
}
