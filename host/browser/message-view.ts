/**
 * message-view — the cross-shard traffic as a sequence diagram: one lane per shard, time going down.
 * Each message is an arrow from its sender's lane to its receiver's, drawn dashed while it is in flight
 * (held by the speed control) and solid once the receiver's engine has it; the client commands and
 * replies that start and end the traffic are marks on their origin lane, and the engine's TRACE events
 * (the blocking arbiter) are marks on the lane of the shard that emitted them.
 *
 * Owns: the rows (in time order: events from different workers arrive out of order and are inserted
 * where they belong), joining a message's `sent` and `delivered` events (events.ts), and the legend.
 * Rows carry data attributes (`data-type`, `data-from`, `data-to`) for tests.
 */
import type { ShardEvent } from './events.js';
import { MESSAGE_TYPES, messageLabel } from './message-names.js';

export interface MessageView {
  readonly element: HTMLElement;
  /** Starts over with `shards` lanes. */
  reset(shards: number): void;
  events(events: readonly ShardEvent[]): void;
  /** A client command entering its origin shard. */
  command(client: string, origin: number, text: string, t: number): void;
  /** A reply leaving the origin shard for its client. */
  reply(client: string, origin: number, text: string, t: number, error: boolean): void;
  /** Who connects where, under each lane's title. */
  clients(byShard: readonly string[][]): void;
  clear(): void;
}

const MAX_ROWS = 500;

