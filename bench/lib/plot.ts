/** One line of a panel: a name, a colour and a value per x. */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** One small chart: a title, its unit, and lines over the shared x values. */
export interface Panel {
  title: string;
  unit: string;
  series: Series[];
  /** logarithmic y axis (decades), for figures that span orders of magnitude */
  log?: boolean;
  /** a dashed horizontal line, e.g. a target */
  target?: { value: number; label: string };
}

const W = 360;
const H = 230;
const PAD = { left: 56, right: 16, top: 30, bottom: 52 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function label(v: number): string {
  if (v >= 1_000_000) return `${Number((v / 1_000_000).toPrecision(3))}M`;
  if (v >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

// one panel at (x0, y0): log-scale x over `xs`, linear y from 0, a legend under the axis
function panel(p: Panel, xs: readonly number[], x0: number, y0: number): string {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const lx = xs.map((x) => Math.log10(x));
  const [lo, hi] = [Math.min(...lx), Math.max(...lx)];
  const px = (x: number) => x0 + PAD.left + (hi === lo ? iw / 2 : ((Math.log10(x) - lo) / (hi - lo)) * iw);
  const all = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v) && (!p.log || v > 0)));
  if (p.target) all.push(p.target.value);
  const out: string[] = [];
  out.push(`<text x="${x0 + W / 2}" y="${y0 + 18}" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  let py: (v: number) => number;
  if (p.log) {
    const d0 = Math.floor(Math.log10(Math.min(...all, 1)));
    const d1 = Math.max(Math.ceil(Math.log10(Math.max(...all, 1))), d0 + 1);
    py = (v: number) => y0 + PAD.top + ih - ((Math.log10(Math.max(v, 10 ** d0)) - d0) / (d1 - d0)) * ih;
    for (let d = d0; d <= d1; d++) {
      out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + W - PAD.right}" y1="${py(10 ** d)}" y2="${py(10 ** d)}" stroke="#ddd"/>`);
      out.push(`<text x="${x0 + PAD.left - 6}" y="${py(10 ** d) + 4}" text-anchor="end" font-size="10">${label(10 ** d)}</text>`);
    }
  } else {
    const top = niceMax(Math.max(0, ...all) * 1.1);
    py = (v: number) => y0 + PAD.top + ih - (v / top) * ih;
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + W - PAD.right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`);
      out.push(`<text x="${x0 + PAD.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="10">${label(v)}</text>`);
    }
  }
  if (p.target) {
    const ty = py(p.target.value);
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + W - PAD.right}" y1="${ty}" y2="${ty}" stroke="#888" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${x0 + W - PAD.right}" y="${ty - 4}" text-anchor="end" font-size="10" fill="#555">${esc(p.target.label)}</text>`);
  }
  for (const x of xs) {
    out.push(`<text x="${px(x)}" y="${y0 + PAD.top + ih + 14}" text-anchor="middle" font-size="10">${label(x)}</text>`);
  }
  out.push(
    `<text x="${x0 + 12}" y="${y0 + PAD.top + ih / 2}" font-size="10" transform="rotate(-90 ${x0 + 12} ${y0 + PAD.top + ih / 2})" text-anchor="middle">${esc(p.unit)}</text>`,
  );
  p.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (v === null || !Number.isFinite(v) || (p.log && v <= 0) ? null : `${px(xs[i]!)},${py(v)}`));
    const path = pts.filter((q): q is string => q !== null).join(' ');
    if (path) out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const q of pts) if (q) out.push(`<circle cx="${q.split(',')[0]}" cy="${q.split(',')[1]}" r="3" fill="${s.color}"/>`);
    const ly = y0 + H - 22 + Math.floor(k / 2) * 13;
    const lx2 = x0 + PAD.left + (k % 2) * 150;
    out.push(`<line x1="${lx2}" x2="${lx2 + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx2 + 18}" y="${ly}" font-size="10">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/** An SVG of small panels in a grid of `columns`, x = actors on a log scale; no dependencies. */
export function growthSvg(title: string, xs: readonly number[], panels: readonly Panel[], columns = 2): string {
  const rows = Math.ceil(panels.length / columns);
  const width = columns * W;
  const height = rows * H + 34;
  const body = panels.map((p, i) => panel(p, xs, (i % columns) * W, 34 + Math.floor(i / columns) * H)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}
