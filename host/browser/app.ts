/**
 * app — the demo page: starts the mesh (browser-mesh.ts) with the chosen shard count, builds the
 * consoles, the message view, the blocking panel and the scenario cards, and routes what happens
 * between them. Exposes `window.kevy` so tests (and curious people, from the devtools) drive the page
 * as a person would:
 *   kevy.ready               resolves once the shards are up (a new promise after each restart)
 *   kevy.run(client, argv)   runs one command as that client (made on first use) → plain reply
 *   kevy.setShards(n)        restarts the mesh with n shards (2–8)
 *   kevy.runScenario(id)     runs one scenario → { ok, failures, keys, steps }
 *   kevy.setHold(ms)         the delivery delay between shards
 *   kevy.blocking            whether the engine knows BLPOP (COMMAND INFO BLPOP)
 *
 * Owns: the page's wiring and lifecycle (restart = stop the workers, start new ones, recreate the
 * consoles by name). Not the drawing of any one part (its own file each).
 */
import { startBrowserMesh, type BrowserMesh, type Connection } from './browser-mesh.js';
import { createConsole, type ClientConsole, type ConsoleHost } from './console-view.js';
import { createKeyFinder, type KeyFinder } from './key-finder.js';
import { createMessageView } from './message-view.js';
import { createArbiterView } from './arbiter-view.js';
import { eventTime, type ShardEvent, type TraceEvent } from './events.js';
import { replyText } from './reply-view.js';
import { toPlain, type Plain, type Reply } from './resp.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { runScenario, type ScenarioOutcome } from './scenario-runner.js';
import type {} from './kevy-api.js';

const MIN_SHARDS = 2;
const MAX_SHARDS = 8;
const DEFAULT_SHARDS = 4;
const CLIENT_NAMES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SERVE_STARTS = new Set(['serve']);
const SERVE_ENDS = new Set(['served', 'deliver', 'delivered', 'restore', 'timeout', 'unblock', 'disarm']);

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`demo page: #${id} is missing`);
  return e;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const status = $('status');
const consolesBox = $('consoles');
const shardSelect = $('shards') as HTMLSelectElement;
const holdInput = $('hold') as HTMLInputElement;
const holdOut = $('hold-out');

