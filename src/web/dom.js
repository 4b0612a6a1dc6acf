// @ts-check
// every string from the API is attacker-influenced (banners, subjects, paths): it only ever
// reaches the page as a text node or an attribute value, never as markup.

/**
 * @typedef {{ className?: string, title?: string, dataset?: Record<string, string>, attrs?: Record<string, string> }} Props
 * @typedef {Node | string | number | null | undefined | false} Child
 */

/**
 * Creates an element whose string children become text nodes.
 * @param {string} tag
 * @param {Props} [props]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.dataset ?? {})) el.dataset[k] = v;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * A string field of an untrusted object, capped, or ''.
 * @param {unknown} v
 * @param {number} [max]
 * @returns {string}
 */
export function str(v, max = 300) {
  if (typeof v !== 'string') return '';
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/**
 * Local wall-clock time of an ISO timestamp (HH:MM:SS), or '' when unparsable.
 * @param {unknown} iso
 * @returns {string}
 */
export function fmtTime(iso) {
  const d = new Date(str(iso));
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false });
}

/**
 * Local date and time of an ISO timestamp.
 * @param {unknown} iso
 * @returns {string}
 */
export function fmtDateTime(iso) {
  const d = new Date(str(iso));
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString([], { hour12: false });
}

/**
 * "12 s ago" style age of an ISO timestamp.
 * @param {unknown} iso
 * @param {number} now
 * @returns {string}
 */
export function fmtAgo(iso, now) {
  const t = new Date(str(iso)).getTime();
  if (Number.isNaN(t)) return 'never';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/**
 * Fetches JSON from the API; throws on a non-2xx answer.
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}
