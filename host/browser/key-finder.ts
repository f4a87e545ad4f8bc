/**
 * key-finder — which arguments of a command line are keys, and which shard owns each: the hint a
 * console shows while a person types. The positions come from the engine itself (COMMAND: first key,
 * last key, step for every command), fetched once per mesh; commands whose keys move with their
 * arguments (`movablekeys`: BLMPOP, ZUNIONSTORE …) ask the engine (COMMAND GETKEYS) for a complete
 * line. A command the engine does not know is guessed to have its key first.
 *
 * Owns: the key-position table and the lookup. Not the drawing (console-view.ts), not the slot
 * arithmetic (host/core/slots.ts).
 */
import type { Reply } from './resp.js';

interface KeySpec {
  arity: number;
  first: number;
  last: number;
  step: number;
  movable: boolean;
}

export interface KeyFinder {
  /** The keys in `args`; may ask the engine (movable keys). */
  keys(args: readonly string[]): Promise<string[]>;
}

const utf8 = new TextDecoder();

function text(r: Reply | undefined): string {
  if (r === undefined) return '';
  if (r.t === 'bulk' || r.t === 'verbatim') return utf8.decode(r.bytes);
  if (r.t === 'simple' || r.t === 'int') return r.text;
  return '';
}

function items(r: Reply | undefined): Reply[] {
  return r !== undefined && (r.t === 'array' || r.t === 'set') ? r.items : [];
}

/** `call` runs one command on a helper connection. */
export async function createKeyFinder(call: (args: string[]) => Promise<Reply>): Promise<KeyFinder> {
  const table = new Map<string, KeySpec>();
  for (const entry of items(await call(['COMMAND']))) {
    const f = items(entry);
    if (f.length < 6) continue;
    const flags = items(f[2]).map(text);
    table.set(text(f[0]).toLowerCase(), {
      arity: Number(text(f[1])),
      first: Number(text(f[3])),
      last: Number(text(f[4])),
      step: Number(text(f[5])),
      movable: flags.includes('movablekeys'),
    });
  }

  function fixed(spec: KeySpec, args: readonly string[]): string[] {
    if (spec.first <= 0) return [];
    const last = spec.last < 0 ? args.length + spec.last : spec.last;
    const out: string[] = [];
    for (let i = spec.first; i <= last && i < args.length; i += Math.max(1, spec.step)) out.push(args[i]);
    return out;
  }

  return {
    async keys(args) {
      if (args.length < 2) return [];
      const spec = table.get(args[0].toLowerCase());
      if (spec === undefined) return [args[1]];
      if (!spec.movable) return fixed(spec, args);
      const reply = await call(['COMMAND', 'GETKEYS', ...args]);
      return reply.t === 'error' ? fixed(spec, args) : items(reply).map(text);
    },
  };
}
