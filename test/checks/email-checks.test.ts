import { describe, expect, it } from 'vitest';
import { brokenThreadsCheck, threadProblem } from '../../src/checks/broken-threads.check.js';
import { dateZoneCheck } from '../../src/checks/date-zone.check.js';
import { emDashCheck } from '../../src/checks/em-dash.check.js';
import { emailsOutsideHoursCheck } from '../../src/checks/emails-outside-hours.check.js';
import { languageSwitchCheck } from '../../src/checks/language-switch.check.js';
import { mimeHeadersCheck, mimeProblem } from '../../src/checks/mime-headers.check.js';
import { rePrefixCheck } from '../../src/checks/re-prefix.check.js';
import { senderRecipientCheck } from '../../src/checks/sender-recipient.check.js';
import type { CorpusEmail } from '../../src/checks/corpus.js';
import { cleanCorpus, withEmails } from './corpus.builder.js';

const clean = cleanCorpus();
const ann = 'ann.keller@corp.example';
const firstFrom = (emails: CorpusEmail[], sender: string) => emails.find((e) => e.sender === sender)!;
const replies = (emails: CorpusEmail[]) => emails.filter((e) => e.inReplyTo);

describe('em-dash-rate', () => {
  it('passes when only the LLM-heavy persona uses em-dashes', () => {
    expect(clean.emails.some((e) => e.body?.includes('\u2014'))).toBe(true);
    expect(emDashCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails with the rate when a persona that types by hand uses one', () => {
    const tell = withEmails(clean, (es) => {
      firstFrom(es, ann).body = 'Sure \u2014 I will send it tomorrow.';
      return es;
    });
    const r = emDashCheck.run(tell);
    expect(r.pass).toBe(false);
    expect(r.figure).toBeGreaterThan(0);
    expect(r.detail).toContain(ann);
  });
});

describe('emails-outside-hours', () => {
  it('passes when emails follow each sender’s hours in the sender’s zone', () => {
    expect(emailsOutsideHoursCheck.run(clean).pass).toBe(true);
  });

  it('fails when everyone mails at 03:00 UTC', () => {
    const tell = withEmails(clean, (es) => es.map((e) => ({ ...e, ts: new Date(`${e.ts.toISOString().slice(0, 10)}T03:00:00Z`) })));
    const r = emailsOutsideHoursCheck.run(tell);
    expect(r).toMatchObject({ pass: false });
    expect(r.figure).toBeGreaterThan(0.9);
  });
});

describe('sender-is-recipient', () => {
  it('passes when sender and recipient always differ', () => {
    expect(senderRecipientCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on a persona mailing itself, whatever the case of the address', () => {
    const tell = withEmails(clean, (es) => {
      es[0]!.recipient = es[0]!.sender.toUpperCase();
      return es;
    });
    expect(senderRecipientCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });
});

describe('broken-threads', () => {
  it('passes on replies with a full References chain', () => {
    expect(brokenThreadsCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails when In-Reply-To names a message that does not exist', () => {
    const tell = withEmails(clean, (es) => {
      replies(es)[0]!.inReplyTo = '<missing@corp.example>';
      return es;
    });
    expect(brokenThreadsCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });

  it('fails when References holds only the parent of a deep thread (the original bug)', () => {
    const byId = new Map(clean.emails.map((e) => [e.messageId, e]));
    const deep = clean.emails.find((e) => e.inReplyTo && byId.get(e.inReplyTo)?.inReplyTo)!;
    const eml = deep.eml!.replace(/^References:.*(\r\n[ \t].*)*/m, `References: ${deep.inReplyTo}`);
    expect(threadProblem({ ...deep, eml }, byId)).toMatch(/References holds 1 of \d+ ancestors/);
    const tell = withEmails(clean, (es) => es.map((e) => (e.uuid === deep.uuid ? { ...e, eml } : e)));
    expect(brokenThreadsCheck.run(tell).pass).toBe(false);
  });

  it('fails when a reply is dated before its parent', () => {
    const tell = withEmails(clean, (es) => {
      const r = replies(es)[0]!;
      r.ts = new Date(es.find((e) => e.messageId === r.inReplyTo)!.ts.getTime() - 60_000);
      return es;
    });
    expect(brokenThreadsCheck.run(tell).detail).toContain('older than its parent');
  });
});

describe('re-re-subjects', () => {
  it('passes with one reply prefix per subject', () => {
    expect(rePrefixCheck.run(clean).pass).toBe(true);
  });

  it('fails on Re: Re: Re:', () => {
    const tell = withEmails(clean, (es) => {
      es[0]!.subject = 'Re: RE: re: budget';
      return es;
    });
    expect(rePrefixCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });
});

const ORIGINAL_EML = [
  'MIME-Version: 1.0',
  'Message-ID: <abc@corp.example>',
  'Date: Tue, 04 Mar 2025 10:14:07 -0000',
  'From: Ann <ann.keller@corp.example>',
  'To: Bob <bob.stone@corp.example>',
  'Subject: hi',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('Hello Bob, the report is attached.').toString('base64'),
  '',
].join('\r\n');

describe('mime-headers', () => {
  it('passes on what the EML builder writes', () => {
    expect(mimeHeadersCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on the original’s duplicate MIME-Version and base64 text body', () => {
    expect(mimeProblem(ORIGINAL_EML)).toBe('duplicate mime-version');
    expect(mimeProblem(ORIGINAL_EML.replace('MIME-Version: 1.0\r\n', ''))).toBe('base64 text body');
    const tell = withEmails(clean, (es) => {
      es[0]!.eml = ORIGINAL_EML;
      return es;
    });
    expect(mimeHeadersCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });
});

describe('date-zone', () => {
  it('passes when each Date carries the sender’s own offset', () => {
    expect(dateZoneCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on -0000 and on a Berlin persona writing in +0000', () => {
    const tell = withEmails(clean, (es) => {
      const a = firstFrom(es, ann);
      a.eml = a.eml!.replace(/^Date: (.*) [+-]\d{4}$/m, 'Date: $1 -0000');
      const b = es.filter((e) => e.sender === ann)[1]!;
      b.eml = b.eml!.replace(/^Date: (.*) [+-]\d{4}$/m, 'Date: $1 +0000');
      return es;
    });
    const r = dateZoneCheck.run(tell);
    expect(r).toMatchObject({ pass: false, figure: 2 });
    expect(r.detail).toContain('Europe/Berlin');
  });
});

describe('language-switch', () => {
  it('passes when every persona keeps to one language', () => {
    expect(languageSwitchCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails when a stored language changes inside one persona', () => {
    const tell = withEmails(clean, (es) => {
      firstFrom(es, ann).language = 'de';
      return es;
    });
    expect(languageSwitchCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });

  it('fails when an English persona’s body reads as German', () => {
    const tell = withEmails(clean, (es) => {
      firstFrom(es, ann).body =
        'Hallo Bob, danke für die Nachricht. Ich habe die Zahlen angesehen und wir können das nicht vor Freitag machen, bitte schick mir die Liste. Viele Grüße und bis bald, die Besprechung ist für uns wichtig.';
      return es;
    });
    const r = languageSwitchCheck.run(tell);
    expect(r.pass).toBe(false);
    expect(r.detail).toContain('en/de');
  });

  it('fails when a Finnish persona writes English, a language outside the old nine-language list', () => {
    const tell = withEmails(clean, (es) => {
      const e = firstFrom(es, ann);
      e.language = 'fi';
      e.body =
        'Hi Bob, thanks for the numbers. I went through them this morning and we cannot do it before Friday, please send me the list. Best regards, the meeting matters to us.';
      return es.map((x) => (x.sender === ann ? { ...x, language: 'fi' } : x));
    });
    const r = languageSwitchCheck.run(tell);
    expect(r.pass).toBe(false);
    expect(r.detail).toContain('fi/en');
  });

  it('names the bodies it could not judge instead of passing them silently', () => {
    const tell = withEmails(clean, (es) => es.map((x) => (x.sender === ann ? { ...x, language: 'ga' } : x)));
    const r = languageSwitchCheck.run(tell);
    expect(r.detail).toMatch(/bodies not judged \(no model for the language\): \d+ in ga/);
  });
});
