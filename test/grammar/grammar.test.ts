// The grammar: precedence of the flat operator loop, spans, doc comments and recovery.
import { describe, expect, it } from 'vitest';
import type { Decl, Expr } from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';
import { MAX_SYNTAX_ERRORS, NnParser } from '../../grammar/parser.js';
import { makeLexer } from '../../grammar/tokens.js';
import { checkText } from '../helpers.js';

function letValue(src: string): number | undefined {
  const r = checkText(`let v = ${src}\nmodel M(k: Int = v) {\n  input x: [b, 4]\n  dense(k)\n}`);
  expect(r.diagnostics).toEqual([]);
  const m = r.program.models.get('M')!;
  return m.nodes[1]!.shape.dims[1]!.value;
}

describe('operators', () => {
  it.each([['1 + 2 * 3', 7], ['(1 + 2) * 3', 9], ['10 - 2 - 3', 5], ['20 / 2 / 5', 2], ['-2 * -3', 6], ['7 / 2', 3], ['2 * 3 - -1', 7]])('%s = %d', (src, want) => {
    expect(letValue(src)).toBe(want);
  });

  it('-> binds looser than arithmetic', () => {
    const { program } = parse('model M {\n  y = a + b -> dense(1)\n}');
    const body = (program.decls[0] as Extract<Decl, { kind: 'model' }>).body[0] as { value: Expr };
    expect(body.value.kind).toBe('pipe');
    const pipe = body.value as Extract<Expr, { kind: 'pipe' }>;
    expect(pipe.stages.map((s) => s.kind)).toEqual(['binary', 'call']);
  });
});

describe('parse results', () => {
  it('attaches doc comments to the next declaration only', () => {
    const { program } = parse('/// first\n/// more\nmodel A { input x: [b, 1] }\nmodel B { input x: [b, 1] }');
    expect(program.decls.map((d) => d.doc)).toEqual(['first\nmore', undefined]);
  });

  it('spans cover the source text of each name', () => {
    const src = 'let lookback = 10';
    const d = parse(src).program.decls[0] as Extract<Decl, { kind: 'let' }>;
    expect(src.slice(d.name.span.start, d.name.span.end)).toBe('lookback');
  });

  it('recovers: one typo does not hide later errors', () => {
    const r = checkText('model A {\n  input x: [b, 4\n  dense(2)\n}\nmodel B {\n  input x: [b, 4]\n  dense(0)\n}');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0101', 'E0210']);
  });

  it('a long run of broken arguments stops at MAX_SYNTAX_ERRORS, and the parser goes on working', () => {
    const broken = `let a = f(${'a: b: ,'.repeat(5000)})`;
    const r = parse(broken);
    expect(r.errors).toHaveLength(MAX_SYNTAX_ERRORS + 1);
    expect(r.errors.at(-1)?.message).toMatch(/^more than 1000 syntax errors: the rest of the file is not checked$/);
    expect(r.errors.at(-1)?.span.start).toBeLessThan(broken.length / 2);
    const good = 'let a = f(1, x: 2)';
    expect(parse(good).errors).toEqual([]);
    expect(JSON.stringify(parse(good).program)).toContain('"name":"x"');
  });
});

describe('the grammar definition', () => {
  // nnc builds its parser and lexer without chevrotain's definition checks (start-up time);
  // here they run once, so a change that makes the grammar ambiguous still fails.
  it("passes chevrotain's parser and lexer validations", () => {
    expect(() => new NnParser()).not.toThrow();
    expect(makeLexer().lexerDefinitionErrors).toEqual([]);
  });
});
