import { describe, expect, it } from 'vitest';
import { groupOf, groupOfActor } from '../../../src/machines/emailgen/emailgen.group.js';
import {
  isQuiet,
  planChildError,
  planDrainStart,
  planMailStatus,
  planPersonaStatus,
  planRefreshed,
  planTick,
} from '../../../src/machines/emailgen/emailgen.plan.js';
import { planScope } from '../../../src/machines/emailgen/emailgen.scope.js';
import type { EmailgenContext, EmailgenEffect, MailScope } from '../../../src/machines/emailgen/emailgen.types.js';
import { emailgenMachine } from '../../../src/machines/emailgen/emailgen.machine.js';
import { createActor } from 'xstate';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';

const AT = '2026-03-03T10:00:00.000Z';
const A = persona({ email: 'alice@acme.example' });
const B = persona({ email: 'bob@acme.example' });
const NIGHT_OWL = persona({ email: 'owl@acme.example', active_hours: '22:00-02:00' });
const MAIL = mailDecky('mail01');
const pid = (p: { email: string }, uuid = MAIL.uuid) => `persona:${uuid}:${p.email}`;

function ctx(over: Partial<EmailgenContext> = {}): EmailgenContext {
  const snapshot = createActor(emailgenMachine, { input: { intervalMs: 300_000, seed: 1 } }).getSnapshot();
  return { ...snapshot.context, now: AT, ...over };
}

function scoped(scopes: MailScope[], over: Partial<EmailgenContext> = {}): EmailgenContext {
  const base = ctx(over);
  return { ...base, ...planScope(base, { mailDeckies: scopes, running: scopes.length, at: AT }).patch };
}

const sends = (effects: EmailgenEffect[]) => effects.filter((e) => e.do === 'send');

