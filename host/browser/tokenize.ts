/**
 * tokenize — a command line split into arguments the way redis-cli does it (sdssplitargs): spaces
 * separate; "double quotes" take escapes (\n \r \t \b \a \\ \" \xHH); 'single quotes' take only \';
 * a closing quote must be followed by a space or the end of the line.
 *
 * Each argument comes back as bytes (`\xHH` is one raw byte; the rest is UTF-8) and as the text to show.
 * `lenient` (for hints while typing) accepts an unterminated quote.
 */

export interface Tokens {
  args: string[];
  bytes: Uint8Array[];
}

export type TokenizeResult = Tokens | { error: string };

const utf8 = new TextEncoder();
const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, b: 8, a: 7 };

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

export function tokenize(line: string, lenient = false): TokenizeResult {
  const args: string[] = [];
  const bytes: Uint8Array[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return { args, bytes };
    const out: number[] = [];
    let text = '';
    const push = (s: string): void => {
      text += s;
      for (const b of utf8.encode(s)) out.push(b);
    };
    let quote: '"' | "'" | '' = '';
    let done = false;
    while (!done) {
      const c = line[i];
      if (quote === '"') {
        if (c === undefined) {
          if (lenient) break;
          return { error: 'Invalid argument(s): unbalanced quotes' };
        }
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          const b = parseInt(line.slice(i + 2, i + 4), 16);
          out.push(b);
          text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${line.slice(i + 2, i + 4)}`;
          i += 4;
        } else if (c === '\\' && line[i + 1] !== undefined) {
          const e = line[i + 1];
          if (e in ESCAPES) {
            out.push(ESCAPES[e]);
            text += `\\${e}`;
          } else {
            push(e);
          }
          i += 2;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return { error: 'Invalid argument(s): closing quote must be followed by a space' };
          i++;
          done = true;
        } else {
          push(c);
          i++;
        }
      } else if (quote === "'") {
        if (c === undefined) {
          if (lenient) break;
          return { error: 'Invalid argument(s): unbalanced quotes' };
        }
        if (c === '\\' && line[i + 1] === "'") {
          push("'");
          i += 2;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return { error: 'Invalid argument(s): closing quote must be followed by a space' };
          i++;
          done = true;
        } else {
          push(c);
          i++;
        }
      } else if (c === undefined || isSpace(c)) {
        done = true;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else {
        push(c);
        i++;
      }
    }
    args.push(text);
    bytes.push(Uint8Array.from(out));
    if (i >= n) return { args, bytes };
  }
}
