// nnc fmt: canonical layout that keeps every token and comment, is idempotent, and never
// throws, on the examples, the std modules and random mutations of them.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentOf, formatSource } from '../../compiler/format.js';

const files = ['examples', 'examples/seed', 'examples/data', 'runtime/std', 'test/fixtures'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.nn')).map((f) => join(d, f)));
const texts = files.map((f) => readFileSync(f, 'utf8'));

describe('nnc fmt', () => {
  it('lays out indentation, spacing and blank lines; comments stay where they were', () => {
    const messy = 'import std.data\n\n\n\nmodel   M(units:Int=3){\n      input x:int32[batch,10] /* ids */\n// the body\n   h=x->embedding(100,8)\n     ->lstm( units ,return_sequences:true)\n h -> dense(-1 + 2*units)   // out\n}\n';
    expect(formatSource(messy)).toBe('import std.data\n\nmodel M(units: Int = 3) {\n  input x: int32[batch, 10] /* ids */\n  // the body\n  h = x -> embedding(100, 8)\n    -> lstm(units, return_sequences: true)\n  h -> dense(-1 + 2 * units) // out\n}\n');
  });

  it('the examples and std modules are formatted, and formatting them changes nothing', () => {
    for (const [i, f] of files.entries()) if (!f.startsWith('test/')) expect(formatSource(texts[i]!), f).toBe(texts[i]);
  });

  it('keeps every token and comment, and is idempotent, under random mutations', () => {
    const pieces = ['(', ')', '[', ']', '{', '}', ':', ',', '->', '=', '-', '*', '\n', '  ', '// c\n', '/* c */', 'x', '3'];
    fc.assert(fc.property(fc.nat(texts.length - 1), fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 3 }), insert: fc.constantFrom(...pieces) }), { maxLength: 6 }), (k, edits) => {
      let text = texts[k]!;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.del);
      }
      const out = formatSource(text);
      if (out === undefined) return; // does not parse: nothing to lay out
      expect(contentOf(out)).toEqual(contentOf(text));
      expect(formatSource(out)).toBe(out);
    }), { numRuns: 400, seed: 7 });
  });
});
