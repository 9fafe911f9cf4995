// The README's promises that a test can keep: its model checks, its error example is what
// nnc prints, and its links lead to files (three docs that other branches add are allowed
// to be missing until they land).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../compiler/render.js';
import { checkText } from '../helpers.js';

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/^```\w*\n([^]*?)^```$/gm)].map((m) => m[1]!);

describe('README.md', () => {
  it('keeps the two commands .ci/run and new users rely on', () => {
    expect(readme).toContain('npm install && node bin/nnc.js run examples/seed/lstm.nn');
    expect(readme).toMatch(/^npm test\s/m);
  });

  it('its model checks, and the error it quotes is what nnc says when lstm gets [batch, 10]', () => {
    const model = blocks.find((b) => b.includes('model Forecaster'))!;
    expect(checkText(model).diagnostics).toEqual([]);
    const source = 'model M {\n  input x: [batch, 10]\n  lstm(3)\n}\n';
    const r = checkText(source, { 'main.nn': source });
    const printed = renderText(r.diagnostics, r.sources);
    const quoted = blocks.find((b) => b.includes('error E0302'))!.split('\n').filter(Boolean);
    for (const line of quoted) expect(printed).toContain(line.replace(/^model\.nn/, ''));
  });

  it('links to files that exist', () => {
    const pending = new Set(['docs/data.md', 'docs/predict.md', 'docs/pytorch.md']);
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !l.startsWith('http'));
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !existsSync(l) && !pending.has(l))).toEqual([]);
  });
});
