import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli.js';

const deployDir = resolve(import.meta.dirname, '../../deploy');
const unitsDir = join(deployDir, 'systemd');
const services = ['decnet-life-orchestrator.service', 'decnet-life-emailgen.service'];
const target = 'decnet-life.target';

/** Highest `systemd-analyze security` exposure a unit may have (0 = locked down, 10 = none); 4.5 before issue 15. */
const MAX_EXPOSURE = 2.0;

/** Unit names DECNET 1.2 (and its predecessors) ships or names in Conflicts= (COMPAT §5). */
const DECNET_UNITS = [
  'decnet.target',
  'decnet-orchestrator.service',
  'decnet-emailgen.service',
  'decnet-supervise-batch.service',
  'decnet-supervise-cpu.service',
  'decnet-fleet-heavy.service',
  'decnet-reconciler.service',
  'decnet-enrich.service',
  'decnet-mutator.service',
  'decnet-bus.service',
  'decnet-api.service',
  'decnet-web.service',
];
/** Units DECNET's polkit rule lets its group start and stop. */
const DECNET_POLKIT = /^decnet-[a-z]+\.service$/;

function hasAnalyze(): boolean {
  const ok = spawnSync('systemd-analyze', ['--version']).status === 0;
  if (!ok && process.env.DECNET_REQUIRE_DOCKER === '1') throw new Error('systemd-analyze is required in CI');
  return ok;
}

/** key → values of a unit file's directives */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

/** a copy of the units in a temp dir with the built CLI as ExecStart (verify wants an executable) */
function unitsWithBuiltCli(): string {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-units-'));
  for (const unit of services) {
    const text = readFileSync(join(unitsDir, unit), 'utf8').replaceAll('/usr/local/bin/decnet-orchestrator', CLI);
    writeFileSync(join(dir, unit), text);
  }
  copyFileSync(join(unitsDir, target), join(dir, target));
  return dir;
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
        // systemd read the env file: the program must not parse it a second time
        expect(d.get('Environment')).toContain('DECNET_ENV_FILE=');
      });
      it('bounds memory, tasks, syscalls and the modes of the files it creates (issue 15)', () => {
        expect(d.get('MemoryMax')).toHaveLength(1);
        expect(Number(d.get('TasksMax')?.[0])).toBeGreaterThan(32);
        expect(d.get('UMask')).toEqual(['0077']);
        expect(d.get('SystemCallFilter')?.[0]?.split(/\s+/)).toContain('@system-service');
        expect(d.get('SystemCallArchitectures')).toEqual(['native']);
        for (const key of ['RestrictNamespaces', 'ProtectClock', 'ProtectKernelLogs', 'ProtectHostname'])
          expect(d.get(key), key).toEqual(['yes']);
        expect(d.get('ProtectProc')).toEqual(['invisible']);
      });
      it('restarts on failure after 5 s and leaves room for the graceful stop', () => {
        expect(d.get('Restart')).toEqual(['on-failure']);
        expect(d.get('RestartSec')).toEqual(['5']);
        expect(Number(d.get('TimeoutStopSec')?.[0])).toBeGreaterThanOrEqual(20);
      });
      it('never stops, binds to or conflicts with a DECNET unit', () => {
        for (const key of ['Conflicts', 'PartOf', 'BindsTo', 'Requisite', 'Requires', 'PropagatesStopTo', 'StopPropagatedFrom']) {
          expect(d.get(key), key).toBeUndefined();
        }
        expect(d.get('WantedBy')).toEqual([target]);
      });
    });
  }

  it('names no unit, target or sysusers file as DECNET does, and stays outside its polkit rule', () => {
    const ours = [...readdirSync(unitsDir), ...readdirSync(join(deployDir, 'sysusers.d'))];
    expect(ours.sort()).toEqual([
      'decnet-life-emailgen.service',
      'decnet-life-orchestrator.service',
      'decnet-life.conf',
      'decnet-life.target',
      'decnet.env.example',
    ]);
    for (const name of ours) {
      expect(DECNET_UNITS).not.toContain(name);
      expect(name).not.toMatch(DECNET_POLKIT);
    }
  });

  it('has a target that only wants both workers', () => {
    const d = directives(readFileSync(join(unitsDir, target), 'utf8'));
    expect(d.get('Wants')?.[0]?.split(/\s+/).sort()).toEqual([...services].sort());
    for (const key of ['Conflicts', 'PartOf', 'BindsTo', 'Requires']) expect(d.get(key), key).toBeUndefined();
  });

  it.runIf(hasAnalyze())('pass systemd-analyze verify with the built CLI as ExecStart', () => {
    const dir = unitsWithBuiltCli();
    const r = spawnSync('systemd-analyze', ['verify', ...services.map((u) => join(dir, u)), join(dir, target)], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it.runIf(hasAnalyze())(`score an exposure of at most ${MAX_EXPOSURE} in systemd-analyze security --offline`, () => {
    const dir = unitsWithBuiltCli();
    for (const unit of services) {
      const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', join(dir, unit)], { encoding: 'utf8' });
      const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.stdout);
      expect(m, r.stderr + r.stdout).not.toBeNull();
      expect(Number(m![1]), `${unit}\n${r.stdout}`).toBeLessThanOrEqual(MAX_EXPOSURE);
    }
  });
});