function setStatus(text: string, kind: 'ok' | 'busy' | 'error'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

const messages = createMessageView((conn) => consoleByConn(conn)?.name);
$('messages').append(messages.element);
const arbiter = createArbiterView();
$('arbiter').append(arbiter.element);

let mesh: BrowserMesh | undefined;
let helper: Connection | undefined;
let finder: KeyFinder | undefined;
let blocking = false;
let consoles: ClientConsole[] = [];
let hold = Number(holdInput.value);
let ready: Promise<void> = Promise.resolve();
let wasm: Promise<WebAssembly.Module> | undefined;

function showHold(): void {
  holdOut.textContent = hold === 0 ? 'none' : `${hold} ms`;
}

function setHold(ms: number): void {
  hold = Math.max(0, Math.min(5000, Math.round(ms)));
  holdInput.value = String(hold);
  showHold();
  mesh?.setHold(hold);
}

function laneClients(): void {
  const byShard: string[][] = Array.from({ length: mesh?.shards ?? 0 }, () => []);
  for (const c of consoles) byShard[c.origin()]?.push(c.name);
  messages.clients(byShard);
}

function consoleByConn(conn: number): ClientConsole | undefined {
  return consoles.find((c) => c.connId() === conn);
}

function onEvents(events: ShardEvent[]): void {
  messages.events(events);
  const traces = events.filter((e): e is TraceEvent => e.ev === 'trace');
  if (traces.length === 0) return;
  arbiter.trace(traces);
  for (const e of traces) {
    const ev = String(e.data.ev ?? '');
    const conn = typeof e.data.conn === 'number' ? e.data.conn : undefined;
    const c = conn === undefined ? undefined : consoleByConn(conn);
    if (c === undefined) continue;
    if (SERVE_STARTS.has(ev)) c.setServing(true);
    else if (SERVE_ENDS.has(ev)) c.setServing(false);
  }
}

const consoleHost: ConsoleHost = {
  get shards() {
    return mesh?.shards ?? 1;
  },
  connect() {
    if (mesh === undefined) throw new Error('the shards are not running');
    return mesh.connect();
  },
  keyFinder: () => finder,
  onCommand(c, text) {
    messages.command(c.name, c.origin(), text, eventTime());
  },
  onReply(c, reply: Reply) {
    messages.reply(c.name, c.origin(), replyText(reply).split('\n')[0], eventTime(), reply.t === 'error');
  },
  onChange() {
    laneClients();
  },
  onRemove(c) {
    removeConsole(c.name);
  },
};

function nextName(): string {
  for (const ch of CLIENT_NAMES) if (!consoles.some((c) => c.name === ch)) return ch;
  return `C${consoles.length + 1}`;
}

/** A new console, kept in name order (a scenario's fresh clients take their old places). */
function addConsole(name = nextName()): ClientConsole {
  const c = createConsole(name, consoleHost);
  consoles.push(c);
  consoles.sort((a, b) => (a.name.length - b.name.length) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next = consoles[consoles.indexOf(c) + 1];
  consolesBox.insertBefore(c.element, next?.element ?? null);
  laneClients();
  return c;
}

function removeConsole(name: string): void {
  const i = consoles.findIndex((c) => c.name === name);
  if (i < 0) return;
  const [c] = consoles.splice(i, 1);
  c.dispose();
  laneClients();
}

function consoleNamed(name: string): ClientConsole {
  return consoles.find((c) => c.name === name) ?? addConsole(name);
}

async function compileEngine(): Promise<WebAssembly.Module> {
  const res = await fetch('/build/shard.wasm');
  if (!res.ok) throw new Error(`build/shard.wasm: HTTP ${res.status} (run npm run build)`);
  return WebAssembly.compileStreaming(res);
}

async function start(shards: number): Promise<void> {
  const names = consoles.length > 0 ? consoles.map((c) => c.name) : ['A', 'B'];
  for (const c of consoles) c.dispose();
  consoles = [];
  const old = mesh;
  mesh = undefined;
  finder = undefined;
  helper = undefined;
  await old?.stop();
  setStatus(`starting ${shards} shards…`, 'busy');
  shardSelect.value = String(shards);
  wasm ??= compileEngine();
  const module = await wasm;
  mesh = await startBrowserMesh({
    shards,
    module,
    holdMs: hold,
    onEvents,
    onFatal(err) {
      setStatus(`engine failure: ${err.message}`, 'error');
      console.error(err);
    },
  });
  messages.reset(shards);
  arbiter.reset();
  // A helper connection, outside the round-robin: the key table for hints and the blocking check.
  const h = mesh.connect(0);
  helper = h;
  finder = await createKeyFinder((args) => h.call(args));
  const info = await h.call(['COMMAND', 'INFO', 'BLPOP']);
  blocking = info.t === 'array' && info.items.length > 0 && info.items[0].t !== 'null';
  document.body.dataset.blocking = String(blocking);
  for (const name of names) addConsole(name);
  setStatus(`${shards} shards running · ${shards} Web Workers`, 'ok');
}

function restart(shards: number): Promise<void> {
  const n = Math.max(MIN_SHARDS, Math.min(MAX_SHARDS, Math.round(shards)));
  ready = ready.catch(() => undefined).then(() => start(n));
  ready.catch((err: unknown) => {
    setStatus(`failed to start: ${(err as Error).message}`, 'error');
    console.error(err);
  });
  return ready;
}

// ---- scenarios ----

let scenarioRunning = false;

function scenarioCard(s: Scenario): HTMLElement {
  const card = el('article', 'scenario');
  card.dataset.id = s.id;
  card.dataset.state = 'idle';
  const head = el('div', 'scenario-head');
  head.append(el('h3', '', s.title));
  if (s.blocking) {
    const tag = el('span', 'tag needs-blocking', 'blocking');
    tag.title = 'Uses blocking commands (BLPOP, BLMOVE): until the engine has them they answer "ERR unknown command"';
    head.append(tag);
  }
  const button = el('button', 'run-button', 'Run');
  button.addEventListener('click', () => void playScenario(s.id));
  head.append(button);
  const result = el('div', 'scenario-result');
  card.append(head, el('p', 'watch', s.watch), result);
  return card;
}

async function playScenario(id: string): Promise<ScenarioOutcome> {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  if (scenarioRunning) throw new Error('a scenario is already running');
  await ready;
  if (mesh === undefined) throw new Error('the shards are not running');
  scenarioRunning = true;
  document.body.dataset.scenario = id;
  const card = document.querySelector<HTMLElement>(`.scenario[data-id="${id}"]`)!;
  const result = card.querySelector<HTMLElement>('.scenario-result')!;
  card.dataset.state = 'running';
  result.replaceChildren(el('div', 'muted', 'running…'));
  const list = el('ol', 'steps');
  const items: HTMLElement[] = [];
  const before = hold;
  const running = mesh;
  messages.clear();
  try {
    const outcome = await runScenario(s, {
      shards: running.shards,
      fresh(name) {
        removeConsole(name);
        const c = addConsole(name);
        return {
          origin: c.origin(),
          send: (argv) => c.run(argv).then(toPlain),
          disconnect: () => c.disconnect(),
        };
      },
      setHold,
    }, {
      onStep(i, o) {
        const li = items[i] ?? el('li', 'step');
        if (items[i] === undefined) {
          items[i] = li;
          list.append(li);
          result.replaceChildren(list);
        }
        li.dataset.ok = o.reply === undefined && !o.disconnect ? 'pending' : String(o.ok);
        const what = o.disconnect ? 'disconnects' : (o.argv ?? []).join(' ');
        const got = o.reply === undefined ? (o.disconnect ? '' : ' …') : ` → ${JSON.stringify(o.reply)}`;
        li.textContent = `${o.client}: ${what}${got}`;
        if (!o.ok && o.reply !== undefined) li.title = `expected ${JSON.stringify(o.expected)}`;
      },
    });
    card.dataset.state = outcome.ok ? 'passed' : 'failed';
    const verdict = el('div', `verdict ${outcome.ok ? 'passed' : 'failed'}`, outcome.ok ? '✓ every reply as expected' : `✗ ${outcome.failures[0]}`);
    if (!outcome.ok && s.blocking && !blocking) verdict.textContent += ' — this engine has no blocking commands yet';
    result.append(verdict);
    return outcome;
  } catch (err) {
    card.dataset.state = 'failed';
    result.append(el('div', 'verdict failed', `✗ ${(err as Error).message}`));
    throw err;
  } finally {
    if (mesh === running) setHold(before);
    scenarioRunning = false;
    delete document.body.dataset.scenario;
  }
}

// ---- page ----

function boot(): void {
  for (let n = MIN_SHARDS; n <= MAX_SHARDS; n++) shardSelect.append(new Option(`${n} shards`, String(n)));
  shardSelect.value = String(DEFAULT_SHARDS);
  shardSelect.addEventListener('change', () => void restart(Number(shardSelect.value)));
  holdInput.addEventListener('input', () => setHold(Number(holdInput.value)));
  showHold();
  $('add-client').addEventListener('click', () => {
    if (mesh !== undefined) addConsole().element.querySelector('input')?.focus();
  });
  $('clear-messages').addEventListener('click', () => messages.clear());
  const cards = $('scenarios');
  for (const s of SCENARIOS) cards.append(scenarioCard(s));
  setInterval(() => {
    for (const c of consoles) if (c.status().state === 'blocked') c.refresh();
    arbiter.render(consoles, (conn) => consoleByConn(conn)?.name);
  }, 100);

  window.kevy = {
    get ready() {
      return ready;
    },
    get shards() {
      return mesh?.shards ?? 0;
    },
    get blocking() {
      return blocking;
    },
    async run(client, argv) {
      await ready;
      return toPlain(await consoleNamed(client).run(argv));
    },
    setShards: (n) => restart(n),
    setHold,
    runScenario: (id) => playScenario(id),
  };

  if (!crossOriginIsolated) {
    $('isolation').hidden = false;
    setStatus('not cross-origin isolated: SharedArrayBuffer is unavailable', 'error');
    ready = Promise.reject(new Error('the page is not cross-origin isolated'));
    ready.catch(() => undefined);
    return;
  }
  void restart(DEFAULT_SHARDS);
}

boot();
