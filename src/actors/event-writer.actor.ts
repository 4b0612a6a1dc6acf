import { randomUUID } from 'node:crypto';
import { fromCallback } from 'xstate';
import type { OrchestratorEvent } from '../domain/event.js';
import type { EventDraft } from '../domain/event.js';
import type { EventWriterCommand } from '../machines/supervisor/supervisor.events.js';
import type { EventWriter } from './event-writer.js';

/** Turns a draft into a row: a fresh uuid, and the action time (or now when it has none). */
function toOrchestratorEvent(draft: EventDraft, now: () => Date, newId: () => string = randomUUID): OrchestratorEvent {
  const ts = draft.ts ? new Date(draft.ts) : now();
  return {
    uuid: newId(),
    ts: Number.isNaN(ts.getTime()) ? now() : ts,
    kind: draft.kind,
    protocol: draft.protocol,
    action: draft.action,
    srcDeckyUuid: draft.srcDeckyUuid,
    dstDeckyUuid: draft.dstDeckyUuid,
    success: draft.success,
    payload: draft.payload,
  };
}

/** `eventWriter` for the supervisor: hands every `EVENT.RECORD` to the process's one writer. */
export function createEventWriterLogic(deps: { writer: EventWriter; now?: () => Date; newId?: () => string }) {
  const now = deps.now ?? (() => new Date());
  return fromCallback<EventWriterCommand>(({ receive }) => {
    receive((e) => {
      if (e.type === 'EVENT.RECORD') deps.writer.write(toOrchestratorEvent(e.draft, now, deps.newId));
    });
  });
}
