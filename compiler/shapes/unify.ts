// Unification of symbolic shapes: binds flexible named dims so that a pattern (a model's
// input) matches an actual shape (data, or the caller's tensor).
import { Dim } from './dim.js';
import type { Shape } from './shape.js';

export interface UnifyFailure { axis: number; expected: Dim; found: Dim }

/** Tries to make `pattern` equal `actual` by binding names in `flexible`. Mutates `bindings`
 *  only on success. Returns the first mismatching axis otherwise. */
export function unifyShapes(pattern: Shape, actual: Shape, bindings: Map<string, Dim>, flexible: ReadonlySet<string>): UnifyFailure | 'rank' | undefined {
  if (pattern.dims.length !== actual.dims.length) return 'rank';
  const trial = new Map(bindings);
  for (let i = 0; i < pattern.dims.length; i++) {
    const p = pattern.dims[i]!.substitute(trial);
    const a = actual.dims[i]!;
    if (p.unknown || a.unknown || p.equals(a)) continue;
    const solved = solve(p, a, flexible);
    if (!solved) return { axis: i, expected: p, found: a };
    trial.set(solved.name, solved.value);
  }
  for (const [k, v] of trial) bindings.set(k, v);
  return undefined;
}

/** Solves `c*x + d = a` for one flexible unbound name x, when the result is exact. */
function solve(p: Dim, a: Dim, flexible: ReadonlySet<string>): { name: string; value: Dim } | undefined {
  const free = [...p.symbols()].filter((s) => flexible.has(s));
  if (free.length !== 1) return undefined;
  const x = free[0]!;
  if (p.symbol === x) return { name: x, value: a };
  const c0 = p.substitute(new Map([[x, Dim.const(0)]]));
  const c1 = p.substitute(new Map([[x, Dim.const(1)]])).sub(c0);
  if (c1.value === undefined || c1.value === 0 || !p.equals(c1.mul(Dim.sym(x)).add(c0))) return undefined;
  const rhs = a.sub(c0);
  const q = rhs.floorDiv(c1);
  return q.mul(c1).equals(rhs) && (q.value === undefined || q.value > 0) ? { name: x, value: q } : undefined;
}
