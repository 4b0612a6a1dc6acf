import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const graph = spawnSync(process.execPath, [join(ROOT, 'scripts/import-graph.mjs'), '--fail-on-cycles'], { cwd: ROOT, encoding: 'utf8' });
const edges = graph.stdout
  .split('\n')
  .map((l) => /^\s+\d+\s+(\S+) -> (\S+)$/.exec(l))
  .filter((m) => m !== null)
  .map((m) => `${m[1]} -> ${m[2]}`);

describe('the layout of src/ (scripts/import-graph.mjs)', () => {
  it('has no import cycle between files and no loop between folders', () => {
    expect(graph.status, graph.stdout).toBe(0);
    expect(graph.stdout).toContain('file cycles: 0');
    expect(graph.stdout).toContain('folder loops: 0');
  });

  it('keeps each layer to the layers below it', () => {
    const forbidden = [
      /^domain -> /,
      /^machines -> (infra|actors|surfaces|checks)$/,
      /^checks -> (infra|actors|surfaces)$/,
      /^infra -> (machines|actors|surfaces|checks)$/,
      /^actors -> surfaces$/,
    ];
    expect(edges.length).toBeGreaterThan(5);
    expect(edges.filter((e) => forbidden.some((f) => f.test(e)))).toEqual([]);
  });

  it('lets src/domain import nothing but zod and its own files', () => {
    const dir = join(ROOT, 'src/domain');
    const specifiers = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string));
    expect(specifiers.filter((s) => s !== 'zod' && !s.startsWith('./'))).toEqual([]);
  });
});
