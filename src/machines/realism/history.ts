import type { FileState } from './content-class.js';
import { sampleEventTimes } from './next-event.js';
import { type Desk, type PlannedWrite, applyWrite, planNextWrite } from './plan-file.js';
import type { TimingProfile } from './timing-profile.js';

/** One writer of a decky's past and the clock they keep. */
export interface HistoryDesk extends Desk {
  profile: TimingProfile;
}

/** What `planHistory` needs: the decky, its writers and the window of the past to fill. */
interface HistoryInput {
  host: string;
  desks: readonly HistoryDesk[];
  from: Date;
  to: Date;
  /** files already recorded for the decky: the history continues them */
  existing?: readonly FileState[];
}

/** A decky's planned past: every write in time order and the files as they end up. */
export interface History {
  writes: PlannedWrite[];
  files: FileState[];
}

/**
 * Simulates weeks of a decky's past: each desk's events come from its timing profile (working
 * hours, weekends, leave, bursts), each event creates or edits one of that author's files.
 * Only the final state of each file needs writing to the decky; every write is recorded.
 */
export function planHistory(input: HistoryInput, rng: () => number): History {
  const states = new Map<string, FileState>((input.existing ?? []).map((f) => [f.path, f]));
  const timeline = input.desks
    .flatMap((desk, i) => sampleEventTimes(desk.profile, input.from, input.to, rng).map((at) => ({ at, i })))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const writes: PlannedWrite[] = [];
  for (const { at, i } of timeline) {
    const desk = input.desks[i]!;
    const key = desk.author.persona ?? desk.author.user;
    const mine = [...states.values()].filter((f) => f.author === key);
    const planned = planNextWrite(
      mine,
      desk,
      { host: input.host, timeZone: desk.profile.timeZone, taken: new Set(states.keys()) },
      rng,
      at,
    );
    if (!planned) continue;
    applyWrite(states, planned);
    writes.push(planned);
  }
  return { writes, files: [...states.values()] };
}
