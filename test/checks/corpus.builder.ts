import { buildEml, newMessageId } from '../../src/infra/mail/eml.js';
import { withTraceHeaders } from '../../src/infra/mail/trace-headers.js';
import type { CorpusEmail, CorpusPersona, RealismCorpus } from '../../src/checks/corpus.js';
import { seededRng } from '../../src/domain/rng.js';
import { planHistory } from '../../src/machines/realism/history.js';
import { sampleEventTimes } from '../../src/machines/realism/next-event.js';
import { PERSON_CLASSES, SYSTEM_CLASS_WEIGHTS } from '../../src/machines/realism/plan-file.js';
import { DRAFT_SENTENCES } from '../../src/machines/realism/phrases.js';
import { profileForPersona, profileForSystem } from '../../src/machines/realism/timing-profile.js';
import { SYSTEM_AUTHOR, authorForPersona } from '../../src/machines/realism/user-name.js';

/** Three personas: two ordinary office workers in two zones, one who writes with an LLM in Spanish. */
export const PERSONAS: CorpusPersona[] = [
  { email: 'ann.keller@corp.example', timeZone: 'Europe/Berlin', activeHours: '09:00-18:00', usesLlmsHeavily: false, language: 'en' },
  { email: 'bob.stone@corp.example', timeZone: 'America/New_York', activeHours: '08:00-17:00', usesLlmsHeavily: false, language: 'en' },
  { email: 'carla.ruiz@corp.example', timeZone: 'Europe/Madrid', activeHours: '09:00-19:00', usesLlmsHeavily: true, language: 'es' },
];
const NAMES: Record<string, string> = {
  'ann.keller@corp.example': 'Ann Keller',
  'bob.stone@corp.example': 'Bob Stone',
  'carla.ruiz@corp.example': 'Carla Ruiz',
};
const SPANISH = [
  'Hola equipo — os paso el resumen de la reunión de ayer.',
  'Gracias por la ayuda con el presupuesto, ya está todo listo para la revisión.',
  'Por favor, revisad los puntos que quedan pendientes y decidme si hay algo que no está claro.',
  'Saludos y hasta el lunes.',
];

export const FROM = new Date('2025-02-03T00:00:00Z');
export const TO = new Date('2025-02-24T00:00:00Z');
export const SPOOL = '/var/spool/mail-archive';
/** The mail decky whose spool holds the corpus' messages (its host name). */
export const MAIL_HOST = 'mail01';

function persona(email: string) {
  const p = PERSONAS.find((x) => x.email === email)!;
  return { email, name: NAMES[email]!, active_hours: p.activeHours, timezone: p.timeZone };
}

interface Send {
  at: Date;
  sender: CorpusPersona;
  recipient: CorpusPersona;
}

function sendsOf(sender: CorpusPersona, recipient: CorpusPersona, rng: () => number): Send[] {
  const profile = profileForPersona(persona(sender.email), { eventsPerDay: 5, seed: 11, fallbackZone: 'UTC' });
  return sampleEventTimes(profile, FROM, TO, rng).map((ts) => ({
    at: new Date(Math.floor(ts.getTime() / 1000) * 1000),
    sender,
    recipient,
  }));
}

