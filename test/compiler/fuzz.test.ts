// The parser, checker, summary, formatter, renderer, graph and language server never throw: a
// fixed-seed fuzz run (test/fuzz/) and the pathological inputs of issue 22, scaled down.
import { describe, expect, it } from 'vitest';
import { checkText } from '../helpers.js';
import { renderJson, renderText } from '../../compiler/render.js';
import { renderSummary } from '../../compiler/summary.js';
import { fuzz } from '../fuzz/run.js';
import { LspSession } from '../fuzz/lsp-session.js';
import { PATHOLOGICAL } from '../fuzz/pathological.js';
import { fuzzPath, runLsp, runPhases } from '../fuzz/phases.js';

// CI runs a fixed seed, so a red build always reproduces (`FUZZ_SEED=20261125 FUZZ_FROM=i
// FUZZ_RUNS=1 npm run fuzz` replays input i); `npm run fuzz` (bench/fuzz.ts) explores new
// seeds with 100k inputs. Timings are the bench's business: here no phase may throw or
// break a promise (test/fuzz/phases.ts), and the slow ones are only counted.
const SEED = 20261125;
const INPUTS = 1500;

describe('fuzz', () => {
  it(`${INPUTS} inputs through parse, check, summary, format, render, graph and one language-server session`, async () => {
    const report = await fuzz({ seed: SEED, runs: INPUTS });
    const failures = report.failures.filter((f) => f.outcome !== 'slow');
    const lines = failures.map((f) => `${f.phase} ${f.outcome} ×${f.count}: ${f.detail}\n  input ${f.index} (${f.family}): ${JSON.stringify(f.text.slice(0, 500))}`);
    expect(lines).toEqual([]);
    expect(report.inputs.passed + report.inputs.diagnostics + report.inputs.slow).toBe(INPUTS);
    // The generator reaches every phase: some inputs check clean, so summaries are made.
    expect(report.inputs.passed).toBeGreaterThan(INPUTS / 50);
  }, 120_000);
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
    // Each layer's count is exact, their sum is not: the model is refused, so `nnc summary` never adds it up.
    const sum = checkText('model M {\n  input x: [b, 90000000]\n  dense(90000000)\n  dense(90000000)\n}');
    expect(sum.diagnostics.map((d) => d.code)).toEqual(['W0314', 'W0314', 'E0242']);
    expect(sum.program.models.size).toBe(0);
    // Sizes are polynomials: past 1000 terms or 64 factors a term they are refused, not expanded for minutes.
    const power = `(${'abcdefgh'.split('').join(' + ')})`;
    expect(rendersBoth(`model M(a: Int, b: Int, c: Int, d: Int, e: Int, f: Int, g: Int, h: Int) {\n  input x: [b, ${Array(20).fill(power).join(' * ')}]\n  dense(4)\n}`)).toContain('E0245');
    expect(rendersBoth(`model M(n: Int) {\n  input x: [b, ${Array(5000).fill('n').join(' * ')}]\n  dense(4)\n}`)).toContain('E0245');
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

  it('every phase ends in a result or a diagnostic on each shape, scaled down (full size: bench/pathological.ts)', async () => {
    const session = await LspSession.start();
    try {
      for (const [name, make] of Object.entries(PATHOLOGICAL)) {
        const text = make(0.02);
        const results = [...(await runPhases(text)), await runLsp(session, fuzzPath(), text, [text.length >> 1, text.length])];
        expect(results.filter((r) => r.outcome === 'threw' || r.outcome === 'wrong').map((r) => `${name}: ${r.phase} ${r.detail}`)).toEqual([]);
      }
    } finally {
      session.stop();
    }
  });

  it('nnc summary lays out a model of 200k layers (a spread of its rows into Math.max overflowed the stack)', () => {
    const m = checkText('model M {\n  input x: [b, 4]\n  x -> relu\n}').program.models.get('M')!;
    const last = m.nodes[m.nodes.length - 1]!;
    for (let i = m.nodes.length; i < 200_000; i++) m.nodes.push({ ...last, id: i, name: `relu_${i}`, inputs: [i - 1] });
    const lines = renderSummary(m).split('\n');
    expect(lines.length).toBeGreaterThan(400_000);
    expect(lines.at(-2)).toBe('Total params: 0');
  });

  it('imports read .nn files only and never quote another file', () => {
    const r = checkText('import "./photo.png"\nimport "./ok.nn"', { 'photo.png': '\u0000\u0001PNG secret bytes', 'ok.nn': 'let z = 1' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0244']);
    expect(renderText(r.diagnostics, r.sources)).not.toContain('secret');
  });
});
