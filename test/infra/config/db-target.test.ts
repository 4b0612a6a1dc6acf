import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/infra/config/config.js';
import { ConfigError } from '../../../src/infra/config/config-error.js';
import { resolveDbTarget } from '../../../src/infra/config/db-target.js';
import { describeStoreTarget, parseStoreTarget } from '../../../src/infra/store/store-target.js';

const fallback = () => '/state/decnet.sqlite';
const resolve = (env: Record<string, string>) => resolveDbTarget(env, fallback);

describe("the store target from DECNET's database variables", () => {
  it('is the default SQLite file when nothing is set, or DECNET_DB_PATH', () => {
    expect(resolve({})).toBe('/state/decnet.sqlite');
    expect(resolve({ DECNET_DB_TYPE: 'sqlite', DECNET_DB_PATH: '/opt/decnet/decnet.db' })).toBe('/opt/decnet/decnet.db');
  });

  it('lets DECNET_DB win over every other variable', () => {
    expect(resolve({ DECNET_DB: '/x.sqlite', DECNET_DB_TYPE: 'mysql', DECNET_DB_URL: 'mysql://u:p@h/d' })).toBe('/x.sqlite');
    expect(resolve({ DECNET_DB: 'mysql://u:p@h/d', DECNET_DB_PATH: '/y' })).toBe('mysql://u:p@h/d');
  });

  it('builds a MySQL URL from host, port, name, user and password with DECNET defaults', () => {
    expect(resolve({ DECNET_DB_TYPE: 'mysql', DECNET_DB_PASSWORD: 'p@ss:w/rd' })).toBe(
      'mysql://decnet:p%40ss%3Aw%2Frd@localhost:3306/decnet',
    );
    expect(
      resolve({
        DECNET_DB_TYPE: 'MySQL',
        DECNET_DB_HOST: 'db.internal',
        DECNET_DB_PORT: '3307',
        DECNET_DB_NAME: 'honey',
        DECNET_DB_USER: 'orch',
        DECNET_DB_PASSWORD: 's',
      }),
    ).toBe('mysql://orch:s@db.internal:3307/honey');
  });

  it('takes DECNET_DB_URL (a SQLAlchemy URL too) over the parts', () => {
    const url = resolve({ DECNET_DB_TYPE: 'mysql', DECNET_DB_URL: 'mysql+asyncmy://decnet:s@db:3306/decnet', DECNET_DB_HOST: 'ignored' });
    expect(parseStoreTarget(url)).toEqual({ dialect: 'mysql', url: 'mysql://decnet:s@db:3306/decnet' });
  });

  it.each([
    [{ DECNET_DB_TYPE: 'postgres' }, /DECNET_DB_TYPE: expected sqlite or mysql/],
    [{ DECNET_DB_URL: 'mysql://u:p@h/d' }, /DECNET_DB_URL is set but DECNET_DB_TYPE is sqlite/],
    [{ DECNET_DB_TYPE: 'mysql', DECNET_DB_PATH: '/x', DECNET_DB_PASSWORD: 'p' }, /DECNET_DB_PATH .* DECNET_DB_TYPE is mysql/],
    [{ DECNET_DB_TYPE: 'mysql' }, /DECNET_DB_PASSWORD is required/],
    [{ DECNET_DB_TYPE: 'mysql', DECNET_DB_URL: 'postgresql://h/d' }, /invalid DECNET_DB_URL/],
    [{ DECNET_DB_TYPE: 'mysql', DECNET_DB_PASSWORD: 'p', DECNET_DB_PORT: '70000' }, /invalid DECNET_DB_PORT/],
  ])('refuses %j clearly', (env, why) => {
    expect(() => resolve(env)).toThrow(ConfigError);
    expect(() => resolve(env)).toThrow(why);
  });

  it('lets DECNET_TESTING=1 go without a password, as DECNET does', () => {
    expect(resolve({ DECNET_DB_TYPE: 'mysql', DECNET_TESTING: '1' })).toBe('mysql://decnet@localhost:3306/decnet');
  });

  it('never puts the password in an error or the described target', () => {
    const secret = 'hunter2-secret';
    expect(() => resolve({ DECNET_DB_TYPE: 'mysql', DECNET_DB_PASSWORD: secret, DECNET_DB_PORT: 'x' })).toThrow(/^((?!hunter2).)*$/);
    const url = resolve({ DECNET_DB_TYPE: 'mysql', DECNET_DB_PASSWORD: secret });
    expect(describeStoreTarget(url)).toBe('mysql://decnet:***@localhost:3306/decnet');
    expect(describeStoreTarget('mysql+asyncmy://decnet:hunter2@db/decnet')).toBe('mysql://decnet:***@db/decnet');
    // a password given as a query parameter is masked too (libpq takes password=, sslpassword=)
    expect(describeStoreTarget('postgresql://decnet@db/decnet?password=hunter2&sslmode=require')).toBe(
      'postgresql://decnet@db/decnet?password=***&sslmode=require',
    );
    expect(describeStoreTarget('postgresql://u:p1@db/x?sslpassword=s3cr3t')).not.toMatch(/p1|s3cr3t/);
  });

  it('reaches Config.dbPath through loadConfig', () => {
    expect(loadConfig({ DECNET_DB_TYPE: 'mysql', DECNET_DB_HOST: 'db', DECNET_DB_PASSWORD: 'p' }).dbPath).toBe(
      'mysql://decnet:p@db:3306/decnet',
    );
    expect(() => loadConfig({ DECNET_DB_TYPE: 'oracle' })).toThrow(ConfigError);
  });
});

describe('DECNET_DB as a MySQL target', () => {
  it.each(['mysql://u:p@db/decnet', 'MARIADB://db/decnet', 'mysql+pymysql://db/decnet'])('reads %s as mysql', (db) => {
    expect(parseStoreTarget(db).dialect).toBe('mysql');
  });
});
