/**
 * DECNET 1.2 renamed the seed's `DECNET_EMAILGEN_*` variables to `DECNET_REALISM_*` (COMPAT §4).
 * Both are read: the new name first, the seed's as an alias. Blank counts as unset.
 */
export const ENV_ALIASES = {
  DECNET_REALISM_LLM: 'DECNET_EMAILGEN_LLM',
  DECNET_REALISM_MODEL: 'DECNET_EMAILGEN_MODEL',
  DECNET_REALISM_TIMEOUT: 'DECNET_EMAILGEN_TIMEOUT',
  DECNET_REALISM_FAKE_OUTPUT: 'DECNET_EMAILGEN_FAKE_OUTPUT',
  DECNET_REALISM_PERSONAS: 'DECNET_EMAILGEN_PERSONAS',
} as const;

/** A DECNET 1.2 variable name that has a seed alias. */
export type AliasedName = keyof typeof ENV_ALIASES;

/** A value and the variable it came from (for error messages that name what the operator set). */
export interface AliasedValue {
  value: string;
  from: string;
}

/** The value of `name`, else of its seed alias; undefined when both are unset or blank. */
export function readAliased(env: NodeJS.ProcessEnv, name: AliasedName): AliasedValue | undefined {
  for (const from of [name, ENV_ALIASES[name]]) {
    const value = env[from];
    if (value?.trim()) return { value, from };
  }
  return undefined;
}

/** The seed names the environment relies on (set while their new name is not), for one start-up log line each. */
export function aliasesInUse(env: NodeJS.ProcessEnv): Array<{ alias: string; name: AliasedName }> {
  return (Object.keys(ENV_ALIASES) as AliasedName[])
    .filter((name) => readAliased(env, name)?.from === ENV_ALIASES[name])
    .map((name) => ({ alias: ENV_ALIASES[name], name }));
}
