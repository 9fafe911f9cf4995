// Property tests: the parser and checker never throw. Random token soups and random
// mutations of the examples each end in diagnostics or a clean check.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkText } from '../helpers.js';
import { LAYERS } from '../../compiler/layers/index.js';
import { TASKS } from '../../compiler/tasks/index.js';
import type { ParamType } from '../../compiler/ir.js';
import { renderJson, renderText } from '../../compiler/render.js';

// CI runs a fixed seed so a red build always reproduces; `npm run fuzz` explores new
// seeds with more runs (FUZZ_SEED / FUZZ_RUNS override both).
const seedEnv = process.env.FUZZ_SEED;
const seed = seedEnv === 'random' ? Date.now() | 0 : seedEnv ? Number(seedEnv) : 20261125;
const scale = Number(process.env.FUZZ_RUNS ?? 1);
fc.configureGlobal({ seed, numRuns: 100 });
const runs = (n: number): number => Math.round(n * scale);

const TOKENS = ['model', 'input', 'output', 'data', 'train', 'let', 'import', 'std.data', 'on', 'as', 'M', 'x', 'y', 'batch', 'dense', 'lstm',
  'conv1d', 'flatten', 'reshape', 'concat', 'windows', 'csv', '"f.csv"', '(', ')', '[', ']', '{', '}', ',', ':', '=', '->', '+', '-', '*',
  '/', '?', '.', '1', '32', '0.5', '1e-3', 'true', 'int32', 'loss', 'mse', 'epochs', '///doc\n', '//c\n', '/*', '*/', '"', '\n', '@'];

const examples = [
  ...readdirSync('examples/seed').filter((f) => f.endsWith('.nn')).map((f) => readFileSync(`examples/seed/${f}`, 'utf8')),
  ...readdirSync('test/fixtures').filter((f) => f.endsWith('.nn') && !f.startsWith('E0102')).map((f) => readFileSync(`test/fixtures/${f}`, 'utf8')),
];

// What each generated program did, printed by `npm run fuzz` (FUZZ_SEED=random).
const tally = { passed: 0, diagnostics: 0, threw: 0, slow: 0 };
afterAll(() => {
  if (seedEnv === 'random') console.log(`fuzz (seed ${seed}): ${tally.passed} passed, ${tally.diagnostics} with diagnostics, ${tally.threw} threw, ${tally.slow} slow (> 1 s)`);
});

