import { type LLMBackend, type LLMResult, LLMTimeout, failedResult } from '../base.js';

/** The email the fake writes when given nothing else. */
export const BUILT_IN_EMAIL = [
  'Subject: Budget review before Friday',
  '',
  'Hi,',
  '',
  'Could you send me the updated figures for the quarterly budget review by Thursday afternoon?',
  'I would like to go through them before the meeting on Friday.',
  '',
  'Thanks,',
  'Alex',
].join('\n');

/** How the fake behaves: answer, fail with a reason, or time out. */
export type FakeMode = 'ok' | 'fail' | 'timeout';

/** Settings of the fake backend. */
interface FakeLlmOptions {
  output?: string;
  mode?: FakeMode;
  model?: string;
  timeoutMs?: number;
  /** the reason reported in `fail` mode */
  failure?: string;
}

/** Canned output for tests and demos (SPEC §6.6); records every prompt it was given. */
export class FakeLlm implements LLMBackend {
  readonly name = 'fake';
  readonly model: string;
  readonly timeoutMs: number;
  readonly prompts: string[] = [];

  constructor(private readonly opts: FakeLlmOptions = {}) {
    this.model = opts.model ?? 'fake';
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** Answers with the canned email, a failed result, or throws LLMTimeout, per its mode. */
  async generate(prompt: string): Promise<LLMResult> {
    this.prompts.push(prompt);
    const mode = this.opts.mode ?? 'ok';
    if (mode === 'timeout') throw new LLMTimeout(this.model, this.timeoutMs);
    if (mode === 'fail') return failedResult(this.model, 0, this.opts.failure ?? 'simulated failure');
    return { success: true, text: this.opts.output ?? BUILT_IN_EMAIL, model: this.model, latencyMs: 0, extra: { fake: true } };
  }
}

/** One scripted answer: text, a failure, or a timeout. */
export type ScriptStep = { text: string } | { fail: string } | { timeout: true };

/** A fake that plays a script, records each prompt, and fails loudly when the script runs out. */
export class ScriptedLlm implements LLMBackend {
  readonly name = 'fake';
  readonly timeoutMs = 60_000;
  readonly prompts: string[] = [];
  private readonly steps: ScriptStep[];

  constructor(
    steps: readonly ScriptStep[],
    readonly model = 'scripted',
  ) {
    this.steps = [...steps];
  }

  /** Steps not yet played. */
  get remaining(): number {
    return this.steps.length;
  }

  /** Plays the next step; throws when none is left, naming the prompt that found it empty. */
  async generate(prompt: string): Promise<LLMResult> {
    this.prompts.push(prompt);
    const step = this.steps.shift();
    if (!step) {
      throw new Error(
        `ScriptedLlm: script exhausted after ${this.prompts.length - 1} call(s); unexpected prompt:\n${prompt.slice(0, 300)}`,
      );
    }
    if ('timeout' in step) throw new LLMTimeout(this.model, this.timeoutMs);
    if ('fail' in step) return failedResult(this.model, 0, step.fail);
    return { success: true, text: step.text, model: this.model, latencyMs: 0, extra: { scripted: true } };
  }
}
