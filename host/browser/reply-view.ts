/**
 * reply-view — a reply drawn the way redis-cli prints it: `"bulk"`, `(integer) 3`, `(nil)`,
 * `(error) ERR …`, numbered nested arrays, and for RESP3 `1# "field" => "value"` maps, `1~` sets,
 * `(double) 1.5`, `(true)`, `(big number) …`. Each part carries a class for colour.
 *
 * Owns: the reply → lines mapping and the DOM for it. It does not decode (resp.ts).
 */
import type { Reply } from './resp.js';

type Segment = [cls: string, text: string];
type Line = Segment[];

const strict = new TextDecoder('utf-8', { fatal: true });

/** Bytes quoted as redis-cli does (sdscatrepr), keeping valid UTF-8 readable. */
export function quoteBytes(bytes: Uint8Array): string {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
    return `"${text.replace(/[\\"]|[^\x20-\x7e]/g, escapeChar)}"`;
  }
  return `"${text.replace(/[\\"\x00-\x1f\x7f]/g, escapeChar)}"`;
}

function escapeChar(c: string): string {
  switch (c) {
    case '\\': return '\\\\';
    case '"': return '\\"';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    case '\x07': return '\\a';
    case '\b': return '\\b';
    default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
}

function scalar(r: Reply): Segment | undefined {
  switch (r.t) {
    case 'simple': return ['r-simple', r.text];
    case 'error': return ['r-error', `(error) ${r.text}`];
    case 'int': return ['r-int', `(integer) ${r.text}`];
    case 'bulk': return ['r-bulk', quoteBytes(r.bytes)];
    case 'verbatim': return ['r-bulk', quoteBytes(r.bytes)];
    case 'null': return ['r-nil', '(nil)'];
    case 'double': return ['r-int', `(double) ${r.text}`];
    case 'bool': return ['r-int', r.value ? '(true)' : '(false)'];
    case 'big': return ['r-int', `(big number) ${r.text}`];
    default: return undefined;
  }
}

/** The reply as lines; `indent` is the width of the prefix already printed on the first line. */
function lines(r: Reply, indent: number): Line[] {
  const one = scalar(r);
  if (one !== undefined) return [[one]];
  const pad = ' '.repeat(indent);
  const out: Line[] = [];
  if (r.t === 'map') {
    if (r.entries.length === 0) return [[['r-nil', '(empty hash)']]];
    const width = String(r.entries.length).length;
    r.entries.forEach(([k, v], i) => {
      const label = `${String(i + 1).padStart(width)}# `;
      const key = lines(k, indent + label.length);
      const arrow = ' => ';
      const value = lines(v, indent + label.length + 4);
      const first: Line = [['r-index', (i === 0 ? '' : pad) + label], ...key[0], ['r-index', arrow], ...value[0]];
      out.push(first, ...key.slice(1), ...value.slice(1));
    });
    return out;
  }
  const items = (r as { items: Reply[] }).items;
  const mark = r.t === 'set' ? '~' : ')';
  if (items.length === 0) return [[['r-nil', r.t === 'set' ? '(empty set)' : '(empty array)']]];
  const width = String(items.length).length;
  items.forEach((item, i) => {
    const label = `${String(i + 1).padStart(width)}${mark} `;
    const inner = lines(item, indent + label.length);
    out.push([['r-index', (i === 0 ? '' : pad) + label], ...inner[0]], ...inner.slice(1));
  });
  if (r.t === 'push') out.unshift([['r-index', '(push)']]);
  return out;
}

/** The reply as plain text, redis-cli style. */
export function replyText(r: Reply): string {
  return lines(r, 0).map((l) => l.map(([, t]) => t).join('')).join('\n');
}

/** The reply as a <div class="reply"> of coloured spans. */
export function renderReply(r: Reply): HTMLElement {
  const box = document.createElement('div');
  box.className = 'reply';
  for (const line of lines(r, 0)) {
    const row = document.createElement('div');
    for (const [cls, text] of line) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      row.append(span);
    }
    box.append(row);
  }
  return box;
}