function neverThrows(text: string): void {
  const t0 = performance.now();
  let r: ReturnType<typeof checkText>;
  try {
    r = checkText(text);
  } catch (err) {
    tally.threw++;
    throw err;
  }
  if (performance.now() - t0 > 1000) tally.slow++;
  if (r.diagnostics.length) tally.diagnostics++;
  else tally.passed++;
  for (const d of r.diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(text.length + 1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** A grammar-based generator: programs that look valid (lets with arithmetic, models with
 *  symbolic input shapes, layers with arguments of every type biased to the right one,
 *  nested models, tasks of every kind with their fields), from one seed. */
function generate(seed: number): string {
  let st = seed >>> 0 || 1;
  const rnd = (n: number) => ((st = (Math.imul(st, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const lets: string[] = [];
  const models: string[] = [];
  const dims = ['batch', 'n', 't', '?', '1', '3', '8', '28'];
  const int = (): string => {
    const atoms = ['1', '2', '8', '32', '0', '-1', '3000000000', '99999999999999999999', ...lets];
    let e = pick(atoms);
    for (let i = rnd(3); i > 0; i--) e += ` ${pick(['+', '-', '*', '/'])} ${pick(atoms)}`;
    return e;
  };
  const any = (): string => pick([int(), '0.5', '1e-3', '1e400', 'true', '"s"', 'relu', 'same', 'none', '?', `[${int()}, ${int()}]`, '{a: 1}', 'dense(4)', 'lstm(4)', ...models]);
  const valueOf = (t: ParamType, depth = 0): string => {
    if (rnd(6) === 0 || depth > 2) return any();
    switch (t.kind) {
      case 'int': return t.symbolic && rnd(3) === 0 ? pick(dims) : int();
      case 'float': return pick(['0.1', '0.5', '0', '1', '2', int()]);
      case 'bool': return pick(['true', 'false']);
      case 'string': return pick(['"a.csv"', '"out"', '""']);
      case 'enum': return pick([...t.values, 'nope']);
      case 'ints': return rnd(2) ? int() : `[${int()}, ${int()}]`;
      case 'list': return `[${valueOf(t.of, depth + 1)}, ${valueOf(t.of, depth + 1)}]`;
      case 'layer': return pick(['lstm(4)', 'gru(8, return_sequences: true)', 'dense(4)', 'conv2d(4, 3)', ...models]);
      case 'model': case 'image_model': return models.length ? pick(models) : 'M';
      case 'data': return pick(['d', 'csv("a.csv", columns: ["x"])', 'none']);
      case 'call': return pick(['adam(lr: 0.01)', 'sgd(0.1)', 'rmsprop()', 'adam']);
      case 'map': return `{${t.fields.slice(0, 2).map((f) => `${f.name}: ${valueOf(f.type, depth + 1)}`).join(', ')}}`;
      case 'dict': return `{dense_1: ${valueOf(t.of, depth + 1)}}`;
      case 'any': return any();
    }
  };
  const layerNames = [...LAYERS.keys()];
  const out: string[] = ['import std.vae', 'import std.gan'];
  for (let i = rnd(4); i > 0; i--) { out.push(`let k${lets.length} = ${int()}`); lets.push(`k${lets.length}`); }
  out.push('data d = csv("a.csv", columns: ["x", "y"])');
  for (let m = 1 + rnd(3); m > 0; m--) {
    const name = `M${models.length}`;
    const rank = 2 + rnd(3);
    const shape = Array.from({ length: rank }, (_, i) => (i === 0 ? 'batch' : rnd(4) === 0 ? `${pick(dims)} ${pick(['+', '*', '/'])} ${pick(['2', 'n', ...lets])}` : pick(dims)));
    const body = [`  input x: ${rnd(8) === 0 ? 'int32' : ''}[${shape.join(', ')}]`];
    for (let l = 1 + rnd(4); l > 0; l--) {
      if (models.length && rnd(5) === 0) { body.push(`  ${pick(models)}`); continue; }
      const def = LAYERS.get(pick(layerNames))!;
      const args = def.params.filter(() => rnd(3) > 0).map((p) => (p.positional && rnd(2) ? valueOf(p.type) : `${p.name}: ${valueOf(p.type)}`));
      const call = `${def.name}(${args.join(', ')})`;
      body.push(rnd(4) === 0 ? `  h${l} = x -> ${call}` : rnd(6) === 0 ? `  x + x` : `  ${call}`);
    }
    out.push(`model ${name}${rnd(3) === 0 ? '(n: Int = 4)' : ''} {\n${body.join('\n')}\n}`);
    models.push(name);
  }
  const kinds = [...TASKS.values()];
  for (let k = rnd(3); k > 0; k--) {
    const task = pick(kinds);
    const fields = task.fields.filter(() => rnd(2) > 0).map((f) => `  ${f.name}: ${valueOf(f.type)}`);
    out.push(`${task.kind} ${task.subjectIsModel ? pick(models) : `t${k}`}${task.needsData && rnd(2) ? ' on d' : ''} {\n${fields.join('\n')}\n}`);
  }
  return out.join('\n');
}

describe('fuzz', () => {
  it('generated programs (grammar-based)', () => {
    fc.assert(fc.property(fc.integer(), (s) => neverThrows(generate(s))), { numRuns: runs(250) });
  });

  it('random token streams', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }), (toks) => neverThrows(toks.join(' '))), { numRuns: runs(600) });
  });

  it('random mutations of the examples', () => {
    const mutation = fc.record({
      file: fc.integer({ min: 0, max: examples.length - 1 }),
      at: fc.nat(),
      del: fc.integer({ min: 0, max: 12 }),
      insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })),
    });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let text = examples[ms[0]!.file]!;
      for (const m of ms) {
        const at = m.at % (text.length + 1);
        text = text.slice(0, at) + m.insert + text.slice(at + m.del);
      }
      neverThrows(text);
    }), { numRuns: runs(600) });
  });

  it('layer calls with arguments of every type', () => {
    // Found `dims are integers, got undefined` (a list holding an undefined name reached reshape).
    const value = fc.oneof(
      fc.constantFrom('1', '3', '-1', '0', '2.5', '"s"', 'true', '?', 'n', 'k', 'none', 'relu', 'same', 'dense(2)', 'lstm(2)', 'q', 'undefined_name',
        '9007199254740991', '99999999999999999999', '1e400', 'n * 2', 'n / 0'),
      fc.array(fc.constantFrom('1', '-1', '2', 'n', '?', 'q', 'undefined_name'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    );
    const layer = fc.constantFrom(...LAYERS.keys());
    const arg = fc.tuple(fc.option(fc.constantFrom('units', 'target_shape', 'layer', 'axis', 'dims', 'kernel_size', 'strides', 'padding', 'rate', 'n'), { nil: undefined }), value)
      .map(([name, v]) => (name ? `${name}: ${v}` : v));
    const input = fc.constantFrom('[b, 8]', '[b, 10, 8]', '[b, 10, 8, 3]', 'int32[b, 5]', '[b, n]', '[b, ?, 8]', '[b, 10, 8, n]');
    const ty = fc.constantFrom('Int', 'Float', 'Foo', 'Bool');
    fc.assert(fc.property(layer, fc.array(arg, { maxLength: 3 }), input, ty, value, (l, args, shape, t, q) => {
      neverThrows(`let q = ${q}\nmodel M(k: ${t} = ${q}) {\n  input x: ${shape}\n  x -> ${l}(${args.join(', ')})\n}\nmodel N {\n  input y: ${shape}\n  M(${q})\n}`);
    }), { numRuns: runs(1500) });
  });

  it('arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => neverThrows(s)), { numRuns: runs(200) });
  });
});

