import type { ActionOutcome, CurrentAction, DeckyContext } from './decky.types.js';
import type { EventDraft } from '../../domain/event.js';
import { errText } from '../../domain/err-text.js';

const ACTIONS = { traffic: 'exec:tcp_connect:22', file: 'file:create' } as const;

/** The failed outcome recorded when a driver actor rejected instead of answering. */
export function rejectedOutcome(current: CurrentAction | null, error: unknown): ActionOutcome {
  const kind = current?.kind ?? 'file';
  const message = errText(error);
  return { kind, action: ACTIONS[kind], success: false, payload: { rc: null, error: message.slice(0, 256) } };
}

/** The event row for an outcome of this decky's current action. */
export function draftOf(context: DeckyContext, outcome: ActionOutcome): EventDraft {
  const current = context.current;
  const traffic = current?.kind === 'traffic';
  // one literal, `ts` set after: a spread of a conditional object is a slow path, once per action
  const draft: EventDraft = {
    kind: outcome.kind,
    protocol: 'ssh',
    action: outcome.action,
    srcDeckyUuid: traffic ? context.decky.uuid : null,
    dstDeckyUuid: traffic ? current.dst.uuid : context.decky.uuid,
    success: outcome.success,
    payload: outcome.payload,
  };
  if (outcome.at) draft.ts = outcome.at;
  return draft;
}

/** Delay of the n-th consecutive backoff (n ≥ 1): base × 2^(n-1), capped. */
export function backoffDelay(context: Pick<DeckyContext, 'backoffs' | 'backoffBaseMs' | 'backoffMaxMs'>): number {
  const n = Math.max(context.backoffs, 1);
  return Math.min(context.backoffBaseMs * 2 ** Math.min(n - 1, 30), context.backoffMaxMs);
}
