/**
 * console-view — one client console: a connection into the mesh with a command line (redis-cli
 * tokenizing, history on ↑/↓), replies drawn as redis-cli draws them, the shard owning each key shown
 * while typing, and the client's state (idle, blocked with its countdown, serving, disconnected).
 *
 * Owns: the console's DOM, its connection's lifecycle (opened when the console is made, so its origin
 * shard shows at once; reopened on the next command after a disconnect), and what the client is known
 * to wait for (a blocking command outside MULTI, with the timeout it sent). `serving` is set from the
 * engine's TRACE events by the page. Commands given by `run` (window.kevy.run, scenarios) show in the
 * console like typed ones.
 */
import { shardOf, keySlot } from '../core/slots.js';
import type { Connection } from './browser-mesh.js';
import { blockingCall } from './blocking-commands.js';
import type { KeyFinder } from './key-finder.js';
import { renderReply } from './reply-view.js';
import type { Reply } from './resp.js';
import { tokenize } from './tokenize.js';

export type ClientState = 'idle' | 'blocked' | 'serving' | 'disconnected';

export interface ClientStatus {
  state: ClientState;
  /** While blocked with a timeout: when it runs out (ms since the epoch). */
  deadline?: number;
}

export interface ConsoleHost {
  readonly shards: number;
  connect(): Connection;
  keyFinder(): KeyFinder | undefined;
  onCommand(c: ClientConsole, text: string): void;
  onReply(c: ClientConsole, reply: Reply): void;
  onChange(c: ClientConsole): void;
  onRemove(c: ClientConsole): void;
}

export interface ClientConsole {
  readonly name: string;
  readonly element: HTMLElement;
  origin(): number;
  connId(): number;
  status(): ClientStatus;
  run(args: readonly (string | Uint8Array)[], shown?: readonly string[]): Promise<Reply>;
  disconnect(): void;
  setServing(on: boolean): void;
  /** Redraws the state badge (countdown). */
  refresh(): void;
  dispose(): void;
}

