import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/infra/config/config-error.js';
import { parseDecnetIni } from '../../../src/infra/config/decnet-ini.js';

const INI = `[decnet]
mode = master                 # or "agent"

[database]
type = mysql
URL = mysql+asyncmy://decnet@db:3306/decnet ; inline comment
host: db.internal
name = decnet
user = decnet

[bus]
enabled = true
type = unix
socket = /run/decnet/bus.sock
group = decnet

[web]
admin-user = admin
`;

describe('parseDecnetIni', () => {
  it('maps [database] and [bus] keys to the variables DECNET seeds, and nothing else', () => {
    expect(parseDecnetIni(INI, 'decnet.ini')).toEqual({
      vars: {
        DECNET_DB_TYPE: 'mysql',
        DECNET_DB_URL: 'mysql+asyncmy://decnet@db:3306/decnet',
        DECNET_DB_HOST: 'db.internal',
        DECNET_DB_NAME: 'decnet',
        DECNET_DB_USER: 'decnet',
        DECNET_BUS_ENABLED: 'true',
        DECNET_BUS_TYPE: 'unix',
        DECNET_BUS_SOCKET: '/run/decnet/bus.sock',
        DECNET_BUS_GROUP: 'decnet',
      },
      unknownKeys: [],
    });
  });

  it('shares [DEFAULT] keys, turns %% into %, and names unknown keys of known sections', () => {
    const ini = '[DEFAULT]\nhost = shared\n[database]\nport = 3306\npassword = 50%%off\n';
    expect(parseDecnetIni(ini, 'i')).toEqual({
      vars: { DECNET_DB_HOST: 'shared', DECNET_DB_PORT: '3306' },
      unknownKeys: ['[database] password'],
    });
  });

  it.each([
    ['a key before any section', 'type = sqlite\n', 'i:1: a key before any [section]'],
    ['a line without a delimiter', '[bus]\ngarbage\n', 'i:2: expected key = value'],
    ['a duplicate key', '[bus]\ntype = unix\nTYPE = fake\n', 'i:3: key type appears twice'],
    ['a duplicate section', '[bus]\n[bus]\n', 'i:2: section [bus] appears twice'],
    ['a lone percent', '[database]\nurl = mysql://u:p%40ss@h/db\n', 'i:2: a % must be written %%'],
    ['binary garbage', '\u0000\u0001PNG\n', 'i:1: '],
  ])('refuses %s as configparser would, naming file and line', (_what, text, message) => {
    expect(() => parseDecnetIni(text, 'i')).toThrow(ConfigError);
    expect(() => parseDecnetIni(text, 'i')).toThrow(message);
  });
});
