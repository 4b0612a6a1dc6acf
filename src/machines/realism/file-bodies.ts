import type { ContentClass, FileAuthor } from './content-class.js';
import { isoDay, isoLocal, syslogStamp } from './local-stamp.js';
import { DAEMON_MESSAGES, DRAFT_SENTENCES, NOTE_LINES, TODO_ITEMS, TOPICS } from './phrases.js';
import { between, choose, chooseSome, firstName } from './pick.js';

/** Where a body is written: the host name logs carry and the zone their stamps are in. */
export interface BodyContext {
  host: string;
  timeZone: string;
  author: FileAuthor;
}

/** The first body of a new file at `path`, written at `now`. */
export function initialBody(cls: ContentClass, path: string, ctx: BodyContext, rng: () => number, now: Date): string {
  switch (cls) {
    case 'notes':
      return notesBody(path, rng, now, ctx.timeZone);
    case 'todo':
      return chooseSome(TODO_ITEMS, between(3, 7, rng), rng)
        .map((item) => `- [${rng() < 0.3 ? 'x' : ' '}] ${item}`)
        .join('\n')
        .concat('\n');
    case 'draft':
      return draftBody(path, ctx.author, rng);
    case 'script':
      return path.endsWith('.py') ? pythonScript(path, ctx.author) : shellScript(path, ctx.author, rng);
    case 'cron':
      return cronBody(path, ctx.author, rng);
    case 'daemon-log':
      return logLines(path, ctx, rng, now, between(2, 6, rng), between(1200, 48000, rng)).join('');
    case 'cache':
      return cacheBody(rng, now, ctx.timeZone);
  }
}

function titleFor(path: string): string {
  const hit = TOPICS.find(([slug]) => path.includes(slug));
  return hit ? hit[1] : 'Notes';
}

function notesBody(path: string, rng: () => number, now: Date, tz: string): string {
  const lines = chooseSome(NOTE_LINES, between(3, 6, rng), rng);
  if (path.endsWith('.md')) return `# ${titleFor(path)}\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  if (path.includes('meeting-notes')) return `Meeting ${isoDay(now, tz)}\n\n${lines.map((l) => `* ${l}`).join('\n')}\n`;
  return `${lines.join('\n')}\n`;
}

function draftBody(path: string, author: FileAuthor, rng: () => number): string {
  const sentences = chooseSome(DRAFT_SENTENCES, between(3, 7, rng), rng);
  if (path.endsWith('.md')) return `# ${titleFor(path)} (draft)\n\n${sentences.join(' ')}\n`;
  return `Hi all,\n\n${sentences.join(' ')}\n\nBest,\n${firstName(author.name)}\n`;
}

function shellScript(path: string, author: FileAuthor, rng: () => number): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const keep = between(5, 30, rng);
  return [
    '#!/bin/bash',
    `# ${name}: quick helper, ${firstName(author.name)}`,
    'set -euo pipefail',
    '',
    `SRC="$HOME/reports"`,
    'DEST="/mnt/share/reports"',
    `KEEP_DAYS=${keep}`,
    '',
    'mkdir -p "$DEST"',
    'rsync -a --delete "$SRC/" "$DEST/"',
    'find "$DEST" -type f -mtime +"$KEEP_DAYS" -delete',
    'echo "done $(date -Is)"',
    '',
  ].join('\n');
}

function pythonScript(path: string, author: FileAuthor): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return [
    '#!/usr/bin/env python3',
    `"""${name}: pulls the latest CSV export and prints a summary. ${firstName(author.name)}"""`,
    'import csv',
    'import sys',
    '',
    '',
    'def main(path):',
    '    with open(path, newline="") as f:',
    '        rows = list(csv.DictReader(f))',
    '    print(f"{len(rows)} rows")',
    '',
    '',
    'if __name__ == "__main__":',
    '    main(sys.argv[1])',
    '',
  ].join('\n');
}

function cronBody(path: string, author: FileAuthor, rng: () => number): string {
  const job = path.slice(path.lastIndexOf('/') + 1);
  return [
    `# ${job}: added by ${author.user}`,
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '',
    `${between(0, 59, rng)} ${between(1, 5, rng)} * * * root /usr/local/bin/${job}.sh >/dev/null 2>&1`,
    '',
  ].join('\n');
}

/** `count` syslog-style lines ending exactly at `end`, a few seconds apart, from daemon pid `pid`. */
export function logLines(path: string, ctx: BodyContext, rng: () => number, end: Date, count: number, pid: number): string[] {
  const daemon = path.slice(path.lastIndexOf('/') + 1).replace(/\.log$/, '');
  const out: string[] = [];
  let t = end.getTime();
  for (let i = 0; i < count; i += 1) {
    out.unshift(`${syslogStamp(new Date(t), ctx.timeZone)} ${ctx.host} ${daemon}[${pid}]: ${choose(DAEMON_MESSAGES, rng)}\n`);
    t -= between(1, 90, rng) * 1000;
  }
  return out;
}

function cacheBody(rng: () => number, now: Date, tz: string): string {
  return `last_run=${isoLocal(now, tz)}\nstatus=${rng() < 0.9 ? 'ok' : 'partial'}\nduration_s=${between(2, 400, rng)}\n`;
}

/** A fresh cache body (caches are rewritten whole). */
export function rewriteCache(rng: () => number, now: Date, tz: string): string {
  return cacheBody(rng, now, tz);
}
