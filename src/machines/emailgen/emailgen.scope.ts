import type { Persona } from '../../domain/persona.js';
import type { RunningDecky } from '../../domain/decky.js';
import { mailActorId } from '../mail/mail.events.js';
import { personaActorId } from '../persona/persona.events.js';
import { seededRng } from '../../domain/rng.js';
import type { EmailgenContext, EmailgenEffect, EmailgenPlan, MailScope, ScopeSnapshot } from './emailgen.types.js';

/** A log effect. */
export function log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): EmailgenEffect {
  return { do: 'log', params: { level, msg, ...(fields ? { fields } : {}) } };
}

/**
 * Reconciles actors with a new scope (SPEC §6.2, §6.3): a mail decky actor per mail decky and a
 * persona actor per persona in its scope; gone ones are stopped, changed ones told. The status
 * maps are updated in place (see planPersonaStatus); a mail decky whose personas did not change
 * is not walked persona by persona unless a child was forgotten since the last read.
 */
export function planScope(ctx: EmailgenContext, snapshot: ScopeSnapshot): EmailgenPlan {
  const rng = seededRng(ctx.rngState);
  const next: Record<string, MailScope> = {};
  for (const s of snapshot.mailDeckies) next[s.decky.uuid] = s;
  const { mailStatus, personaStatus, personaDecky } = ctx;
  const effects: EmailgenEffect[] = [];
  const stopPersona = (id: string) => {
    effects.push({ do: 'stop', id });
    delete personaStatus[id];
    delete personaDecky[id];
  };
  // one pass over the personas, not one per mail decky, and only when some decky needs it
  let index: Map<string, string[]> | null = null;
  const personasOn = (uuid: string) => {
    index ??= personasByDecky(personaDecky);
    return index.get(uuid) ?? [];
  };

  const gone = Object.keys(ctx.scope).filter((uuid) => !(uuid in next));
  for (const uuid of gone) {
    for (const id of personasOn(uuid)) stopPersona(id);
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
    const personasChanged = !samePersonas(before?.personas ?? [], s.personas);
    // every persona of an unchanged scope has its actor, unless one was forgotten (reconcileDue)
    if (before && !personasChanged && !ctx.reconcileDue) continue;
    const wanted = new Map(s.personas.map((p) => [personaActorId(uuid, p.email), p]));
    for (const id of personasOn(uuid)) {
      const persona = wanted.get(id);
      if (!persona) stopPersona(id);
      else if (personasChanged)
        effects.push({ do: 'send', id, event: { type: 'PERSONA.UPDATE', at: snapshot.at, persona, peers: s.personas } });
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
  return {
    patch: { scope: next, mailStatus, personaStatus, personaDecky, reconcileDue: false, rngState: rng.state(), now: snapshot.at },
    effects,
  };
}

// the pool hands every fleet decky the same persona objects: compare by reference first
function samePersonas(a: readonly Persona[], b: readonly Persona[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((p, i) => p === b[i] || JSON.stringify(p) === JSON.stringify(b[i]));
}

/** Actor ids of the live personas, by the mail decky they write on. */
function personasByDecky(personaDecky: Record<string, string>): Map<string, string[]> {
  const byDecky = new Map<string, string[]>();
  for (const [id, uuid] of Object.entries(personaDecky)) {
    const ids = byDecky.get(uuid);
    if (ids) ids.push(id);
    else byDecky.set(uuid, [id]);
  }
  return byDecky;
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
