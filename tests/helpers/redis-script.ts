/**
 * redis-script — the parser for differential corpus scripts (tests/differential/corpus/*.redis).
 *
 * Format, one step per line:
 *   - blank lines and lines whose first non-blank character is `#` are ignored;
 *   - `SET k "v\x00"` — a command in redis-cli syntax: tokens separated by blanks; double-quoted tokens
 *     take the escapes \n \r \t \b \a \" \\ \xHH; single-quoted tokens are literal except \' ; a closing
 *     quote must be followed by a blank or the end of the line; an empty quoted token is an empty arg.
 *     Unquoted text is sent as its UTF-8 bytes. The command goes out as a RESP multibulk request;
 *   - `!raw <bytes>` — sends the rest of the line (after one space), with the double-quote escapes above,
 *     as raw bytes, and expects one reply. `!rawN <bytes>` expects exactly N replies (N may be 0, e.g. for
 *     an empty inline line or a frame completed by a later `!raw`). A protocol error's reply is followed
 *     by the server closing the connection; a waiting read then reports the close, which is compared too;
 *   - a prefix chooses how replies are compared (default: byte for byte):
 *       `? …`        sent, a reply (or close) must arrive, its bytes are not compared
 *                    (CLIENT ID, TIME, INFO, RANDOMKEY on a multi-key db …);
 *       `@sorted …`  elements of every aggregate, at any depth, are compared as a multiset
 *                    (KEYS, SCAN, SMEMBERS …); map entries keep their key/value pairing;
 *       `@shape …`   only the shape: type bytes, nulls, aggregate sizes — not the scalar contents
 *                    (HELLO's map has an `id`; CLIENT INFO is a bulk/verbatim string of any content);
 *   - `@closed` — the server must have closed the connection (waits up to two seconds);
 *   - `@sleep MS` — pauses the script, to let PX/PEXPIRE times run out.
 * The harness appends a PING to a script whose connection is still open, so a server that sent a reply
 * too many is caught.
 */

export type CompareMode = 'exact' | 'ignore' | 'sorted' | 'shape';

interface StepBase {
  /** 1-based line number in the script. */
  readonly line: number;
  /** The line as written, for reports. */
  readonly text: string;
}

export type ScriptStep =
  | (StepBase & { readonly kind: 'command'; readonly compare: CompareMode; readonly args: Buffer[] })
  | (StepBase & { readonly kind: 'raw'; readonly compare: CompareMode; readonly bytes: Buffer; readonly replies: number })
  | (StepBase & { readonly kind: 'closed' })
  | (StepBase & { readonly kind: 'sleep'; readonly ms: number });

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, a: 7, '"': 34, '\\': 92 };

const isBlank = (c: string): boolean => c === ' ' || c === '\t';

function hexValue(s: string): number {
  return /^[0-9a-fA-F]{2}$/.test(s) ? parseInt(s, 16) : -1;
}

/**
 * Expands double-quote escapes in `text`; characters are emitted as UTF-8. An unknown escape keeps the
 * escaped character (as redis-cli does).
 */
export function unescapeBytes(text: string): Buffer {
  const out: number[] = [];
  const pushText = (s: string): void => {
    for (const byte of Buffer.from(s, 'utf8')) out.push(byte);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= text.length) {
      pushText(c);
      continue;
    }
    const e = text[i + 1];
    if (e === 'x' && hexValue(text.slice(i + 2, i + 4)) >= 0) {
      out.push(hexValue(text.slice(i + 2, i + 4)));
      i += 3;
    } else if (e in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[e]);
      i += 1;
    } else {
      pushText(e);
      i += 1;
    }
  }
  return Buffer.from(out);
}

/** Splits a command line into argument bytes, redis-cli style; throws on unbalanced quotes. */
export function splitArgs(line: string): Buffer[] {
  const args: Buffer[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isBlank(line[i])) i++;
    if (i >= line.length) return args;
    const bytes: number[] = [];
    const pushText = (s: string): void => {
      for (const byte of Buffer.from(s, 'utf8')) bytes.push(byte);
    };
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (i >= line.length) {
        if (inDouble || inSingle) throw new Error('unbalanced quotes');
        break;
      }
      const c = line[i];
      if (inDouble) {
        if (c === '\\' && i + 1 < line.length) {
          const e = line[i + 1];
          if (e === 'x' && hexValue(line.slice(i + 2, i + 4)) >= 0) {
            bytes.push(hexValue(line.slice(i + 2, i + 4)));
            i += 4;
          } else {
            bytes.push(...(e in SIMPLE_ESCAPES ? [SIMPLE_ESCAPES[e]] : Buffer.from(e, 'utf8')));
            i += 2;
          }
          continue;
        }
        if (c === '"') {
          if (i + 1 < line.length && !isBlank(line[i + 1])) throw new Error('closing quote must be followed by a space');
          inDouble = false;
          i++;
          break;
        }
        pushText(c);
        i++;
      } else if (inSingle) {
        if (c === '\\' && line[i + 1] === "'") {
          bytes.push(39);
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < line.length && !isBlank(line[i + 1])) throw new Error('closing quote must be followed by a space');
          inSingle = false;
          i++;
          break;
        }
        pushText(c);
        i++;
      } else {
        if (isBlank(c)) break;
        if (c === '"' && bytes.length === 0) inDouble = true;
        else if (c === "'" && bytes.length === 0) inSingle = true;
        else pushText(c);
        i++;
      }
    }
    args.push(Buffer.from(bytes));
  }
}

const PREFIXES: readonly (readonly [string, CompareMode])[] = [
  ['?', 'ignore'],
  ['@sorted ', 'sorted'],
  ['@shape ', 'shape'],
];

/** Parses a whole script; errors name the script and line. */
export function parseScript(source: string, name: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const lines = source.split('\n');
  lines.forEach((raw, index) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const line = index + 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fail = (why: string): never => {
      throw new Error(`${name}:${line}: ${why}: ${text}`);
    };
    if (trimmed === '@closed') {
      steps.push({ kind: 'closed', line, text });
      return;
    }
    const sleep = /^@sleep\s+(\d+)$/.exec(trimmed);
    if (sleep) {
      steps.push({ kind: 'sleep', line, text, ms: Number(sleep[1]) });
      return;
    }
    let body = text.trimStart();
    let compare: CompareMode = 'exact';
    for (const [prefix, mode] of PREFIXES) {
      if (body.startsWith(prefix)) {
        compare = mode;
        body = body.slice(prefix.length).trimStart();
        break;
      }
    }
    if (body.startsWith('@')) fail('unknown directive');
    const raw2 = /^!raw(\d*) (.*)$/s.exec(body);
    if (raw2) {
      steps.push({ kind: 'raw', line, text, compare, bytes: unescapeBytes(raw2[2]),
        replies: raw2[1] === '' ? 1 : Number(raw2[1]) });
      return;
    }
    if (body.startsWith('!')) fail('unknown directive');
    let args: Buffer[] = [];
    try {
      args = splitArgs(body);
    } catch (err) {
      fail((err as Error).message);
    }
    if (args.length === 0) fail('no command');
    steps.push({ kind: 'command', line, text, compare, args });
  });
  return steps;
}

/** How many requests a script sends (commands plus raw sends), for corpus statistics. */
export function countRequests(steps: readonly ScriptStep[]): number {
  return steps.filter((s) => s.kind === 'command' || s.kind === 'raw').length;
}
