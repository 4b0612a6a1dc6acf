import type { Persona } from '../../infra/personas/persona.schema.js';
import type { RunningDecky } from '../../infra/store/inventory.port.js';
import { mailActorId } from '../mail/mail.events.js';
import { personaActorId } from '../persona/persona.events.js';
import { seededRng } from '../policy/rng.js';
import type { EmailgenContext, EmailgenEffect, EmailgenPlan, MailScope, ScopeSnapshot } from './emailgen.types.js';

/** A log effect. */
export function log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): EmailgenEffect {
  return { do: 'log', params: { level, msg, ...(fields ? { fields } : {}) } };
}

/**
 * Reconciles actors with a new scope (SPEC §6.2, §6.3): a mail decky actor per mail decky and a
 * persona actor per persona in its scope; gone ones are stopped, changed ones told.
 */
export function planScope(ctx: EmailgenContext, snapshot: ScopeSnapshot): EmailgenPlan {
  const rng = seededRng(ctx.rngState);
  const next: Record<string, MailScope> = {};
  for (const s of snapshot.mailDeckies) next[s.decky.uuid] = s;
  const mailStatus = { ...ctx.mailStatus };
  const personaStatus = { ...ctx.personaStatus };
  const personaDecky = { ...ctx.personaDecky };
  const effects: EmailgenEffect[] = [];
  const stopPersona = (id: string) => {
    effects.push({ do: 'stop', id });
    delete personaStatus[id];
    delete personaDecky[id];
  };

  const gone = Object.keys(ctx.scope).filter((uuid) => !(uuid in next));
  for (const uuid of gone) {
    for (const id of personasOn(personaDecky, uuid)) stopPersona(id);
    if (uuid in mailStatus) effects.push({ do: 'stop', id: mailActorId(uuid) });
    delete mailStatus[uuid];
  }
  for (const s of Object.values(next)) {
    const uuid = s.decky.uuid;
    const before = ctx.scope[uuid];
    if (!(uuid in mailStatus)) {
      effects.push({ do: 'spawnMail', decky: s.decky });
      mailStatus[uuid] = 'idle';
    } else if (before && changed(before.decky, s.decky)) {
      effects.push({ do: 'send', id: mailActorId(uuid), event: { type: 'MAIL.UPDATE', decky: s.decky } });
    }
    const wanted = new Map(s.personas.map((p) => [personaActorId(uuid, p.email), p]));
    const personasChanged = JSON.stringify(before?.personas ?? []) !== JSON.stringify(s.personas);
    for (const id of personasOn(personaDecky, uuid)) {
      const persona = wanted.get(id);
      if (!persona) stopPersona(id);
      else if (personasChanged) effects.push({ do: 'send', id, event: { type: 'PERSONA.UPDATE', at: snapshot.at, persona, peers: s.personas } });
    }
    for (const [id, persona] of wanted) {
      if (id in personaStatus) continue;
      effects.push({ do: 'spawnPersona', input: personaInput(ctx, s, persona, snapshot.at, rng) });
      personaStatus[id] = 'waiting';
      personaDecky[id] = uuid;
    }
  }
  const added = Object.keys(next).filter((uuid) => !(uuid in ctx.scope));
  if (added.length > 0 || gone.length > 0) {
    effects.push(log('info', 'mail deckies changed', { mailDeckies: Object.keys(next).length, added, removed: gone }));
  }
  return { patch: { scope: next, mailStatus, personaStatus, personaDecky, rngState: rng.state(), now: snapshot.at }, effects };
}

/** Actor ids of the live personas writing on mail decky `uuid`. */
export function personasOn(personaDecky: Record<string, string>, uuid: string): string[] {
  return Object.keys(personaDecky).filter((id) => personaDecky[id] === uuid);
}

function personaInput(ctx: EmailgenContext, s: MailScope, persona: Persona, at: string, rng: () => number) {
  return {
    mailDecky: { uuid: s.decky.uuid, name: s.decky.name },
    persona,
    peers: s.personas,
    at,
    seed: Math.floor(rng() * 2 ** 32),
    ...ctx.personaTuning,
  };
}

function changed(a: RunningDecky, b: RunningDecky): boolean {
  return a.ip !== b.ip || a.name !== b.name || JSON.stringify(a.services) !== JSON.stringify(b.services);
}