interface Row {
  t: number;
  el: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Names a connection id (a client's console), if it is one. */
export type ConnName = (conn: number) => string | undefined;

function traceText(data: Record<string, unknown>, nameOf: ConnName): string {
  const who = (conn: unknown): string => nameOf(Number(conn)) ?? `conn ${String(conn)}`;
  const parts = [String(data.ev ?? 'event')];
  if (data.key !== undefined) parts.push(String(data.key));
  if (data.conn !== undefined) parts.push(who(data.conn));
  if (Array.isArray(data.queue)) parts.push(`queue [${data.queue.map(who).join(', ')}]`);
  if (data.text !== undefined) parts.push(String(data.text));
  return parts.join(' · ');
}

export function createMessageView(nameOf: ConnName = () => undefined): MessageView {
  const root = el('section', 'message-view');
  const lanesHead = el('div', 'lanes-head');
  const scroller = el('div', 'lanes-scroll');
  const body = el('div', 'lanes-body');
  const empty = el('div', 'lanes-empty', 'Run a command on a key that lives on another shard, or pick a scenario: every message between shards appears here, in time order.');
  scroller.append(body);
  const legend = el('div', 'legend');
  for (const [num, type] of Object.entries(MESSAGE_TYPES)) {
    const chip = el('span', `legend-chip type-${type.name}${type.blocking ? ' blocking' : ''}`, type.name);
    chip.title = `${type.name} (${num}): ${type.meaning}`;
    legend.append(chip);
  }
  legend.append(el('span', 'legend-note', 'dashed: in flight · hover an arrow for details'));
  root.append(lanesHead, scroller, legend);

  let shards = 1;
  let start = 0;
  let rows: Row[] = [];
  const inFlight = new Map<string, { el: HTMLElement; t: number }>();
  const early = new Map<string, number>();
  let follow = true;
  scroller.addEventListener('scroll', () => {
    follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 30;
  });

  const center = (lane: number): number => ((lane + 0.5) / shards) * 100;

  function insert(t: number, row: HTMLElement): void {
    if (start === 0) start = t;
    empty.remove();
    const time = el('span', 'row-time', `${((t - start) / 1000).toFixed(3)}s`);
    row.prepend(time);
    let i = rows.length;
    while (i > 0 && rows[i - 1].t > t) i--;
    if (i === rows.length) body.append(row);
    else body.insertBefore(row, rows[i].el);
    rows.splice(i, 0, { t, el: row });
    while (rows.length > MAX_ROWS) rows.shift()!.el.remove();
    if (follow) scroller.scrollTop = scroller.scrollHeight;
  }

  function lanesRow(cls: string): { row: HTMLElement; lanes: HTMLElement } {
    const row = el('div', `row ${cls}`);
    const lanes = el('div', 'row-lanes');
    row.append(lanes);
    return { row, lanes };
  }

  function mark(cls: string, lane: number, text: string, t: number, title?: string): HTMLElement {
    const { row, lanes } = lanesRow(cls);
    const pill = el('span', `mark s${lane}`, text);
    // Anchored at the lane, shifted by the lane's own fraction of its width: centred in the middle
    // lanes, growing inwards at the edges, so no mark leaves the view.
    pill.style.left = `${center(lane)}%`;
    pill.style.transform = `translate(-${center(lane)}%, -50%)`;
    if (title) pill.title = title;
    lanes.append(pill);
    row.dataset.lane = String(lane);
    insert(t, row);
    return row;
  }

  function arrow(from: number, to: number, seq: number, t: number, label: string, type: string, title: string, blocking: boolean): void {
    const { row, lanes } = lanesRow('msg');
    row.dataset.type = type;
    row.dataset.from = String(from);
    row.dataset.to = String(to);
    const a = el('div', `msg-arrow in-flight type-${type}${blocking ? ' blocking' : ''} ${to > from ? 'rightward' : 'leftward'}`);
    a.dataset.type = type;
    const left = Math.min(center(from), center(to));
    a.style.left = `${left}%`;
    a.style.width = `${Math.abs(center(to) - center(from))}%`;
    const text = el('span', 'msg-label', label);
    a.append(text);
    a.title = title;
    lanes.append(a);
    insert(t, row);
    const key = `${from}>${to}#${seq}`;
    const deliveredAt = early.get(key);
    if (deliveredAt !== undefined) {
      early.delete(key);
      land(a, t, deliveredAt);
    } else {
      inFlight.set(key, { el: a, t });
    }
  }

  function land(a: HTMLElement, sentAt: number, deliveredAt: number): void {
    a.classList.remove('in-flight');
    a.title += `\ndelivered after ${Math.max(0, deliveredAt - sentAt).toFixed(1)} ms`;
  }

  function drawLanes(byShard: readonly string[][] = []): void {
    lanesHead.replaceChildren(el('span', 'row-time', 'time'));
    const lanes = el('div', 'row-lanes');
    for (let s = 0; s < shards; s++) {
      const h = el('div', `lane-title s${s}`);
      h.style.left = `${center(s)}%`;
      h.append(el('strong', '', `shard ${s}`));
      const who = byShard[s] ?? [];
      h.append(el('span', 'lane-clients', who.length > 0 ? who.join(' ') : '·'));
      h.title = who.length > 0 ? `clients whose origin is shard ${s}: ${who.join(', ')}` : `no client has shard ${s} as origin`;
      lanes.append(h);
    }
    lanesHead.append(lanes);
    body.style.setProperty('--lanes', String(shards));
  }

  function clear(): void {
    rows = [];
    inFlight.clear();
    early.clear();
    start = 0;
    body.replaceChildren(empty);
  }

  return {
    element: root,
    reset(n) {
      shards = n;
      clear();
      drawLanes();
    },
    events(events) {
      for (const e of events) {
        if (e.ev === 'sent') {
          const type = MESSAGE_TYPES[e.msg.type];
          const title = `${e.msg.name}: shard ${e.from} → shard ${e.to}${type ? `\n${type.meaning}` : ''}\nop ${e.msg.op} · part ${e.msg.part} · conn ${e.msg.conn} · ${e.msg.bytes} bytes`;
          arrow(e.from, e.to, e.seq, e.t, messageLabel(e.msg), e.msg.name, title, type?.blocking === true);
        } else if (e.ev === 'delivered') {
          const key = `${e.from}>${e.to}#${e.seq}`;
          const sent = inFlight.get(key);
          if (sent !== undefined) {
            inFlight.delete(key);
            land(sent.el, sent.t, e.t);
          } else {
            early.set(key, e.t);
          }
        } else {
          const row = mark('trace', e.shard, traceText(e.data, nameOf), e.t, JSON.stringify(e.data));
          row.dataset.ev = String(e.data.ev ?? '');
        }
      }
    },
    command(client, origin, text, t) {
      const row = mark('cmd', origin, `${client} › ${text.length > 48 ? `${text.slice(0, 47)}…` : text}`, t, `client ${client} sends to its origin shard ${origin}: ${text}`);
      row.dataset.client = client;
    },
    reply(client, origin, text, t, error) {
      const row = mark(error ? 'reply error' : 'reply', origin, `${client} ‹ ${text.length > 48 ? `${text.slice(0, 47)}…` : text}`, t, `reply to client ${client}`);
      row.dataset.client = client;
    },
    clients(byShard) {
      drawLanes(byShard);
    },
    clear,
  };
}
