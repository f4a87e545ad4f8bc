/**
 * arbiter-view — the blocking side of the demo at a glance: every client with its state (idle,
 * blocked with its timeout counting down, serving, disconnected), and every watched key with its
 * waiter queue as the key's owner last reported it.
 *
 * Owns: the panel's DOM and the key → queue table, fed by the engine's TRACE events (`key`, `queue`
 * fields: events.ts). Client states come from the consoles (console-view.ts). Without TRACE events
 * (an engine built without them) the key table says so and the client states still show.
 */
import type { TraceEvent } from './events.js';
import type { ClientConsole } from './console-view.js';

export interface ArbiterView {
  readonly element: HTMLElement;
  reset(): void;
  trace(events: readonly TraceEvent[]): void;
  /** Redraws with the current clients; `nameOf(conn)` names a connection id. */
  render(clients: readonly ClientConsole[], nameOf: (conn: number) => string | undefined): void;
}

interface Watched {
  shard: number;
  queue: number[];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function createArbiterView(): ArbiterView {
  const root = el('section', 'arbiter');
  const clientsBox = el('div', 'arbiter-clients');
  const keysBox = el('div', 'arbiter-keys');
  root.append(el('h3', '', 'Clients'), clientsBox, el('h3', '', 'Waiter queues'), keysBox);
  const keys = new Map<string, Watched>();
  let traced = false;

  return {
    element: root,
    reset() {
      keys.clear();
      traced = false;
    },
    trace(events) {
      for (const e of events) {
        traced = true;
        const { key, queue } = e.data;
        if (typeof key !== 'string' || !Array.isArray(queue)) continue;
        const shard = typeof e.data.shard === 'number' ? e.data.shard : e.shard;
        keys.set(key, { shard, queue: queue.map(Number) });
      }
    },
    render(clients, nameOf) {
      const rows = clients.map((c) => {
        const s = c.status();
        const row = el('div', 'arbiter-client');
        row.dataset.client = c.name;
        row.dataset.state = s.state;
        row.append(el('strong', '', c.name), el('span', `shard-chip s${c.origin()}`, `shard ${c.origin()}`));
        const state = el('span', 'state', s.state);
        state.dataset.state = s.state;
        row.append(state);
        if (s.state === 'blocked') {
          const left = s.deadline === undefined ? undefined : Math.max(0, s.deadline - Date.now());
          row.append(el('span', 'countdown', left === undefined ? 'no timeout' : `${(left / 1000).toFixed(1)}s left`));
        }
        return row;
      });
      clientsBox.replaceChildren(...(rows.length > 0 ? rows : [el('div', 'muted', 'no clients')]));
      const list = [...keys.entries()].map(([key, w]) => {
        const row = el('div', 'arbiter-key');
        row.dataset.key = key;
        row.append(el('span', `shard-chip s${w.shard}`, key));
        const q = el('span', 'queue');
        if (w.queue.length === 0) q.append(el('span', 'muted', 'no waiters'));
        for (const conn of w.queue) q.append(el('span', 'waiter', nameOf(conn) ?? `conn ${conn}`));
        row.append(q);
        return row;
      });
      const none = traced
        ? 'no key has waiters'
        : 'The engine reports its waiter queues through TRACE events; this build has none yet, so only messages show.';
      keysBox.replaceChildren(...(list.length > 0 ? list : [el('div', 'muted', none)]));
    },
  };
}
