// The dim algebra: normal form, equality, division, substitution and unification.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dim, DimTooComplex, MAX_DIM_FACTORS, MAX_DIM_TERMS } from '../../compiler/shapes/dim.js';
import { convOutputLength, convTransposeOutputLength, shape } from '../../compiler/shapes/shape.js';
import { unifyShapes } from '../../compiler/shapes/unify.js';

const k = Dim.const;
const s = Dim.sym;

describe('dim normal form', () => {
  it('commutes and collects like terms', () => {
    expect(s('a').mul(s('c')).equals(s('c').mul(s('a')))).toBe(true);
    expect(s('n').add(s('n')).toString()).toBe('2*n');
    expect(s('n').mul(k(2)).sub(s('n')).toString()).toBe('n');
    expect(s('n').sub(s('n')).toString()).toBe('0');
  });
  it('keeps floor division opaque unless exact', () => {
    expect(s('n').floorDiv(k(2)).mul(k(2)).equals(s('n'))).toBe(false);
    expect(s('n').mul(k(4)).floorDiv(k(2)).toString()).toBe('2*n');
    expect(s('n').mul(s('m')).floorDiv(s('m')).toString()).toBe('n');
    expect(k(7).floorDiv(k(2)).value).toBe(3);
    expect(k(7).ceilDiv(k(2)).value).toBe(4);
    expect(k(-7).floorDiv(k(2)).value).toBe(-4);
  });
  it('prints the conv formula readably', () => {
    expect(convOutputLength(s('L'), 3, 1, 'valid').toString()).toBe('L - 2');
    expect(convOutputLength(s('L'), 3, 2, 'valid').toString()).toBe('(L + 1)/2 - 1');
    expect(convOutputLength(s('L'), 3, 2, 'same').toString()).toBe('ceil(L/2)');
    expect(convTransposeOutputLength(s('h'), 3, 2, 'same').toString()).toBe('2*h');
    expect(convOutputLength(k(10), 3, 1, 'valid', 2).value).toBe(6);
  });
  it('refuses polynomials past MAX_DIM_TERMS terms or MAX_DIM_FACTORS factors a term', () => {
    const sum = 'abcdefgh'.split('').map(s).reduce((a, b) => a.add(b));
    let power = sum;
    expect(() => { for (let i = 0; i < 12; i++) power = power.mul(sum); }).toThrow(DimTooComplex);
    expect(power.terms.length).toBeLessThanOrEqual(MAX_DIM_TERMS);
    let product = s('n');
    expect(() => { for (let i = 0; i < 100; i++) product = product.mul(s('n')); }).toThrow(DimTooComplex);
    expect(product.terms[0]!.atoms.length).toBe(MAX_DIM_FACTORS);
  });
  it('unknown dims equal nothing and absorb arithmetic', () => {
    expect(Dim.UNKNOWN.equals(Dim.UNKNOWN)).toBe(false);
    expect(Dim.UNKNOWN.add(k(1)).unknown).toBe(true);
  });
});

// Random dim expressions over a few names, evaluated both symbolically and numerically.
type Tree = { op: 'c'; v: number } | { op: 's'; name: string } | { op: '+' | '-' | '*' | 'f' | 'ceil'; a: Tree; b: Tree };
const names = ['a', 'b', 'c'];
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 9 }).map((v) => ({ op: 'c' as const, v })),
    fc.constantFrom(...names).map((name) => ({ op: 's' as const, name })),
    fc.record({ op: fc.constantFrom('+' as const, '-' as const, '*' as const), a: tie('t'), b: tie('t') }),
    fc.record({ op: fc.constantFrom('f' as const, 'ceil' as const), a: tie('t'), b: fc.integer({ min: 1, max: 4 }).map((v) => ({ op: 'c' as const, v })) }),
  ),
})).t;

function toDim(t: Tree): Dim {
  switch (t.op) {
    case 'c': return k(t.v);
    case 's': return s(t.name);
    case '+': return toDim(t.a).add(toDim(t.b));
    case '-': return toDim(t.a).sub(toDim(t.b));
    case '*': return toDim(t.a).mul(toDim(t.b));
    case 'f': return toDim(t.a).floorDiv(toDim(t.b));
    case 'ceil': return toDim(t.a).ceilDiv(toDim(t.b));
  }
}
function evalTree(t: Tree, env: Record<string, number>): number {
  switch (t.op) {
    case 'c': return t.v;
    case 's': return env[t.name]!;
    case '+': return evalTree(t.a, env) + evalTree(t.b, env);
    case '-': return evalTree(t.a, env) - evalTree(t.b, env);
    case '*': return evalTree(t.a, env) * evalTree(t.b, env);
    case 'f': return Math.floor(evalTree(t.a, env) / evalTree(t.b, env));
    case 'ceil': return Math.ceil(evalTree(t.a, env) / evalTree(t.b, env)) || 0; // no -0
  }
}
const envArb = fc.record({ a: fc.integer({ min: 1, max: 50 }), b: fc.integer({ min: 1, max: 50 }), c: fc.integer({ min: 1, max: 50 }) });

describe('dim algebra properties', () => {
  it('normalisation preserves value: substituting numbers gives the numeric result', () => {
    fc.assert(fc.property(tree, envArb, (t, env) => {
      const bound = new Map(Object.entries(env).map(([n, v]) => [n, k(v)]));
      expect(toDim(t).substitute(bound).value).toBe(evalTree(t, env) + 0); // + 0 turns -0 into 0
    }), { numRuns: 500 });
  });
  it('equal normal forms mean equal values', () => {
    fc.assert(fc.property(tree, tree, envArb, (x, y, env) => {
      if (toDim(x).equals(toDim(y))) expect(evalTree(x, env) + 0).toBe(evalTree(y, env) + 0); // + 0: -0 is 0
    }), { numRuns: 500 });
  });
  it('addition and multiplication commute', () => {
    fc.assert(fc.property(tree, tree, (x, y) => {
      expect(toDim(x).add(toDim(y)).equals(toDim(y).add(toDim(x)))).toBe(true);
      expect(toDim(x).mul(toDim(y)).equals(toDim(y).mul(toDim(x)))).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('unification', () => {
  it('binds flexible names from actual shapes', () => {
    const b = new Map<string, Dim>();
    expect(unifyShapes(shape(['batch', 10, 'vocab']), shape(['n', 10, 57]), b, new Set(['batch', 'vocab']))).toBeUndefined();
    expect(b.get('batch')!.toString()).toBe('n');
    expect(b.get('vocab')!.value).toBe(57);
  });
  it('solves linear dims and refuses inexact ones', () => {
    const b = new Map<string, Dim>();
    expect(unifyShapes(shape([s('u').mul(k(2))]), shape([10]), b, new Set(['u']))).toBeUndefined();
    expect(b.get('u')!.value).toBe(5);
    expect(unifyShapes(shape([s('v').mul(k(2))]), shape([7]), new Map(), new Set(['v']))).toMatchObject({ axis: 0 });
  });
  it('reports rank and rigid mismatches', () => {
    expect(unifyShapes(shape(['b', 3]), shape(['b', 3, 1]), new Map(), new Set())).toBe('rank');
    expect(unifyShapes(shape(['b', 3]), shape(['b', 4]), new Map(), new Set(['b']))).toMatchObject({ axis: 1 });
  });
});
