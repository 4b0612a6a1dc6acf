// @ts-check
import { getJson } from './dom.js';
import { createFeed } from './feed.js';
import { renderDeckies, renderPersonas, renderThread, renderThreads, renderWorkers } from './panels.js';

const API = '/api/v1';
const KINDS = ['traffic', 'file', 'email'];

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

/** @type {Map<string, string>} */
const names = new Map();
/** @type {string | null} */
let currentThread = null;

const feed = createFeed({
  tbody: /** @type {HTMLElement} */ ($('feed').querySelector('tbody')),
  empty: $('feed-empty'),
  held: $('held'),
  nameOf: (uuid) => (uuid ? (names.get(uuid) ?? uuid) : '–'),
});

/** @param {string} state @param {string} text */
function setConnection(state, text) {
  const conn = $('conn');
  conn.dataset.state = state;
  conn.className = `pill ${state === 'live' ? 'pill-ok' : state === 'error' ? 'pill-bad' : 'pill-muted'}`;
  conn.textContent = text;
}

function connect() {
  const es = new EventSource(`${API}/orchestrator/events/stream`);
  es.onopen = () => setConnection('live', 'live');
  es.onerror = () => setConnection('error', 'reconnecting…');
  es.addEventListener('snapshot', (m) => feed.snapshot(parse(m.data) ?? []));
  for (const kind of KINDS) {
    es.addEventListener(kind, (m) => {
      const ev = parse(m.data);
      if (!ev) return;
      feed.push(ev);
      if (kind === 'email') scheduleThreads();
      if (ev.success === false) refreshStats();
    });
  }
}

/** @param {string} text */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function refreshDeckies() {
  const { data } = await getJson(`${API}/deckies`);
  names.clear();
  for (const d of data) if (typeof d.uuid === 'string' && typeof d.name === 'string') names.set(d.uuid, d.name);
  renderDeckies(/** @type {HTMLElement} */ ($('deckies').querySelector('tbody')), $('deckies-count'), data);
  feed.render();
}

async function refreshPersonas() {
  const { data } = await getJson(`${API}/personas`);
  renderPersonas($('personas'), $('personas-count'), data);
}

async function refreshWorkers() {
  const { data } = await getJson(`${API}/workers`);
  renderWorkers($('workers'), data, Date.now());
}

async function refreshStats() {
  const stats = await getJson(`${API}/orchestrator/events/stats?since=1h&success=false`);
  const n = $('failures');
  n.textContent = String(stats.total);
  n.dataset.zero = String(stats.total === 0);
}

async function refreshThreads() {
  const page = await getJson(`${API}/orchestrator/events?kind=email&limit=200`);
  renderThreads($('threads'), $('threads-count'), page.data, currentThread);
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let threadsTimer;
function scheduleThreads() {
  clearTimeout(threadsTimer);
  threadsTimer = setTimeout(() => quietly(refreshThreads), 500);
}

/** @param {string} id */
async function openThread(id) {
  currentThread = id;
  for (const b of $('threads').querySelectorAll('button.thread')) {
    b.setAttribute('aria-current', String(/** @type {HTMLElement} */ (b).dataset.threadId === id));
  }
  const { data } = await getJson(`${API}/emails/threads/${encodeURIComponent(id)}`);
  const first = data[0]?.subject;
  $('reader-title').textContent = typeof first === 'string' && first ? `Thread: ${first.slice(0, 120)}` : 'Thread';
  renderThread($('reader'), data);
}

/** @param {() => Promise<void>} fn */
function quietly(fn) {
  fn().catch((err) => console.warn(err));
}

/** @param {() => Promise<void>} fn @param {number} ms */
function every(fn, ms) {
  quietly(fn);
  setInterval(() => quietly(fn), ms);
}

for (const chip of document.querySelectorAll('.chip')) {
  chip.addEventListener('click', () => {
    const kind = /** @type {HTMLElement} */ (chip).dataset.kind ?? 'all';
    for (const c of document.querySelectorAll('.chip')) c.setAttribute('aria-pressed', String(c === chip));
    feed.setFilter(kind);
  });
}
$('pause').addEventListener('click', () => {
  const btn = $('pause');
  const paused = btn.getAttribute('aria-pressed') !== 'true';
  btn.setAttribute('aria-pressed', String(paused));
  btn.textContent = paused ? 'Resume' : 'Pause';
  feed.setPaused(paused);
});
$('threads').addEventListener('click', (e) => {
  const btn = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest('button.thread'));
  if (btn?.dataset.threadId) quietly(() => openThread(/** @type {string} */ (btn.dataset.threadId)));
});

connect();
every(refreshDeckies, 15_000);
every(refreshPersonas, 60_000);
every(refreshWorkers, 10_000);
every(refreshStats, 30_000);
every(refreshThreads, 30_000);
