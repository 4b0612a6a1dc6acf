// @ts-check
import { fmtAgo, fmtDateTime, fmtTime, h, str } from './dom.js';

const STATUS = new Set(['ok', 'stale', 'unknown']);

/**
 * @param {HTMLElement} box
 * @param {Array<Record<string, any>>} workers
 * @param {number} now
 */
export function renderWorkers(box, workers, now) {
  box.replaceChildren(
    ...workers.map((w) => {
      const status = STATUS.has(w.status) ? w.status : 'unknown';
      const title = w.last_seen ? `last heartbeat ${fmtAgo(w.last_seen, now)}` : 'no heartbeat seen';
      return h(
        'span',
        { className: `pill pill-${status}`, title, dataset: { worker: str(w.worker, 64) } },
        `${str(w.worker, 64)} ${status}`,
      );
    }),
  );
}

/**
 * @param {HTMLElement} tbody
 * @param {HTMLElement} count
 * @param {Array<Record<string, any>>} deckies
 */
export function renderDeckies(tbody, count, deckies) {
  count.textContent = String(deckies.length);
  const sorted = [...deckies].sort((a, b) => str(a.name).localeCompare(str(b.name)));
  tbody.replaceChildren(
    ...sorted.map((d) => {
      const state = str(d.machine_state, 40);
      const services = Array.isArray(d.services) ? d.services.map((s) => str(s, 20)).join(', ') : 'unknown';
      return h(
        'tr',
        { dataset: { uuid: str(d.uuid) } },
        h('td', { title: str(d.uuid) }, str(d.name, 64)),
        h('td', { className: 'mono' }, str(d.ip, 45) || '–'),
        h('td', {}, services),
        h('td', {}, str(d.source, 16)),
        h('td', {}, state ? h('span', { className: `state state-${state.replace(/[^A-Za-z0-9_-]/g, '')}` }, state) : '–'),
      );
    }),
  );
}

/**
 * @param {HTMLElement} ul
 * @param {HTMLElement} count
 * @param {Array<Record<string, any>>} personas
 */
export function renderPersonas(ul, count, personas) {
  count.textContent = String(personas.length);
  ul.replaceChildren(
    ...personas.map((p) =>
      h(
        'li',
        { className: 'persona' },
        h('span', { className: 'who' }, str(p.name, 128)),
        h('span', { className: 'muted' }, `${str(p.language, 8)} · ${str(p.tone, 16)}`),
        h(
          'span',
          { className: 'meta' },
          `${str(p.role, 128)} · ${str(p.email, 255)} · active ${str(p.active_hours, 20)}${p.timezone ? ` ${str(p.timezone, 64)}` : ''} · ${str(p.scope, 80)}`,
        ),
      ),
    ),
  );
}

/**
 * Groups email events by thread (newest activity first) and lists them as buttons.
 * @param {HTMLElement} ul
 * @param {HTMLElement} count
 * @param {Array<Record<string, any>>} emails email events, newest first
 * @param {string | null} current
 */
export function renderThreads(ul, count, emails, current) {
  /** @type {Map<string, { id: string, subject: string, last: string, n: number, people: Set<string> }>} */
  const threads = new Map();
  for (const e of emails) {
    const p = e.payload ?? {};
    const id = str(p.thread_id, 128);
    if (!id || e.success !== true) continue;
    const t = threads.get(id) ?? { id, subject: '', last: str(e.ts), n: 0, people: new Set() };
    t.n += 1;
    // rows come newest first: the last one seen is the oldest, whose subject names the thread
    if (str(p.subject)) t.subject = str(p.subject, 200).replace(/^(re:\s*)+/i, '');
    for (const who of [p.sender_email, p.recipient_email]) if (str(who)) t.people.add(str(who, 255));
    threads.set(id, t);
  }
  count.textContent = String(threads.size);
  ul.replaceChildren(
    ...[...threads.values()].map((t) =>
      h(
        'li',
        {},
        h(
          'button',
          { className: 'thread', dataset: { threadId: t.id }, attrs: { type: 'button', 'aria-current': String(t.id === current) } },
          h('span', { className: 'subject' }, t.subject || '(no subject)'),
          h('span', { className: 'meta' }, `${t.n} message${t.n === 1 ? '' : 's'} · ${[...t.people].join(', ')} · ${fmtTime(t.last)}`),
        ),
      ),
    ),
  );
  if (threads.size === 0) ul.append(h('li', { className: 'empty' }, 'No threads yet.'));
}

/**
 * Shows the messages of one thread in order.
 * @param {HTMLElement} box
 * @param {Array<Record<string, any>>} messages oldest first
 */
export function renderThread(box, messages) {
  box.replaceChildren(
    ...messages.map((m, i) => {
      const body = str(m.body, 20000);
      return h(
        'article',
        { className: 'message', dataset: { messageId: str(m.message_id, 255) } },
        h(
          'header',
          {},
          h('span', { className: 'subject' }, h('span', { className: 'seq' }, `#${i + 1}`), str(m.subject, 200) || '(no subject)'),
          h(
            'dl',
            {},
            h('dt', {}, 'From'),
            h('dd', {}, str(m.sender_email, 255)),
            h('dt', {}, 'To'),
            h('dd', {}, str(m.recipient_email, 255)),
            h('dt', {}, 'Date'),
            h('dd', {}, fmtDateTime(m.ts)),
            m.in_reply_to ? h('dt', {}, 'In reply to') : null,
            m.in_reply_to ? h('dd', { className: 'mono' }, str(m.in_reply_to, 255)) : null,
          ),
        ),
        body
          ? h('pre', { className: 'body' }, body)
          : h('p', { className: 'body missing' }, `Body stored on the decky: ${str(m.eml_path, 300) || 'unknown path'}`),
      );
    }),
  );
}
