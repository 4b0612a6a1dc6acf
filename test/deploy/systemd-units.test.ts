import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli.js';

const unitsDir = resolve(import.meta.dirname, '../../deploy/systemd');
const services = ['decnet-orchestrator.service', 'decnet-emailgen.service'];

function hasAnalyze(): boolean {
  const ok = spawnSync('systemd-analyze', ['--version']).status === 0;
  if (!ok && process.env.DECNET_REQUIRE_DOCKER === '1') throw new Error('systemd-analyze is required in CI');
  return ok;
}

/** key → values of a unit file's [Service] section */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

describe('systemd units', () => {
  for (const unit of services) {
    describe(unit, () => {
      const d = directives(readFileSync(join(unitsDir, unit), 'utf8'));
      it('runs with the docker group and no capabilities or privilege gain', () => {
        expect(d.get('SupplementaryGroups')).toEqual(['docker']);
        expect(d.get('CapabilityBoundingSet')).toEqual(['']);
        expect(d.get('AmbientCapabilities')).toEqual(['']);
        expect(d.get('NoNewPrivileges')).toEqual(['yes']);
      });
      it('sandboxes the file system and keeps the database in its state directory', () => {
        expect(d.get('ProtectSystem')).toEqual(['strict']);
        expect(d.get('ProtectHome')).toEqual(['yes']);
        expect(d.get('PrivateTmp')).toEqual(['yes']);
        expect(d.get('StateDirectory')).toEqual(['decnet']);
        expect(d.get('Environment')).toContain('DECNET_DB=/var/lib/decnet/decnet.sqlite');
        expect(d.get('EnvironmentFile')).toEqual(['-/etc/decnet/decnet.env']);
      });
      it('restarts on failure after 5 s and leaves room for the graceful stop', () => {
        expect(d.get('Restart')).toEqual(['on-failure']);
        expect(d.get('RestartSec')).toEqual(['5']);
        expect(Number(d.get('TimeoutStopSec')?.[0])).toBeGreaterThanOrEqual(20);
      });
    });
  }

  it.runIf(hasAnalyze())('pass systemd-analyze verify with the built CLI as ExecStart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decnet-units-'));
    for (const unit of services) {
      const text = readFileSync(join(unitsDir, unit), 'utf8').replaceAll('/usr/local/bin/decnet-orchestrator', CLI);
      writeFileSync(join(dir, unit), text);
    }
    copyFileSync(join(unitsDir, 'decnet.target'), join(dir, 'decnet.target'));
    const r = spawnSync('systemd-analyze', ['verify', ...services.map((u) => join(dir, u)), join(dir, 'decnet.target')], {
      encoding: 'utf8',
    });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('has a target that wants both workers', () => {
    const d = directives(readFileSync(join(unitsDir, 'decnet.target'), 'utf8'));
    expect(d.get('Wants')?.[0]?.split(/\s+/).sort()).toEqual([...services].sort());
  });
});