function buildEmails(sends: Send[], rng: () => number): CorpusEmail[] {
  const out: CorpusEmail[] = [];
  for (const [i, { at, sender, recipient }] of sends.sort((a, b) => a.at.getTime() - b.at.getTime()).entries()) {
    const pair = out.filter((e) => [e.sender, e.recipient].includes(sender.email) && [e.sender, e.recipient].includes(recipient.email));
    const parent = rng() < 0.6 ? pair.at(-1) : undefined;
    const refs: string[] = [];
    for (let p = parent; p; p = p.inReplyTo ? out.find((e) => e.messageId === p!.inReplyTo) : undefined) refs.unshift(p.messageId);
    const first = NAMES[sender.email]!.split(' ')[0];
    const body =
      sender.language === 'es'
        ? `${SPANISH.join('\n\n')}\n\nPunto ${i} de mi lista.\n${first}\n`
        : `Hi,\n\n${DRAFT_SENTENCES[i % DRAFT_SENTENCES.length]} ${DRAFT_SENTENCES[(i * 7 + 3) % DRAFT_SENTENCES.length]}\nThis is point ${i} on my list.\n\nThanks, ${first}\n`;
    const messageId = newMessageId(sender.email, (n) => Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)));
    const threadId = parent?.threadId ?? `thread-${i}`;
    const subject = parent ? `Re: ${parent.subject.replace(/^Re: /, '')}` : `Update ${i}`;
    const eml = buildEml({
      from: { name: NAMES[sender.email]!, email: sender.email },
      to: { name: NAMES[recipient.email]!, email: recipient.email },
      subject,
      body,
      date: at,
      timezone: sender.timeZone,
      messageId,
      inReplyTo: parent?.messageId ?? null,
      references: refs,
      language: sender.language,
    });
    out.push({
      uuid: `u-${i}`,
      ts: at,
      mailDeckyUuid: 'local:mail01',
      threadId,
      messageId,
      inReplyTo: parent?.messageId ?? null,
      sender: sender.email,
      recipient: recipient.email,
      subject,
      language: sender.language,
      emlPath: `${SPOOL}/${threadId}/${messageId.slice(1, -1).replace('@', '_at_')}.eml`,
      success: true,
      body,
      // the stored copy, as delivery writes it: the trace of the receiving server on top
      eml: withTraceHeaders(eml.bytes, {
        messageId,
        from: sender.email,
        to: recipient.email,
        sentAt: at,
        mailHost: MAIL_HOST,
        senderZone: sender.timeZone,
      }).toString('ascii'),
      spoolMtime: at,
      mailHost: MAIL_HOST,
    });
  }
  return out;
}

/** A corpus with none of the tells: timing-model activity, real EMLs, planned files, inspected deckies. */
export function cleanCorpus(): RealismCorpus {
  const rng = seededRng(2025);
  const [ann, bob, carla] = PERSONAS as [CorpusPersona, CorpusPersona, CorpusPersona];
  const emails = buildEmails([...sendsOf(ann, bob, rng), ...sendsOf(bob, ann, rng), ...sendsOf(carla, ann, rng)], rng);
  const files = ['web01', 'web02'].flatMap((host) => {
    const history = planHistory(
      {
        host,
        desks: [
          {
            author: authorForPersona(persona(ann.email)),
            classes: PERSON_CLASSES,
            maxFiles: 6,
            profile: profileForPersona(persona(ann.email), { eventsPerDay: 3, seed: 5, fallbackZone: 'UTC' }),
          },
          {
            author: SYSTEM_AUTHOR,
            classes: SYSTEM_CLASS_WEIGHTS,
            maxFiles: 4,
            profile: profileForSystem(`local:${host}`, { eventsPerDay: 6, seed: 5, timeZone: 'Europe/Berlin' }),
          },
        ],
        from: FROM,
        to: TO,
      },
      rng,
    );
    return history.files.map((f) => ({
      deckyUuid: `local:${host}`,
      path: f.path,
      author: f.author,
      contentClass: f.contentClass,
      createdAt: f.createdAt,
      lastModified: f.mtime,
      body: f.body,
      source: 'store' as const,
      statMtime: f.mtime,
    }));
  });
  const events = ['web01', 'web02'].flatMap((host) =>
    sampleEventTimes(profileForSystem(`local:${host}`, { eventsPerDay: 20, seed: 9, timeZone: 'Europe/Berlin' }), FROM, TO, rng).map(
      (ts) => ({
        kind: 'file',
        ts,
        dst: `local:${host}`,
        src: null,
        success: true,
        backfilled: true,
      }),
    ),
  );
  return { personas: new Map(PERSONAS.map((p) => [p.email, p])), emails, files, events, spoolRoot: SPOOL, inspected: true };
}

/** The clean corpus with some emails replaced. */
export function withEmails(corpus: RealismCorpus, edit: (emails: CorpusEmail[]) => CorpusEmail[]): RealismCorpus {
  return { ...corpus, emails: edit(corpus.emails.map((e) => ({ ...e }))) };
}