describe('emailgen planner', () => {
  describe('planScope', () => {
    it('spawns one mail decky actor and one persona actor per persona in its scope', () => {
      const plan = planScope(ctx(), { mailDeckies: [{ decky: MAIL, personas: [A, B] }], running: 3, at: AT });
      expect(plan.effects.filter((e) => e.do === 'spawnMail')).toEqual([{ do: 'spawnMail', decky: MAIL }]);
      const spawned = plan.effects.flatMap((e) => (e.do === 'spawnPersona' ? [e.input] : []));
      expect(spawned.map((i) => i.persona.email)).toEqual([A.email, B.email]);
      expect(spawned[0]).toMatchObject({ mailDecky: { uuid: MAIL.uuid, name: 'mail01' }, peers: [A, B], at: AT });
      expect(spawned[0]!.seed).not.toBe(spawned[1]!.seed);
      expect(plan.patch.personaStatus).toEqual({ [pid(A)]: 'waiting', [pid(B)]: 'waiting' });
    });

    it('stops the actors of a mail decky that is gone, and a persona that left the scope', () => {
      const c = scoped([
        { decky: MAIL, personas: [A, B] },
        { decky: mailDecky('mail02'), personas: [A, B] },
      ]);
      const plan = planScope(c, { mailDeckies: [{ decky: MAIL, personas: [A] }], running: 1, at: AT });
      const stopped = plan.effects.flatMap((e) => (e.do === 'stop' ? [e.id] : []));
      expect(stopped.sort()).toEqual([pid(A, 'local:mail02'), pid(B, 'local:mail02'), 'mail:local:mail02', pid(B)].sort());
      expect(Object.keys(plan.patch.personaStatus ?? {})).toEqual([pid(A)]);
    });

    it('tells existing personas when their definitions or peers change, without respawning them', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const changed = { ...A, tone: 'casual' as const };
      const plan = planScope(c, { mailDeckies: [{ decky: MAIL, personas: [changed, B] }], running: 1, at: AT });
      expect(plan.effects.some((e) => e.do === 'spawnPersona' || e.do === 'stop')).toBe(false);
      expect(sends(plan.effects).map((e) => e.do === 'send' && e.event)).toContainEqual({
        type: 'PERSONA.UPDATE',
        at: AT,
        persona: changed,
        peers: [changed, B],
      });
    });

    it('does nothing when the scope did not change', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      expect(planScope(c, { mailDeckies: [{ decky: MAIL, personas: [A, B] }], running: 1, at: AT }).effects).toEqual([]);
    });
  });

  describe('planTick', () => {
    it('asks one idle active persona to write to another active persona', () => {
      const plan = planTick(scoped([{ decky: MAIL, personas: [A, B] }]));
      const s = sends(plan.effects);
      expect(s).toHaveLength(1);
      const send = s[0] as Extract<EmailgenEffect, { do: 'send' }>;
      expect(send.event).toMatchObject({ type: 'PERSONA.COMPOSE', at: AT });
      const recipient = (send.event as { recipient: { email: string } }).recipient.email;
      expect(send.id).not.toBe(pid({ email: recipient }));
      expect(plan.patch.personaStatus?.[send.id]).toBe('composing');
      expect(plan.patch.asked).toBe(1);
    });

    it('never picks sender = recipient, whatever the seed', () => {
      for (let seed = 0; seed < 200; seed++) {
        const plan = planTick(scoped([{ decky: MAIL, personas: [A, B, persona({ email: 'carol@acme.example' })] }], { rngState: seed }));
        const send = sends(plan.effects)[0] as Extract<EmailgenEffect, { do: 'send' }>;
        const recipient = (send.event as { recipient: { email: string } }).recipient.email;
        expect(send.id).not.toBe(pid({ email: recipient }));
      }
    });

    it('asks nobody with fewer than two personas in scope, and says so at debug', () => {
      const plan = planTick(scoped([{ decky: MAIL, personas: [A] }]));
      expect(sends(plan.effects)).toEqual([]);
      expect(plan.effects).toContainEqual({
        do: 'log',
        params: expect.objectContaining({ level: 'debug', fields: expect.objectContaining({ personas: 1, withTwoPersonas: 0 }) }),
      });
    });

    it('asks nobody when only one persona is inside its active hours (10:00 UTC; the owl writes at night)', () => {
      const plan = planTick(scoped([{ decky: MAIL, personas: [A, NIGHT_OWL] }]));
      expect(sends(plan.effects)).toEqual([]);
      expect(plan.effects).toContainEqual({
        do: 'log',
        params: expect.objectContaining({ fields: expect.objectContaining({ active: 1, withTwoActive: 0 }) }),
      });
    });

    it('does not ask a persona that is already writing, nor through a mail decky that backs off', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const busy = planTick({ ...c, personaStatus: { [pid(A)]: 'composing', [pid(B)]: 'handingOff' } });
      expect(sends(busy.effects)).toEqual([]);
      const backingOff = planTick({ ...c, mailStatus: { [MAIL.uuid]: 'backingOff' } });
      expect(sends(backingOff.effects)).toEqual([]);
    });

    it('draws a jittered next delay: never a fixed cadence', () => {
      let c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const delays = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const plan = planTick(c);
        delays.add(plan.patch.nextTickMs!);
        c = { ...c, ...plan.patch, personaStatus: c.personaStatus };
      }
      expect(delays.size).toBeGreaterThan(15);
      for (const d of delays) expect(d).toBeGreaterThanOrEqual(0.02 * 300_000);
    });

    it('counts a tick whose scope read failed, without asking anyone', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const plan = planRefreshed(c, null, new Error('database is locked'));
      expect(plan.patch.ticks).toBe(1);
      expect(sends(plan.effects)).toEqual([]);
    });
  });

  describe('at scale', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => mailDecky(`mail${i}`));

    it('updates the status maps in place on every report, instead of copying them', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const map = c.personaStatus;
      const plan = planPersonaStatus(c, { type: 'PERSONA.STATUS', id: pid(A), mailDeckyUuid: MAIL.uuid, status: 'composing' });
      expect(plan.patch.personaStatus).toBe(map);
      expect(map[pid(A)]).toBe('composing');
      const mail = planMailStatus(c, { type: 'MAIL.STATUS', uuid: MAIL.uuid, status: 'busy', queued: 1 });
      expect(mail.patch.mailStatus).toBe(c.mailStatus);
      expect(c.mailStatus[MAIL.uuid]).toBe('busy');
    });

    it('does not reconcile a reused scope read, but still ticks on it with its fresh time', () => {
      const scopes = many(3).map((decky) => ({ decky, personas: [A, B] }));
      const c = scoped(scopes);
      const later = '2026-03-03T10:05:00.000Z';
      const plan = planRefreshed(c, { mailDeckies: scopes, running: 3, at: later, reused: true });
      expect(plan.patch.scope).toBeUndefined();
      expect(plan.patch.now).toBe(later);
      expect(sends(plan.effects)).toHaveLength(1);
    });

    it('reconciles a reused read after a child was forgotten, so the crashed one is respawned', () => {
      const scopes = [{ decky: MAIL, personas: [A, B] }];
      const c = scoped(scopes);
      const crashed = { ...c, ...planChildError(c, pid(A), new Error('boom')).patch };
      expect(crashed.reconcileDue).toBe(true);
      const plan = planRefreshed(crashed, { mailDeckies: scopes, running: 1, at: AT, reused: true });
      expect(plan.effects.filter((e) => e.do === 'spawnPersona').map((e) => e.do === 'spawnPersona' && e.input.persona.email)).toEqual([
        A.email,
      ]);
      expect(plan.patch.reconcileDue).toBe(false);
    });

    it('walks no persona of a mail decky whose scope did not change', () => {
      const scopes = many(50).map((decky) => ({ decky, personas: [A, B] }));
      const c = scoped(scopes);
      // a fresh read with new but equal persona objects: nothing to spawn, stop or tell
      const copy = scopes.map((s) => ({ decky: { ...s.decky }, personas: s.personas.map((p) => ({ ...p })) }));
      expect(planScope(c, { mailDeckies: copy, running: 50, at: AT }).effects).toEqual([]);
    });

    it('picks uniformly among the mail deckies that have an idle active persona, skipping busy ones', () => {
      const scopes = many(4).map((decky) => ({ decky, personas: [A, B] }));
      const base = scoped(scopes);
      const busy = scopes[0]!.decky.uuid;
      const picked = new Map<string, number>();
      for (let seed = 0; seed < 800; seed++) {
        const status = { ...base.personaStatus, [pid(A, busy)]: 'composing' as const, [pid(B, busy)]: 'handingOff' as const };
        const send = sends(planTick({ ...base, personaStatus: status, rngState: seed }).effects)[0] as Extract<
          EmailgenEffect,
          { do: 'send' }
        >;
        const uuid = send.id.split(':').slice(1, 3).join(':');
        picked.set(uuid, (picked.get(uuid) ?? 0) + 1);
      }
      expect(picked.has(busy)).toBe(false);
      expect(picked.size).toBe(3);
      for (const n of picked.values()) expect(n).toBeGreaterThan(800 / 3 - 80);
    });

    it('forgets every actor of a group that failed, and stops the group', () => {
      const scopes = many(20).map((decky) => ({ decky, personas: [A, B] }));
      const c = scoped(scopes);
      const group = groupOf(scopes[0]!.decky.uuid);
      const plan = planChildError(c, group, new Error('group exploded'));
      const after = { ...c, ...plan.patch };
      expect(plan.effects).toContainEqual({ do: 'stopGroup', id: group });
      expect(Object.keys(after.personaStatus).some((id) => groupOfActor(id) === group)).toBe(false);
      expect(Object.keys(after.mailStatus).some((uuid) => groupOf(uuid) === group)).toBe(false);
      expect(Object.keys(after.personaStatus).length).toBeGreaterThan(0);
      expect(after.reconcileDue).toBe(true);
    });
  });

  describe('drain', () => {
    it('stops idle personas at once, and the busy ones once they report idle', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }], {});
      const busy = { ...c, personaStatus: { [pid(A)]: 'composing' as const, [pid(B)]: 'waiting' as const } };
      const drain = planDrainStart(busy, 'signal');
      expect(drain.effects.filter((e) => e.do === 'stop')).toEqual([{ do: 'stop', id: pid(B) }]);
      const draining = { ...busy, ...drain.patch };
      expect(isQuiet(draining)).toBe(false);
      const settled = planPersonaStatus(draining, { type: 'PERSONA.STATUS', id: pid(A), mailDeckyUuid: MAIL.uuid, status: 'waiting' });
      expect(settled.effects).toContainEqual({ do: 'stop', id: pid(A) });
      expect(isQuiet({ ...draining, ...settled.patch })).toBe(true);
    });

    it('is not quiet while a mail decky still has work', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      expect(isQuiet({ ...c, mailStatus: { [MAIL.uuid]: 'busy' } })).toBe(false);
      expect(isQuiet({ ...c, mailStatus: { [MAIL.uuid]: 'backingOff' } })).toBe(true);
    });
  });

  describe('planChildError', () => {
    it('forgets a crashed persona so the next scope read spawns it again', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const plan = planChildError(c, pid(A), new Error('boom'));
      const after = { ...c, ...plan.patch };
      expect(after.personaStatus[pid(A)]).toBeUndefined();
      const again = planScope(after, { mailDeckies: [{ decky: MAIL, personas: [A, B] }], running: 1, at: AT });
      expect(again.effects.filter((e) => e.do === 'spawnPersona')).toHaveLength(1);
      expect(plan.effects).toContainEqual({ do: 'log', params: expect.objectContaining({ level: 'error' }) });
    });

    it('forgets a crashed mail decky actor the same way', () => {
      const c = scoped([{ decky: MAIL, personas: [A, B] }]);
      const after = { ...c, ...planChildError(c, 'mail:local:mail01', new Error('boom')).patch };
      expect(after.mailStatus).toEqual({});
      expect(planScope(after, { mailDeckies: [{ decky: MAIL, personas: [A, B] }], running: 1, at: AT }).effects).toContainEqual({
        do: 'spawnMail',
        decky: MAIL,
      });
    });
  });
});
