// @ts-check
import { fmtTime, h, str } from './dom.js';

/**
 * @typedef {{ uuid: string, ts: string, kind: string, action: string, src_decky_uuid: string | null,
 *   dst_decky_uuid: string | null, success: boolean | null, payload: Record<string, unknown> }} ApiEvent
 */

const KEEP = 500;
const SHOWN = 200;
const KINDS = new Set(['traffic', 'file', 'email']);

/**
 * The live event list: newest first, filterable by kind, pausable (events are held, not lost).
 * @param {{ tbody: HTMLElement, empty: HTMLElement, held: HTMLElement, nameOf: (uuid: string | null) => string }} view
 */
export function createFeed(view) {
  /** @type {ApiEvent[]} */
  let rows = [];
  /** @type {ApiEvent[]} */
  let queue = [];
  const seen = new Set();
  let filter = 'all';
  let paused = false;

  /** @param {ApiEvent} ev */
  const matches = (ev) => filter === 'all' || ev.kind === filter;

  const render = () => {
    const shown = rows.filter(matches).slice(0, SHOWN);
    view.tbody.replaceChildren(...shown.map((ev) => rowFor(ev, view.nameOf, false)));
    view.empty.hidden = shown.length > 0;
    view.held.textContent = paused ? `paused, ${queue.length} new held` : '';
  };

  /** @param {ApiEvent} ev */
  const add = (ev) => {
    if (!ev || typeof ev.uuid !== 'string' || seen.has(ev.uuid)) return false;
    seen.add(ev.uuid);
    rows.unshift(ev);
    if (rows.length > KEEP) seen.delete(rows.pop()?.uuid);
    return true;
  };

  return {
    /** @param {ApiEvent[]} list newest first; replaces everything (a reconnect sends a new one) */
    snapshot(list) {
      rows = [];
      queue = [];
      seen.clear();
      for (const ev of [...list].reverse()) add(ev);
      render();
    },
    /** @param {ApiEvent} ev */
    push(ev) {
      if (paused) {
        queue.push(ev);
        if (queue.length > KEEP) queue.shift();
        view.held.textContent = `paused, ${queue.length} new held`;
        return;
      }
      if (!add(ev) || !matches(ev)) return;
      view.tbody.prepend(rowFor(ev, view.nameOf, true));
      while (view.tbody.children.length > SHOWN) view.tbody.lastElementChild?.remove();
      view.empty.hidden = true;
    },
    /** @param {string} kind */
    setFilter(kind) {
      filter = kind;
      render();
    },
    /** @param {boolean} p */
    setPaused(p) {
      paused = p;
      if (!p) for (const ev of queue.splice(0)) add(ev);
      render();
    },
    render,
  };
}

/**
 * @param {ApiEvent} ev
 * @param {(uuid: string | null) => string} nameOf
 * @param {boolean} fresh
 */
function rowFor(ev, nameOf, fresh) {
  const p = ev.payload && typeof ev.payload === 'object' ? ev.payload : {};
  const kind = KINDS.has(ev.kind) ? ev.kind : 'other';
  const result =
    ev.success === true
      ? h('span', { className: 'badge res-ok' }, 'ok')
      : ev.success === false
        ? h('span', { className: 'badge res-bad' }, 'failed')
        : h('span', { className: 'badge res-none' }, '–');
  const detail = detailOf(ev, p);
  const route = routeOf(ev, p, nameOf);
  return h(
    'tr',
    { className: fresh ? 'fresh' : '', dataset: { kind: ev.kind, uuid: str(ev.uuid) } },
    h('td', { className: 'mono nowrap', title: str(ev.ts) }, fmtTime(ev.ts)),
    h('td', {}, h('span', { className: `badge kind-${kind}` }, str(ev.kind, 16))),
    h('td', {}, result),
    h('td', { className: 'mono' }, str(ev.action, 40)),
    h('td', { className: 'nowrap', title: route }, route),
    h('td', { className: 'detail mono', title: detail }, detail),
  );
}

/**
 * @param {ApiEvent} ev
 * @param {Record<string, unknown>} p
 * @param {(uuid: string | null) => string} nameOf
 */
function routeOf(ev, p, nameOf) {
  if (ev.kind === 'email') {
    const from = str(p.sender_email, 80);
    const to = str(p.recipient_email, 80);
    if (from || to) return `${from} → ${to}`;
  }
  const dst = nameOf(ev.dst_decky_uuid);
  return ev.src_decky_uuid ? `${nameOf(ev.src_decky_uuid)} → ${dst}` : `→ ${dst}`;
}

/**
 * @param {ApiEvent} ev
 * @param {Record<string, unknown>} p
 */
function detailOf(ev, p) {
  if (ev.kind === 'traffic') return str(ev.success ? p.banner : p.stderr || p.banner, 160);
  if (ev.kind === 'file') return str(p.path, 200);
  if (ev.kind === 'email') return str(p.subject, 160) || str(p.stderr, 160) || str(p.stage, 20);
  return '';
}
