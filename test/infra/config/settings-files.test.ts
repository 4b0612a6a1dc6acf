import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/infra/config/config-error.js';
import { settingsFromFiles } from '../../../src/infra/config/settings-files.js';

let dir: string;
let envFile: string;
let ini: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-files-'));
  envFile = join(dir, 'decnet.env');
  ini = join(dir, 'decnet.ini');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// the defaults point into the tmp dir: the host's /etc/decnet is never read
const defaults = () => ({ envFile, decnetConfig: ini });

describe('settingsFromFiles', () => {
  it('adds nothing when neither file exists', () => {
    expect(settingsFromFiles({}, defaults())).toEqual({ vars: {}, read: [], unknownIniKeys: [] });
  });

  it('ranks the real environment over the env file over DECNET’s INI', async () => {
    await writeFile(envFile, 'DECNET_DB=/from/env-file.sqlite\nDECNET_BUS_TYPE=fake\nLOG_LEVEL=debug\n');
    await writeFile(ini, '[bus]\ntype = unix\nsocket = /run/decnet/bus.sock\n[database]\ntype = sqlite\n');
    const found = settingsFromFiles({ LOG_LEVEL: 'warn', DECNET_BUS_SOCKET: '/real.sock' }, defaults());
    expect(found.vars).toEqual({ DECNET_DB: '/from/env-file.sqlite', DECNET_BUS_TYPE: 'fake', DECNET_DB_TYPE: 'sqlite' });
    expect(found.read).toEqual([envFile, ini]);
  });

  it('counts a variable set to empty in the real environment as set, as DECNET’s setdefault does', async () => {
    await writeFile(envFile, 'DECNET_REALISM_LLM=ollama\n');
    expect(settingsFromFiles({ DECNET_REALISM_LLM: '' }, defaults()).vars).toEqual({});
  });

  it('follows DECNET_ENV_FILE and DECNET_CONFIG, the latter also from the env file; DECNET_ENV_FILE= reads no env file', async () => {
    const other = join(dir, 'other.env');
    const otherIni = join(dir, 'other.ini');
    await writeFile(other, `DECNET_CONFIG=${otherIni}\n`);
    await writeFile(otherIni, '[bus]\nenabled = false\n');
    await writeFile(envFile, 'DECNET_DB=/never\n');
    expect(settingsFromFiles({ DECNET_ENV_FILE: other }, defaults()).vars).toEqual({
      DECNET_CONFIG: otherIni,
      DECNET_BUS_ENABLED: 'false',
    });
    expect(settingsFromFiles({ DECNET_ENV_FILE: '' }, defaults()).vars).toEqual({});
    expect(settingsFromFiles({ DECNET_CONFIG: otherIni }, { decnetConfig: ini, envFile: join(dir, 'none') }).vars).toEqual({
      DECNET_BUS_ENABLED: 'false',
    });
  });

  it('fails with one error naming a malformed file and its line', async () => {
    await writeFile(ini, '[bus\ntype = unix\n');
    expect(() => settingsFromFiles({}, defaults())).toThrow(new ConfigError(`${ini}:1: malformed section header`));
    await writeFile(envFile, 'ok=1\nnot a line\n');
    expect(() => settingsFromFiles({}, defaults())).toThrow(`${envFile}:2: expected KEY=VALUE`);
  });

  it('fails with one error naming an unreadable file', async () => {
    expect(() => settingsFromFiles({ DECNET_CONFIG: dir }, defaults())).toThrow(`cannot read ${dir}: EISDIR`);
    const denied = (path: string) => {
      throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    };
    expect(() => settingsFromFiles({}, { ...defaults(), read: denied })).toThrow(
      `cannot read ${envFile}: EACCES (run as the daemon's user, e.g. sudo -u decnet, or point DECNET_ENV_FILE elsewhere)`,
    );
  });
});
