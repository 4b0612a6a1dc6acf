import { ConfigError } from './config-error.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// inside double quotes these are escaped by a backslash, as systemd and sh do; any other backslash stays
const DQ_ESCAPES = new Set(['"', '\\', '$', '`']);

/**
 * Parses an env file the way systemd's EnvironmentFile= reads the common cases: `KEY=VALUE` lines,
 * blank lines and `#`/`;` comment lines, a value wholly in "double" (backslash escapes \" \\ \$ \`)
 * or 'single' quotes (literal), unquoted values trimmed with `\x` meaning x. Nothing is evaluated:
 * `$VAR` and backticks stay text. Anything else (no `=`, a bad name, `export`, text after a closing
 * quote, a value continued on the next line) is a ConfigError naming `source:line`. Later lines win.
 */
export function parseEnvFile(text: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const bad = (why: string) => new ConfigError(`${source}:${i + 1}: ${why}`);
    const eq = line.indexOf('=');
    if (eq < 0) throw bad('expected KEY=VALUE');
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key))
      throw bad(
        `${JSON.stringify(key)} is not a variable name${key.startsWith('export ') ? ' (no `export`: this is not a shell script)' : ''}`,
      );
    out[key] = parseValue(line.slice(eq + 1).trim(), bad);
  });
  return out;
}

function parseValue(v: string, bad: (why: string) => ConfigError): string {
  const q = v[0];
  if (q === '"' || q === "'") {
    let value = '';
    for (let j = 1; j < v.length; j++) {
      const c = v[j]!;
      if (c === q) {
        if (j !== v.length - 1) throw bad('text after the closing quote');
        return value;
      }
      if (q === '"' && c === '\\' && j + 1 < v.length && DQ_ESCAPES.has(v[j + 1]!)) {
        value += v[++j];
      } else value += c;
    }
    throw bad('unterminated quote (values continued on the next line are not supported)');
  }
  if (v.endsWith('\\') && !v.endsWith('\\\\'))
    throw bad('a trailing backslash would continue the value on the next line, which is not supported');
  return v.replace(/\\(.)/g, '$1');
}
