import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import { runFile } from '../../src/actors/drivers/file.driver.js';
import { TRAFFIC_PROBE, runTraffic } from '../../src/actors/drivers/traffic.driver.js';
import { observeDeckies } from '../../src/machines/discovery/observe.js';
import { planFile } from '../builders/baseline.builders.js';
import { EngineFixture, type StartedContainer } from '../infra/docker/engine.fixture.js';
import { hasDocker } from '../support/docker-available.js';

const fx = new EngineFixture('dnt-inj');
// one canary path per run, so a stale file from elsewhere cannot fake a pass or a failure
const CANARY = `/tmp/${fx.prefix}-canary`;
const ATTACKS = [
  `x; touch ${CANARY}`,
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `x'; touch ${CANARY}; '`,
  `x"; touch ${CANARY}; "`,
  `x\ntouch ${CANARY}`,
  `x && touch ${CANARY}`,
  `x | touch ${CANARY}`,
  `with space ${CANARY}`,
  `../../${CANARY}`,
];
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
const started: StartedContainer[] = [];
let good: StartedContainer;
let target: StartedContainer;

async function canaryInside(c: StartedContainer): Promise<boolean> {
  const r = await port.exec({ container: c.name, argv: ['test', '-e', CANARY] });
  return r.rc === 0;
}

// a decky laid out as DECNET's whose `-ssh` service container carries `labels`
async function decky(short: string, labels: Record<string, string>): Promise<StartedContainer> {
  const base = await fx.run({ name: short, cmd: ['sleep', 'infinity'] });
  const svc = await fx.run({ name: `${short}-ssh`, netnsOf: base.id, labels });
  return { ...svc, ip: base.ip };
}

const fleet = (decky: string) => ({ 'decnet.fleet.service': 'true', 'decnet.fleet.decky': decky, 'decnet.fleet.service_name': 'ssh' });

describe.runIf(hasDocker)('injection attempts on the real engine', () => {
  beforeAll(async () => {
    // container names must follow the engine grammar; labels may carry anything
    for (const [i, attack] of ATTACKS.entries()) {
      const labels =
        i % 2 === 0
          ? fleet(attack)
          : {
              'decnet.topology.service': 'true',
              'decnet.topology.id': attack,
              'decnet.topology.decky': attack,
              'decnet.topology.service_name': 'ssh',
            };
      started.push(await decky(`evil${i}`, labels));
    }
    good = await decky('good', fleet(`${fx.prefix}-good`));
    target = await decky('target', fleet(`${fx.prefix}-target`));
    started.push(good, target);
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it('discovery keeps hostile labels as data and takes each ip from the base the service shares a network with', async () => {
    const containers = (await port.listDeckyContainers()).filter((c) => c.name.startsWith(fx.prefix));
    const observed = observeDeckies(containers, 'local');
    expect(observed.map((d) => d.name).sort()).toEqual(
      [...ATTACKS.map((a) => a.trim()), `${fx.prefix}-good`, `${fx.prefix}-target`].sort(),
    );
    expect(observed.every((d) => d.running)).toBe(true);
    expect(observed.find((d) => d.name === `${fx.prefix}-good`)?.ip).toBe(good.ip);
    expect(observed.find((d) => d.name === ATTACKS[1])?.ip).toBe(started[1]!.ip);
  });

  it('drivers refuse every hostile decky name without executing anything', async () => {
    const observed = observeDeckies(
      (await port.listDeckyContainers()).filter((c) => c.name.startsWith(fx.prefix)),
      'local',
    );
    const hostile = observed.filter((d) => ATTACKS.map((a) => a.trim()).includes(d.name));
    expect(hostile).toHaveLength(ATTACKS.length);
    for (const d of hostile) {
      const asSrc = await runTraffic(port, { srcName: d.name, dstName: 'target', dstIp: target.ip });
      const asDst = await runFile(port, { dstName: d.name, ...planFile(Math.random, new Date()) });
      for (const o of [asSrc, asDst]) {
        expect(o.success).toBe(false);
        expect(o.payload.rc).toBeNull();
      }
    }
  });

  it('refuses hostile destination IPs, and the probe treats argv as data even if one got through', async () => {
    const src = good.name.replace(/-ssh$/, '');
    for (const attack of ATTACKS) {
      const o = await runTraffic(port, { srcName: src, dstName: 'x', dstIp: attack });
      expect(o.payload.rc).toBeNull();
    }
    // bypass validation on purpose: the fixed probe must never evaluate its argument
    const r = await port.exec({
      container: good.name,
      argv: ['python3', '-c', TRAFFIC_PROBE, `__import__('os').system('touch ${CANARY}')`],
    });
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/gaierror|Error/);
  });

  it('writes hostile-but-absolute paths and contents literally', async () => {
    const dst = good.name.replace(/-ssh$/, '');
    const paths = [
      `/tmp/a; touch ${CANARY}`,
      `/tmp/$(touch ${CANARY})`,
      `/tmp/\`touch ${CANARY}\``,
      `/tmp/q'; touch ${CANARY}; '`,
      `/tmp/d"; touch ${CANARY}; "`,
      `/tmp/sp ace && touch ${CANARY}`,
    ];
    for (const path of paths) {
      const content = `$(touch ${CANARY})\n\`touch ${CANARY}\`\n`;
      const o = await runFile(port, { dstName: dst, path, content });
      expect(o.success).toBe(true);
      const back = await port.exec({ container: good.name, argv: ['cat', '--', path] });
      expect(back.stdout).toBe(content);
    }
    for (const path of [`/tmp/x\ntouch ${CANARY}`, `/tmp/../..${CANARY}`]) {
      const o = await runFile(port, { dstName: dst, path, content: 'x' });
      expect(o.payload.rc).toBeNull();
    }
  });

  it('leaves no canary anywhere: not in any decky, not on the host', async () => {
    for (const c of started) expect(await canaryInside(c)).toBe(false);
    expect(existsSync(CANARY)).toBe(false);
    // the check itself works: a canary made on purpose is seen
    await port.exec({ container: target.name, argv: ['touch', CANARY] });
    expect(await canaryInside(target)).toBe(true);
  });
});
