import { ConfigError } from './config-error.js';

/**
 * DECNET's decnet.ini key → the environment variable it seeds, for the sections this daemon
 * shares with DECNET (COMPAT §4: `[database]` and `[bus]`, as DECNET's ini loader maps them).
 */
const INI_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  database: {
    type: 'DECNET_DB_TYPE',
    url: 'DECNET_DB_URL',
    host: 'DECNET_DB_HOST',
    port: 'DECNET_DB_PORT',
    name: 'DECNET_DB_NAME',
    user: 'DECNET_DB_USER',
  },
  bus: { enabled: 'DECNET_BUS_ENABLED', type: 'DECNET_BUS_TYPE', socket: 'DECNET_BUS_SOCKET', group: 'DECNET_BUS_GROUP' },
};

/** What decnet.ini seeds: variables, and keys of known sections it does not know (DECNET warns on those too). */
interface IniSettings {
  vars: Record<string, string>;
  unknownKeys: string[];
}

/**
 * Reads DECNET's INI file as Python's configparser does for the shapes DECNET writes: `[section]`
 * headers, `key = value` or `key: value` (keys case-insensitive), `#`/`;` comment lines and inline
 * comments after whitespace, `[DEFAULT]` keys shared by every section, `%%` for a percent sign.
 * What configparser would refuse (a key before any section, a line without a delimiter, a
 * duplicate section or key, `%` interpolation) is a ConfigError naming `source:line`; so are
 * indented continuation lines, which DECNET's file does not use.
 */
export function parseDecnetIni(text: string, source: string): IniSettings {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const bad = (why: string) => new ConfigError(`${source}:${i + 1}: ${why}`);
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (/^\s/.test(raw)) throw bad('indented continuation lines are not supported');
    const header = /^\[([^\]]+)\]$/.exec(stripInlineComment(line));
    if (header) {
      const name = header[1]!.trim();
      if (sections.has(name)) throw bad(`section [${name}] appears twice`);
      current = new Map();
      sections.set(name, current);
      return;
    }
    if (line.startsWith('[')) throw bad('malformed section header');
    if (!current) throw bad('a key before any [section]');
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) throw bad('expected key = value');
    const key = m[1]!.toLowerCase();
    if (current.has(key)) throw bad(`key ${key} appears twice in its section`);
    current.set(key, interpolate(stripInlineComment(m[2]!).trim(), bad));
  });
  const defaults = sections.get('DEFAULT') ?? new Map<string, string>();
  const vars: Record<string, string> = {};
  const unknownKeys: string[] = [];
  for (const [section, keyMap] of Object.entries(INI_KEYS)) {
    const own = sections.get(section);
    if (!own) continue;
    for (const [key, value] of new Map([...defaults, ...own])) {
      const name = keyMap[key];
      if (name) vars[name] = value;
      else unknownKeys.push(`[${section}] ${key}`);
    }
  }
  return { vars, unknownKeys };
}

// configparser's inline_comment_prefixes: a # or ; preceded by whitespace starts a comment
function stripInlineComment(value: string): string {
  const m = /\s[#;]/.exec(value);
  return m ? value.slice(0, m.index) : value;
}

// configparser's BasicInterpolation: `%%` is a percent sign; DECNET would fail on any other `%`
function interpolate(value: string, bad: (why: string) => ConfigError): string {
  if (/%(?!%)/.test(value.replaceAll('%%', ''))) throw bad('a % must be written %% (interpolation is not supported)');
  return value.replaceAll('%%', '%');
}
