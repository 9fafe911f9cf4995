// `nnc graph`'s picture, checked without coordinates: one box per layer, one edge per data
// dependency, a frame per nested model, labels as golden text (test/golden/graph/), and a
// layout whose boxes sit inside their frames without overlapping.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { MAX_DRAWN_NESTING, modelGraph } from '../../compiler/graph/boxes.js';
import { layoutGraph, type PlacedGroup, type Rect } from '../../compiler/graph/layout.js';
import { layoutSvg, modelSvg } from '../../compiler/graph/svg.js';
import type { ModelIR } from '../../compiler/ir.js';
import { totalParams } from '../../compiler/summary.js';
import { nodeHost } from '../../driver/host.js';
import { checkText } from '../helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';
const examples = ['examples', 'examples/seed', 'runtime/std'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.nn')).map((f) => join(d, f)));

/** What the SVG draws, in document order, without coordinates. */
function structure(svg: string): string {
  const out: string[] = [];
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  for (const m of svg.matchAll(/<g class="(model[^"]*)" data-model="([^"]*)">|<g class="(layer[^"]*)" data-kind="([^"]*)" data-id="([^"]*)">|<text class="(\w+)"[^>]*>([^<]*)<\/text>|<path class="edge" data-from="([^"]*)" data-to="([^"]*)"/g)) {
    if (m[1]) out.push(`${m[1]}: ${unescape(m[2]!)}`);
    else if (m[3]) out.push(`  ${m[3]} ${m[5]} (${m[4]})`);
    else if (m[6]) out.push(`    ${unescape(m[7]!)}`);
    else out.push(`edge ${m[8]} -> ${m[9]}`);
  }
  return out.join('\n') + '\n';
}

/** Leaf nodes, nested models and edges of a model, counted from the IR. */
function counts(m: ModelIR): { boxes: number; groups: number; edges: number } {
  const c = { boxes: 0, groups: 1, edges: 0 };
  for (const n of m.nodes) {
    c.edges += n.inputs.length;
    if (n.model) {
      const inner = counts(n.model);
      c.boxes += inner.boxes; c.groups += inner.groups; c.edges += inner.edges;
    } else c.boxes++;
  }
  return c;
}

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function checkGeometry(g: PlacedGroup): void {
  const children: Rect[] = [...g.boxes, ...g.groups];
  for (const c of children) expect(inside(c, g), `${g.group.title}: a child lies outside its frame`).toBe(true);
  for (let i = 0; i < children.length; i++) for (let j = i + 1; j < children.length; j++) expect(overlap(children[i]!, children[j]!)).toBe(false);
  g.groups.forEach(checkGeometry);
}

async function checkPicture(m: ModelIR): Promise<string> {
  const layout = await layoutGraph(modelGraph(m));
  checkGeometry(layout.root);
  const svg = layoutSvg(layout);
  const c = counts(m);
  expect(svg.match(/<g class="layer/g)?.length ?? 0).toBe(c.boxes);
  expect(svg.match(/<g class="model/g)?.length ?? 0).toBe(c.groups);
  const edges = [...svg.matchAll(/<path class="edge" data-from="([^"]*)" data-to="([^"]*)" d="([^"]*)"/g)];
  expect(edges).toHaveLength(c.edges);
  const ids = new Set([...svg.matchAll(/data-id="([^"]*)"/g)].map((x) => x[1]));
  for (const [, from, to, d] of edges) {
    expect(ids.has(from) && ids.has(to), `edge ${from} -> ${to}`).toBe(true);
    expect(d!.split(/[ML]/).filter((p) => p.trim()).length).toBeGreaterThanOrEqual(2);
  }
  const total = totalParams(m);
  expect(svg).toContain(`${total.value !== undefined ? total.value.toLocaleString('en-US') : total.toString()} params</text>`);
  return svg;
}

describe('nnc graph: every model of the examples and the standard library', () => {
  for (const file of examples) {
    it(file, async () => {
      // Some seed examples have a task error on purpose (dream_rnn, style_rnn); their models are
      // sound. Some examples declare no model (their tasks use std's or a pretrained one).
      const r = check(file, nodeHost, readFileSync(file, 'utf8'));
      const pictures: string[] = [];
      for (const m of r.program.models.values()) pictures.push(structure(await checkPicture(m)));
      if (!file.startsWith('examples/seed/')) return;
      // The seed examples' labels as golden text.
      const golden = join('test', 'golden', 'graph', file.replace('examples/seed/', '').replace(/\.nn$/, '.txt'));
      const text = pictures.join('\n');
      if (update || !existsSync(golden)) {
        mkdirSync(join('test', 'golden', 'graph'), { recursive: true });
        writeFileSync(golden, text);
      }
      expect(text).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

describe('nnc graph: what a box says', () => {
  it('draws a residual block as a frame, its skip connection as a second edge into add', async () => {
    const r = checkText(`
model Block(filters: Int = 8) {
  input x: [batch, steps, filters]
  y = x -> conv1d(filters, 3, padding: same, activation: relu)
  x + y
}
model Net {
  input x: [batch, 16, 8]
  Block(filters: 8)
  dense(2)
}`);
    expect(r.diagnostics).toEqual([]);
    const svg = structure(await checkPicture(r.program.models.get('Net')!));
    expect(svg).toContain('model: Block(filters: 8)');
    expect(svg).toMatch(/layer( output)? n1\.n2 \(add\)/);
    expect(svg).toContain('edge n1.n0 -> n1.n2');
    expect(svg).toContain('edge n1.n1 -> n1.n2');
    expect(svg).toContain('edge n0 -> n1.n0');
    expect(svg).toContain('edge n1.n2 -> n2');
    expect(svg).toContain('    8, 3, padding: same\n    activation: relu');
    expect(svg).toContain('    → [batch, steps, 8]');
  });

  it('keeps symbolic dims, names bindings, shows non-default arguments only and marks shared weights', async () => {
    const r = checkText(`
model M {
  input a: [batch, t, 4]
  input b: [batch, t, 4]
  enc = lstm(16, go_backwards: true)
  ha = a -> enc
  hb = b -> enc
  ha + hb -> dense(1)
}`);
    expect(r.diagnostics).toEqual([]);
    const svg = await modelSvg(r.program.models.get('M')!);
    const s = structure(svg);
    expect(s).toContain('    input a\n    [batch, t, 4]');
    expect(s).toContain('    ha = lstm\n    16, go_backwards: true\n    → [batch, 16]');
    expect(s).toContain('    shares weights with ha');
    expect(s).not.toContain('activation: tanh');
    expect(svg).toMatch(/<g class="layer output" data-kind="dense"/);
  });

  it('draws models nested past MAX_DRAWN_NESTING as one box that names them (3,000 deep overflowed the stack)', async () => {
    const chain = (depth: number) => [`model M0 {\n  input x: [b, 4]\n  dense(4)\n}`, ...Array.from({ length: depth }, (_, i) => `model M${i + 1} {\n  input x: [b, 4]\n  M${i}\n}`)].join('\n');
    for (const depth of [MAX_DRAWN_NESTING + 3, 3000]) {
      const m = checkText(chain(depth)).program.models.get(`M${depth}`)!;
      const svg = await modelSvg(m);
      const frames = structure(svg).split('\n').filter((l) => l.includes('model: M')).length;
      expect(frames).toBe(MAX_DRAWN_NESTING);
      expect(svg).toContain(`nested too deep to draw here: nnc graph --model M${depth - MAX_DRAWN_NESTING - 1}`);
      expect(svg).toContain('20 params');
    }
  }, 60_000);
});
