// Property tests: the parser and checker never throw. Random token soups and random
// mutations of the examples each end in diagnostics or a clean check.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkText } from '../helpers.js';

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

function neverThrows(text: string): void {
  const r = checkText(text);
  for (const d of r.diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(text.length + 1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe('fuzz', () => {
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
