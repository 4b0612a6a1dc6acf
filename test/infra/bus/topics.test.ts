import { describe, expect, it } from 'vitest';
import {
  controlTopic,
  emailTopic,
  fileTopic,
  healthTopic,
  isValidSegment,
  patternProblem,
  topicMatches,
  topicProblem,
  trafficTopic,
} from '../../../src/infra/bus/topics.js';

describe('topics', () => {
  it('builds the SPEC §5 topics, whose second token is the DB kind', () => {
    expect(trafficTopic('local:web01')).toBe('orchestrator.traffic.local:web01');
    expect(fileTopic('3f6c')).toBe('orchestrator.file.3f6c');
    expect(emailTopic('local:mail01')).toBe('orchestrator.email.local:mail01');
    expect(healthTopic('orchestrator')).toBe('system.orchestrator.health');
    expect(controlTopic('emailgen')).toBe('system.emailgen.control');
    for (const t of [trafficTopic('a'), fileTopic('a'), emailTopic('a'), healthTopic('x'), controlTopic('x')]) {
      expect(topicProblem(t)).toBeNull();
    }
  });

  it.each(['', 'a.b', 'a*', '>', 'a b', 'tab\there', 'new\nline', ' lead'])('refuses the segment %j', (seg) => {
    expect(isValidSegment(seg)).toBe(false);
  });

  it('refuses topics whose destination would smuggle extra tokens or wildcards', () => {
    expect(topicProblem(trafficTopic('a.b'))).toMatch(/3 segments/);
    expect(topicProblem(fileTopic('*'))).toMatch(/invalid segment 2/);
    expect(topicProblem(fileTopic(''))).toMatch(/invalid segment 2/);
    expect(topicProblem(healthTopic('orch estrator'))).toMatch(/invalid segment 1/);
    expect(topicProblem('')).toBe('empty topic');
  });

  it('matches `*` to exactly one token and `>` to one or more trailing tokens', () => {
    expect(topicMatches('orchestrator.*.x', 'orchestrator.file.x')).toBe(true);
    expect(topicMatches('orchestrator.*', 'orchestrator.file.x')).toBe(false);
    expect(topicMatches('orchestrator.>', 'orchestrator.file.x')).toBe(true);
    expect(topicMatches('orchestrator.>', 'orchestrator')).toBe(false);
    expect(topicMatches('>', 'system.orchestrator.health')).toBe(true);
    expect(topicMatches('system.orchestrator.health', 'system.orchestrator.health')).toBe(true);
    expect(topicMatches('system.orchestrator.health', 'system.emailgen.health')).toBe(false);
  });

  it('accepts `>` only as the last token of a pattern', () => {
    expect(patternProblem('a.>')).toBeNull();
    expect(patternProblem('*.*.health')).toBeNull();
    expect(patternProblem('a.>.b')).toMatch(/invalid segment 1/);
    expect(patternProblem('a..b')).toMatch(/invalid segment 1/);
  });
});
