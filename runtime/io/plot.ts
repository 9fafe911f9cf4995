// A loss-curve picture as SVG: training and validation loss per epoch, log-free and
// dependency-free (a plotting library would be larger than this file).
export interface Series { name: string; color: string; values: number[] }

export function lossCurveSvg(title: string, series: Series[], width = 640, height = 360, xLabel = 'epoch'): string {
  const pad = { l: 64, r: 16, t: 32, b: 40 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const lo = Math.min(0, ...all), hi = Math.max(...all, lo + 1e-9);
  const x = (i: number) => pad.l + (n === 1 ? 0 : (i / (n - 1)) * (width - pad.l - pad.r));
  const y = (v: number) => height - pad.b - ((v - lo) / (hi - lo)) * (height - pad.t - pad.b);
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...ticks.map((v) => `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`),
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)} (1 to ${n})</text>`,
  ];
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    out.push(`<text x="${width - pad.r - 4}" y="${pad.t + 14 + 16 * k}" text-anchor="end" fill="${s.color}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
