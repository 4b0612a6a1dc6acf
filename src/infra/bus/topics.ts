/** The worker names that publish heartbeats and obey control messages (SPEC §5). */
type WorkerName = 'orchestrator' | 'emailgen';

/** Why a topic or pattern was refused, or null when it is valid. */
type TopicProblem = string | null;

// a segment is one NATS token: non-empty, and none of `.`, `*`, `>` or any whitespace inside
const BAD_SEGMENT = /[.*>\s]/u;

/** True when `s` can be one topic token. */
export function isValidSegment(s: string): boolean {
  return typeof s === 'string' && s.length > 0 && s.length <= 256 && !BAD_SEGMENT.test(s);
}

/**
 * Checks a concrete topic: every token valid, and the known families have their exact shape, so
 * a destination carrying a `.` (`orchestrator.file.a.b`) is refused rather than misrouted.
 */
export function topicProblem(topic: string): TopicProblem {
  if (typeof topic !== 'string' || topic.length === 0) return 'empty topic';
  const tokens = topic.split('.');
  const bad = tokens.findIndex((t) => !isValidSegment(t));
  if (bad >= 0) return `invalid segment ${bad} in topic ${JSON.stringify(topic)}`;
  if ((tokens[0] === 'orchestrator' || tokens[0] === 'system') && tokens.length !== 3) {
    return `topic ${JSON.stringify(topic)} must have exactly 3 segments`;
  }
  return null;
}

/** Checks a subscription pattern: tokens valid or `*`, and `>` only as the last token. */
export function patternProblem(pattern: string): TopicProblem {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'empty pattern';
  const tokens = pattern.split('.');
  for (const [i, t] of tokens.entries()) {
    if (t === '*') continue;
    if (t === '>' && i === tokens.length - 1) continue;
    if (!isValidSegment(t)) return `invalid segment ${i} in pattern ${JSON.stringify(pattern)}`;
  }
  return null;
}

/** True when the concrete `topic` matches the NATS-style `pattern`. */
export function topicMatches(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  for (let i = 0; i < p.length; i += 1) {
    const tok = p[i];
    if (tok === '>') return t.length > i;
    if (i >= t.length) return false;
    if (tok !== '*' && tok !== t[i]) return false;
  }
  return p.length === t.length;
}

/** `orchestrator.traffic.<dst>`; an invalid dst yields a topic that publish refuses. */
export function trafficTopic(dst: string): string {
  return `orchestrator.traffic.${dst}`;
}

/** `orchestrator.file.<dst>`. */
export function fileTopic(dst: string): string {
  return `orchestrator.file.${dst}`;
}

/** `orchestrator.email.<mail_decky>`. */
export function emailTopic(mailDecky: string): string {
  return `orchestrator.email.${mailDecky}`;
}

/** `system.<worker>.health`, the heartbeat topic. */
export function healthTopic(worker: WorkerName | string): string {
  return `system.${worker}.health`;
}

/** `system.<worker>.control`, where `{action:"stop"}` stops the worker. */
export function controlTopic(worker: WorkerName | string): string {
  return `system.${worker}.control`;
}
