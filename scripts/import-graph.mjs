#!/usr/bin/env node
// Import graph of src/: counts between top folders, import cycles between files, and loops
// between sibling folders (e.g. machines/realism <-> machines/policy). Relative imports only.
// usage: node scripts/import-graph.mjs [--fail-on-cycles]
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve('src');
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts')) files.push(p);
  }
})(root);

const spec = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const edges = new Map();
for (const f of files) {
  const out = new Set();
  for (const m of fs.readFileSync(f, 'utf8').matchAll(spec)) {
    const target = path.resolve(path.dirname(f), (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
    if (target.startsWith(root) && fs.existsSync(target)) out.add(target);
  }
  edges.set(f, out);
}
const rel = (f) => path.relative(root, f);
const folder = (f, depth) => path.dirname(rel(f)).split(path.sep).slice(0, depth).join('/') || '.';

const counts = new Map();
for (const [f, out] of edges) {
  for (const t of out) {
    const a = rel(f).split(path.sep)[0];
    const b = rel(t).split(path.sep)[0];
    if (a !== b) counts.set(`${a} -> ${b}`, (counts.get(`${a} -> ${b}`) ?? 0) + 1);
  }
}
console.log('imports between top folders of src/:');
for (const [k, v] of [...counts].sort()) console.log(`${String(v).padStart(5)}  ${k}`);

// strongly connected components (Tarjan) over a graph given as Map<node, Set<node>>
function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index += 1; stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const fileCycles = cycles(edges);
console.log(`\nfile cycles: ${fileCycles.length}`);
for (const c of fileCycles) console.log(`  ${c.map(rel).sort().join(' <-> ')}`);

const folders = new Map();
for (const [f, out] of edges) {
  for (const t of out) {
    const a = folder(f, 3), b = folder(t, 3);
    if (a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`)) continue;
    if (!folders.has(a)) folders.set(a, new Set());
    folders.get(a).add(b);
  }
}
const folderCycles = cycles(folders);
console.log(`folder loops: ${folderCycles.length}`);
for (const c of folderCycles) console.log(`  ${c.sort().join(' <-> ')}`);
if (process.argv.includes('--fail-on-cycles') && fileCycles.length + folderCycles.length > 0) process.exit(1);
