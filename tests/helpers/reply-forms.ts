/**
 * reply-forms — canonical forms of raw reply frames, for comparisons that allow legitimate differences.
 *
 * Works on the exact bytes a server sent (one complete RESP2/RESP3 frame), never on decoded values, so
 * everything not being relaxed is still compared byte for byte:
 *   - `sortedForm`: every aggregate's children in byte order (map and attribute entries as key+value
 *     pairs), at any depth — for replies whose element order is unspecified (KEYS, SCAN, SMEMBERS);
 *   - `shapeForm`: type bytes, nulls and aggregate sizes only — for replies whose contents legitimately
 *     differ (HELLO's id, CLIENT INFO);
 *   - `showBytes`: a printable rendering for mismatch reports.
 */
import { frameEnd } from '../../host/core/resp-reader.js';

const AGGREGATES = new Set(['*', '~', '>', '%', '|']);
const PAIRED = new Set(['%', '|']);

interface Parts {
  readonly type: string;
  /** The header line including its CRLF. */
  readonly header: Buffer;
  /** Child frames of an aggregate (empty for scalars). */
  readonly children: Buffer[];
}

function split(frame: Buffer): Parts {
  const type = String.fromCharCode(frame[0]);
  const eol = frame.indexOf('\r\n', 1, 'latin1');
  const header = frame.subarray(0, eol + 2);
  const children: Buffer[] = [];
  if (AGGREGATES.has(type)) {
    let pos = eol + 2;
    while (pos < frame.length) {
      const end = frameEnd(frame, pos);
      if (end === -1) break;
      children.push(frame.subarray(pos, end));
      pos = end;
    }
  }
  return { type, header, children };
}

/** The frame with each aggregate's children sorted, recursively. */
export function sortedForm(frame: Buffer): Buffer {
  const { type, header, children } = split(frame);
  if (!AGGREGATES.has(type)) return frame;
  const canon = children.map(sortedForm);
  let units: Buffer[];
  if (PAIRED.has(type)) {
    units = [];
    for (let i = 0; i < canon.length; i += 2) units.push(Buffer.concat(canon.slice(i, i + 2)));
  } else {
    units = canon;
  }
  units.sort(Buffer.compare);
  return Buffer.concat([header, ...units]);
}

/** A description of the frame's shape: type bytes, nulls, aggregate sizes. */
export function shapeForm(frame: Buffer): string {
  const { type, header, children } = split(frame);
  const headerText = header.toString('latin1', 1, header.length - 2);
  if (headerText === '-1' && (type === '$' || type === '*')) return `${type}-1`;
  if (!AGGREGATES.has(type)) return type;
  return `${type}${headerText}[${children.map(shapeForm).join(' ')}]`;
}

/** Printable rendering of bytes: a JSON string of their latin1 reading, cut after `limit` bytes. */
export function showBytes(bytes: Buffer, limit = 1200): string {
  if (bytes.length <= limit) return JSON.stringify(bytes.toString('latin1'));
  return `${JSON.stringify(bytes.toString('latin1', 0, limit))}… (${bytes.length} bytes)`;
}

/** Offset of the first byte where `a` and `b` differ (the shorter length if one is a prefix), or -1. */
export function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