describe('robustness', () => {
  it('deep nesting is refused with a diagnostic, not a stack overflow', () => {
    for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']] as const) {
      const text = `let x = ${open.repeat(20000)}1${close.repeat(20000)}`;
      expect(checkText(text).diagnostics.map((d) => d.code)).toContain('E0102');
    }
    expect(checkText(`let x = ${'-'.repeat(50000)}1`).diagnostics).toEqual([]);
  });

  it('long pipes and long sums do not overflow', () => {
    const pipe = `model M {\n  input x: [b, 4]\n  x${' -> relu'.repeat(20000)}\n}`;
    expect(checkText(pipe).diagnostics).toEqual([]);
    const sum = `let n = 1${' + 1'.repeat(50000)}`;
    expect(checkText(sum).diagnostics).toEqual([]);
  });

  it('a 10k-line file checks', () => {
    const lines: string[] = [];
    for (let i = 0; lines.length < 10000; i++) lines.push(`model M${i} {`, '  input x: [batch, 10, 1]', '  lstm(8)', '  dense(1)', '}');
    const r = checkText(lines.join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.program.models.size).toBe(2000);
  });
});

// Issue 22's pathological inputs, scaled down a little: each ends in a result or a
// diagnostic, never an exception (their check times are in bench/pathological.ts).
describe('pathological inputs', () => {
  const rendersBoth = (text: string) => {
    const r = checkText(text);
    renderText(r.diagnostics, r.sources);
    renderJson(r.diagnostics, r.sources);
    return r.diagnostics.map((d) => d.code);
  };

  it('integers out of the safe range are E0242, never a RangeError', () => {
    let squares = 'let a0 = 10\n';
    for (let i = 1; i < 12; i++) squares += `let a${i} = a${i - 1} * a${i - 1}\n`;
    expect(rendersBoth(`${squares}model M {\n  input x: [b, a11]\n  dense(4)\n}`)).toContain('E0242');
    expect(rendersBoth('model M {\n  input x: [b, 99999999999999999999]\n  dense(99999999999999999999)\n}')).toContain('E0242');
    expect(rendersBoth('let b = 9007199254740991 * 9007199254740991 / 1')).toContain('E0242');
    expect(rendersBoth('let f = 1e300 * 1e300')).toContain('E0242');
    expect(rendersBoth('model M {\n  input x: [b, n]\n  reshape(n * 9007199254740991 * 2)\n}')).toContain('E0242');
    expect(rendersBoth('model M {\n  input x: [b, 8]\n  reshape(-1, 9007199254740991)\n}').length).toBeGreaterThan(0);
    expect(rendersBoth('model M {\n  input x: [b, 100000]\n  dense(1000000000)\n}')).toEqual(['W0314']);
  });

  it('long chains: lets in reverse order, models using the previous one, members, calls', () => {
    const lets = ['let a0 = 1'];
    for (let i = 1; i < 20000; i++) lets.push(`let a${i} = a${i - 1}`);
    expect(rendersBoth(lets.reverse().join('\n'))).toEqual([]);
    const models = ['model M0 {\n  input x: [b, 4]\n  dense(4)\n}'];
    for (let i = 1; i < 2000; i++) models.push(`model M${i} {\n  input x: [b, 4]\n  M${i - 1}\n}`);
    expect(rendersBoth(models.reverse().join('\n'))).toEqual([]);
    expect(rendersBoth(`let a = x${'.b'.repeat(50000)}`)).toEqual(['E0201']);
    expect(rendersBoth(`import std.data\nlet a = std.data${'.b'.repeat(50000)}`)).toEqual(['E0239']);
    expect(rendersBoth(`let f = relu${'()'.repeat(20000)}`)).toEqual(['E0243']);
    expect(rendersBoth(`model M {\n  input x: [b, 10, 4]\n  ${'bidirectional('.repeat(50)}lstm(4)${')'.repeat(50)}\n}`)).toEqual(['E0222']);
    expect(rendersBoth(`model M {\n  input x: [b, 10, 4]\n  ${'time_distributed('.repeat(50)}dense(4)${')'.repeat(50)}\n}`).length).toBeGreaterThan(0);
  });

  it('junk, huge lines, many arguments and wide sums render', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    expect(rendersBoth(Array.from({ length: 65536 }, () => String.fromCharCode(rand() % 256)).join('')).length).toBeGreaterThan(0);
    const junk = ['(', ')', 'dense', '->', '1', ',', 'x', '{', '}', '[', ']', '"a"', '.', '@', 'model', ':', '='];
    expect(rendersBoth(Array.from({ length: 100000 }, () => junk[rand() % junk.length]).join(' '))).toContain('E0103');
    expect(rendersBoth(`let a = ${'x + '.repeat(50000)}1`)).toContain('E0103');
    expect(rendersBoth(`let a = dense(${'1, '.repeat(50000)}1)`).length).toBeGreaterThan(0);
    const syms = Array.from({ length: 10000 }, (_, i) => `s${i}`).join(' + ');
    expect(rendersBoth(`model M(${'s0: Int'}) {\n  input x: [b, ${syms}]\n  input y: [b, 3]\n  x + y\n}`).length).toBeGreaterThan(0);
    expect(rendersBoth(`model M {\n  input x: [b, 4]\n${') , '.repeat(30000)}}`).length).toBeGreaterThan(0);
  });

  it('imports read .nn files only and never quote another file', () => {
    const r = checkText('import "./photo.png"\nimport "./ok.nn"', { 'photo.png': '\u0000\u0001PNG secret bytes', 'ok.nn': 'let z = 1' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0244']);
    expect(renderText(r.diagnostics, r.sources)).not.toContain('secret');
  });
});