const MAX_OUTPUT = 300;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function shownArg(a: string): string {
  return a === '' || /[\s"'\\]/.test(a) ? JSON.stringify(a) : a;
}

export function createConsole(name: string, host: ConsoleHost): ClientConsole {
  let conn = host.connect();
  let inMulti = false;
  let serving = false;
  /** Blocking calls outstanding; the deadline of the last one (0 = none, Infinity = forever). */
  let blocked = 0;
  let deadline = 0;
  const history: string[] = [];
  let historyAt = 0;

  const root = el('section', 'console');
  root.dataset.client = name;
  const head = el('header', 'console-head');
  const title = el('span', 'client-name', name);
  const origin = el('span', 'origin');
  const badge = el('span', 'state');
  const hangup = el('button', 'icon-button', 'drop');
  hangup.title = 'Disconnect this client (the next command reconnects)';
  const remove = el('button', 'icon-button', '×');
  remove.title = 'Remove this client';
  head.append(title, origin, badge, hangup, remove);
  const out = el('div', 'console-out');
  const hint = el('div', 'key-hint');
  const form = el('form', 'console-form');
  const prompt = el('span', 'prompt', `${name}›`);
  const input = el('input', 'console-input');
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.placeholder = 'SET user:1 Ada';
  input.setAttribute('aria-label', `command for client ${name}`);
  form.append(prompt, input);
  root.append(head, out, form, hint);

  function status(): ClientStatus {
    if (conn.closed) return { state: 'disconnected' };
    if (serving) return { state: 'serving' };
    if (blocked > 0) return deadline === Infinity ? { state: 'blocked' } : { state: 'blocked', deadline };
    return { state: 'idle' };
  }

  function refresh(): void {
    const s = status();
    origin.textContent = `origin shard ${conn.origin}`;
    origin.className = `origin shard-chip s${conn.origin}`;
    origin.title = `This connection's commands are parsed on shard ${conn.origin} (round-robin, as the server assigns connections)`;
    badge.dataset.state = s.state;
    let text: string = s.state;
    if (s.state === 'blocked') text = s.deadline === undefined ? 'blocked ∞' : `blocked ${Math.max(0, (s.deadline - Date.now()) / 1000).toFixed(1)}s`;
    badge.textContent = text;
    root.dataset.state = s.state;
  }

  function append(node: HTMLElement): void {
    out.append(node);
    while (out.childElementCount > MAX_OUTPUT) out.firstElementChild!.remove();
    out.scrollTop = out.scrollHeight;
  }

  function note(text: string, cls = 'console-note'): void {
    append(el('div', cls, text));
  }

  function wire(c: Connection): void {
    c.onUnsolicited = (reply) => {
      append(renderReply(reply));
      host.onReply(api, reply);
    };
    c.onClosed = (byServer) => {
      blocked = 0;
      serving = false;
      inMulti = false;
      note(byServer ? '(connection closed by the server)' : '(disconnected)');
      refresh();
      host.onChange(api);
    };
  }

  function ensureConnected(): void {
    if (!conn.closed) return;
    conn = host.connect();
    wire(conn);
    note(`(reconnected, origin shard ${conn.origin})`);
    refresh();
    host.onChange(api);
  }

  async function run(args: readonly (string | Uint8Array)[], shown?: readonly string[]): Promise<Reply> {
    ensureConnected();
    const words = shown ?? args.map((a) => (typeof a === 'string' ? a : new TextDecoder().decode(a)));
    const text = words.map(shownArg).join(' ');
    const line = el('div', 'console-cmd');
    line.append(el('span', 'prompt', `${name}›`), document.createTextNode(` ${text}`));
    append(line);
    host.onCommand(api, text);
    const cmd = (words[0] ?? '').toLowerCase();
    const blocking = inMulti ? undefined : blockingCall(words);
    if (cmd === 'multi') inMulti = true;
    else if (cmd === 'exec' || cmd === 'discard') inMulti = false;
    if (blocking !== undefined) {
      blocked++;
      deadline = blocking.timeoutMs === 0 ? Infinity : Date.now() + blocking.timeoutMs;
      refresh();
      host.onChange(api);
    }
    try {
      const reply = await conn.call(args);
      if (cmd === 'multi' && reply.t === 'error') inMulti = false;
      append(renderReply(reply));
      host.onReply(api, reply);
      return reply;
    } catch (err) {
      const reply: Reply = { t: 'error', text: `(${(err as Error).message})` };
      return reply;
    } finally {
      if (blocking !== undefined) {
        blocked = Math.max(0, blocked - 1);
        serving = false;
        refresh();
        host.onChange(api);
      }
    }
  }

  let hintSeq = 0;
  async function updateHint(): Promise<void> {
    const seq = ++hintSeq;
    const t = tokenize(input.value, true);
    const finder = host.keyFinder();
    if ('error' in t || finder === undefined || t.args.length < 2) {
      hint.replaceChildren();
      return;
    }
    let keys: string[];
    try {
      keys = await finder.keys(t.args);
    } catch {
      keys = [];
    }
    if (seq !== hintSeq) return;
    hint.replaceChildren(...keys.slice(0, 8).map((k) => {
      const s = shardOf(k, host.shards);
      const chip = el('span', `shard-chip s${s}`, `${k} → shard ${s}`);
      chip.title = `slot ${keySlot(k)} of 16384; shard ${s} owns it${s === conn.origin ? ' (this client\'s own shard: no message)' : ' (forwarded from the origin shard)'}`;
      return chip;
    }));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const line = input.value.trim();
    if (line === '') return;
    if (history[history.length - 1] !== line) history.push(line);
    historyAt = history.length;
    input.value = '';
    hint.replaceChildren();
    const t = tokenize(line);
    if ('error' in t) {
      note(t.error, 'console-note error');
      return;
    }
    void run(t.bytes, t.args);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' && historyAt > 0) {
      historyAt--;
      input.value = history[historyAt];
    } else if (event.key === 'ArrowDown' && historyAt < history.length) {
      historyAt++;
      input.value = history[historyAt] ?? '';
    } else {
      return;
    }
    event.preventDefault();
    void updateHint();
  });
  input.addEventListener('input', () => void updateHint());
  hangup.addEventListener('click', () => api.disconnect());
  remove.addEventListener('click', () => host.onRemove(api));
  root.addEventListener('click', (event) => {
    if (event.target === out || event.target === root) input.focus();
  });

  const api: ClientConsole = {
    name,
    element: root,
    origin: () => conn.origin,
    connId: () => conn.id,
    status,
    run,
    disconnect() {
      conn.close();
    },
    setServing(on) {
      serving = on;
      refresh();
    },
    refresh,
    dispose() {
      conn.close();
      root.remove();
    },
  };
  wire(conn);
  refresh();
  return api;
}
