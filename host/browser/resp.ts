/**
 * resp — RESP2/RESP3 on the page: requests encoded as multibulk, replies decoded into a tree that keeps
 * every distinction a person may want to see (bulk vs simple string, map vs array, double, push…), and
 * that tree turned into plain JS values for `window.kevy.run`.
 *
 * Owns: `encodeCommand`, `decodeReply` (one complete frame from a byte buffer, or undefined when more
 * bytes are needed) and `toPlain`. It does not render (reply-view.ts). Node has host/core/resp-reader.ts,
 * which decodes to Buffers; this one is Web-standard and lossless for display.
 */

export type Reply =
  | { t: 'simple'; text: string }
  | { t: 'error'; text: string }
  | { t: 'int'; text: string }
  | { t: 'bulk'; bytes: Uint8Array }
  | { t: 'verbatim'; format: string; bytes: Uint8Array }
  | { t: 'null' }
  | { t: 'double'; text: string }
  | { t: 'bool'; value: boolean }
  | { t: 'big'; text: string }
  | { t: 'array'; items: Reply[] }
  | { t: 'set'; items: Reply[] }
  | { t: 'push'; items: Reply[] }
  | { t: 'map'; entries: [Reply, Reply][] };

/** What `window.kevy.run` resolves to: strings, numbers, null, arrays; errors as `{ error }`. */
export type Plain = string | number | boolean | null | { error: string } | Plain[] | { map: [Plain, Plain][] };

const utf8Encoder = new TextEncoder();
const utf8 = new TextDecoder();
const latin1 = new TextDecoder('latin1');

export function encodeCommand(args: readonly (string | Uint8Array)[]): Uint8Array {
  const parts = args.map((a) => (typeof a === 'string' ? utf8Encoder.encode(a) : a));
  let size = 0;
  const heads = parts.map((p) => utf8Encoder.encode(`$${p.length}\r\n`));
  const top = utf8Encoder.encode(`*${parts.length}\r\n`);
  size += top.length;
  for (let i = 0; i < parts.length; i++) size += heads[i].length + parts[i].length + 2;
  const out = new Uint8Array(size);
  let w = 0;
  const put = (b: Uint8Array): void => {
    out.set(b, w);
    w += b.length;
  };
  put(top);
  for (let i = 0; i < parts.length; i++) {
    put(heads[i]);
    put(parts[i]);
    out[w++] = 13;
    out[w++] = 10;
  }
  return out;
}

export class RespError extends Error {}

interface Decoded {
  value: Reply;
  end: number;
}

function lineEnd(buf: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) if (buf[i] === 13 && buf[i + 1] === 10) return i;
  return -1;
}

function count(text: string, at: number): number {
  if (!/^-?\d+$/.test(text)) throw new RespError(`bad length ${JSON.stringify(text)} at ${at}`);
  return Number(text);
}

/** One reply frame starting at `at`, or undefined if it is not complete yet. */
export function decodeReply(buf: Uint8Array, at = 0): Decoded | undefined {
  if (at >= buf.length) return undefined;
  const type = String.fromCharCode(buf[at]);
  const eol = lineEnd(buf, at + 1);
  if (eol < 0) return undefined;
  const head = latin1.decode(buf.subarray(at + 1, eol));
  const next = eol + 2;
  switch (type) {
    case '+': return { value: { t: 'simple', text: utf8.decode(buf.subarray(at + 1, eol)) }, end: next };
    case '-': return { value: { t: 'error', text: utf8.decode(buf.subarray(at + 1, eol)) }, end: next };
    case ':': return { value: { t: 'int', text: head }, end: next };
    case ',': return { value: { t: 'double', text: head }, end: next };
    case '(': return { value: { t: 'big', text: head }, end: next };
    case '#': return { value: { t: 'bool', value: head === 't' }, end: next };
    case '_': return { value: { t: 'null' }, end: next };
    case '$': case '=': case '!': {
      const n = count(head, at);
      if (n < 0) return { value: { t: 'null' }, end: next };
      if (next + n + 2 > buf.length) return undefined;
      const bytes = buf.slice(next, next + n);
      const end = next + n + 2;
      if (type === '!') return { value: { t: 'error', text: utf8.decode(bytes) }, end };
      if (type === '=') return { value: { t: 'verbatim', format: latin1.decode(bytes.subarray(0, 3)), bytes: bytes.slice(4) }, end };
      return { value: { t: 'bulk', bytes }, end };
    }
    case '*': case '~': case '>': case '%': case '|': {
      const n = count(head, at);
      if (n < 0) return { value: { t: 'null' }, end: next };
      const items: Reply[] = [];
      const want = type === '%' || type === '|' ? 2 * n : n;
      let p = next;
      for (let i = 0; i < want; i++) {
        const d = decodeReply(buf, p);
        if (d === undefined) return undefined;
        items.push(d.value);
        p = d.end;
      }
      if (type === '|') {
        const d = decodeReply(buf, p); // an attribute precedes the reply it describes
        return d === undefined ? undefined : { value: d.value, end: d.end };
      }
      if (type === '%') {
        const entries: [Reply, Reply][] = [];
        for (let i = 0; i < items.length; i += 2) entries.push([items[i], items[i + 1]]);
        return { value: { t: 'map', entries }, end: p };
      }
      return { value: { t: type === '*' ? 'array' : type === '~' ? 'set' : 'push', items }, end: p };
    }
    default:
      throw new RespError(`unknown reply type ${JSON.stringify(type)} at ${at}`);
  }
}

/** The reply as plain JS values (bulk strings as UTF-8 text). */
export function toPlain(r: Reply): Plain {
  switch (r.t) {
    case 'simple': case 'big': return r.text;
    case 'error': return { error: r.text };
    case 'int': return Number(r.text);
    case 'double': return r.text === 'inf' ? Infinity : r.text === '-inf' ? -Infinity : Number(r.text);
    case 'bool': return r.value;
    case 'bulk': case 'verbatim': return utf8.decode(r.bytes);
    case 'null': return null;
    case 'array': case 'set': case 'push': return r.items.map(toPlain);
    case 'map': return { map: r.entries.map(([k, v]) => [toPlain(k), toPlain(v)] as [Plain, Plain]) };
  }
}
