import { type FileState, type FileWrite, MAX_BODY_BYTES } from './content-class.js';
import { type BodyContext, logLines, rewriteCache } from './file-bodies.js';
import { isoDay } from './local-stamp.js';
import { DRAFT_SENTENCES, NOTE_LINES, TODO_ITEMS } from './phrases.js';
import { between, choose } from './pick.js';
import { hashSeed } from './seed-hash.js';

/** Where an edit happens; defaults suit a test. */
type EditContext = Pick<BodyContext, 'host' | 'timeZone'>;

const DEFAULT_CTX: EditContext = { host: 'localhost', timeZone: 'UTC' };
const LOG_LINE_PID = /\[(\d{1,7})\]: /;

/**
 * The next version of an existing file, written at `now`: notes gain a line (sometimes under a
 * new day heading), todos get an item ticked or added, drafts grow or get a sentence reworded,
 * scripts get tweaked, cron schedules move, logs get lines appended and are rotated to `.1`
 * when they grow past their size, caches are rewritten. Pure: same inputs, same write.
 */
export function planEdit(existing: FileState, rng: () => number, now: Date, ctx: EditContext = DEFAULT_CTX): FileWrite {
  const at = new Date(Math.max(now.getTime(), existing.mtime.getTime() + 1000));
  const { path, body } = existing;
  switch (existing.contentClass) {
    case 'notes': {
      const heading = rng() < 0.25 && path.endsWith('.md') ? `\n## ${isoDay(at, ctx.timeZone)}\n` : '';
      const bullet = path.endsWith('.md') ? '- ' : path.includes('meeting-notes') ? '* ' : '';
      return grow(existing, `${heading}${bullet}${choose(NOTE_LINES, rng)}\n`, at, rng);
    }
    case 'todo': {
      const open = [...body.matchAll(/^- \[ \] /gm)];
      if (open.length > 0 && rng() < 0.6) {
        const hit = choose(open, rng);
        const i = hit.index ?? 0;
        return { path, body: `${body.slice(0, i)}- [x] ${body.slice(i + 6)}`, mtime: at, edit: 'tick' };
      }
      return grow(existing, `- [ ] ${choose(TODO_ITEMS, rng)}\n`, at, rng);
    }
    case 'draft':
      return rng() < 0.5 ? revise(existing, at, rng) : grow(existing, `\n${choose(DRAFT_SENTENCES, rng)}\n`, at, rng);
    case 'script':
      return tweakScript(existing, at, rng);
    case 'cron': {
      const moved = body.replace(/^\d{1,2} (\d{1,2}) \* \* \*/m, () => `${between(0, 59, rng)} ${between(1, 5, rng)} * * *`);
      return { path, body: moved, mtime: at, edit: 'revise' };
    }
    case 'daemon-log':
      return appendLog(existing, at, rng, ctx);
    case 'cache':
      return { path, body: rewriteCache(rng, at, ctx.timeZone), mtime: at, edit: 'rewrite' };
  }
}

function grow(existing: FileState, addition: string, at: Date, rng: () => number): FileWrite {
  const body = existing.body.endsWith('\n') || existing.body === '' ? existing.body : `${existing.body}\n`;
  if (byteLength(body) + byteLength(addition) > MAX_BODY_BYTES) return revise(existing, at, rng);
  return { path: existing.path, body: body + addition, mtime: at, edit: 'append' };
}

// rewords one line: the file keeps its size, so a long-lived file never passes the cap
function revise(existing: FileState, at: Date, rng: () => number): FileWrite {
  const lines = existing.body.split('\n');
  const editable = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim().length > 0 && !l.startsWith('#'));
  if (editable.length === 0)
    return { path: existing.path, body: `${existing.body}${choose(NOTE_LINES, rng)}\n`, mtime: at, edit: 'append' };
  const [line, i] = choose(editable, rng);
  const prefix = /^(\s*(?:[-*] (?:\[[ x]\] )?)?)/.exec(line)?.[1] ?? '';
  lines[i] = `${prefix}${choose([...NOTE_LINES, ...DRAFT_SENTENCES], rng)}`;
  return { path: existing.path, body: lines.join('\n'), mtime: at, edit: 'revise' };
}

function tweakScript(existing: FileState, at: Date, rng: () => number): FileWrite {
  const { path, body } = existing;
  if (/KEEP_DAYS=\d+/.test(body) && rng() < 0.5) {
    return { path, body: body.replace(/KEEP_DAYS=\d+/, `KEEP_DAYS=${between(5, 30, rng)}`), mtime: at, edit: 'revise' };
  }
  const comment = path.endsWith('.py') ? '# TODO: handle an empty export' : '# TODO: mail the summary instead of echoing it';
  if (body.includes(comment)) return { path, body: body.replace(`${comment}\n`, ''), mtime: at, edit: 'revise' };
  const lines = body.replace(/\n$/, '').split('\n');
  lines.splice(Math.max(1, lines.length - 1), 0, comment);
  return { path, body: `${lines.join('\n')}\n`, mtime: at, edit: 'revise' };
}

function appendLog(existing: FileState, at: Date, rng: () => number, ctx: EditContext): FileWrite {
  const author = { user: 'root', name: 'root' };
  const lastPid = Number(LOG_LINE_PID.exec(existing.body.slice(existing.body.lastIndexOf('\n', existing.body.length - 2) + 1))?.[1] ?? 0);
  // a daemon restarts now and then: a new pid, as in a real log
  const pid = lastPid > 0 && rng() < 0.9 ? lastPid : between(1200, 48000, rng);
  const lines = logLines(existing.path, { ...ctx, author }, rng, at, between(1, 4, rng), pid).join('');
  // each log rotates at its own size (12–40 KiB), like logrotate's `size` with `rotate 1`
  const limit = 12 * 1024 + (hashSeed(existing.path) % (28 * 1024));
  if (byteLength(existing.body) + byteLength(lines) > limit) {
    return {
      path: existing.path,
      body: lines,
      mtime: at,
      edit: 'rotate',
      rotated: { path: `${existing.path}.1`, body: existing.body, mtime: existing.mtime },
    };
  }
  return { path: existing.path, body: existing.body + lines, mtime: at, edit: 'append' };
}

function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      // a surrogate pair is one 4-byte character
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}
