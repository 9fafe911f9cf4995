// The LayerCtx that layer rules run in, over checked argument values. Shared by the checker
// (symbolic shapes), the summary and the runtime (concrete configs).
import { Dim } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import type { LayerInstance, Value } from '../ir.js';
import { LAYERS } from './index.js';
import { RuleError } from '../diagnostics.js';
import { describeValue } from '../ir.js';
import { rankError, type LayerCtx } from './types.js';

/** `(k, 1)`: a list as written, its named dims by name. */
function describeInts(v: Value): string {
  const one = (x: Value) => (x.kind === 'int' ? String(x.value) : x.kind === 'dim' ? String(x.dim) : describeValue(x));
  return v.kind === 'list' ? `(${v.items.map(one).join(', ')})` : one(v);
}

function asInts(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'int') return [v.value];
  if (v.kind === 'dim' && v.dim.value !== undefined) return [v.dim.value];
  if (v.kind === 'list') {
    const out = v.items.map((i) => asInts(i)?.[0]);
    return out.every((x): x is number => x !== undefined) ? out : undefined;
  }
  return undefined;
}

/** Called when a rule needs a known dim but finds a named one: the checker defers the
 *  question until data binds the name (`vocab`). Without it, a named dim is an error. */
export type DeferKnown = (d: Dim, why: string) => void;

export function layerCtx(layerName: string, args: ReadonlyMap<string, Value>, inputs: readonly Shape[], defer?: DeferKnown): LayerCtx {
  const get = (name: string): Value => {
    const v = args.get(name);
    // The checker binds every parameter (or stops at a poisoned one) before a rule runs.
    if (!v || v.kind === 'poison') throw new Error(`${layerName}: the rule read '${name}', which has no checked value`);
    return v;
  };
  const applied = new Map<string, { shape: Shape; params: Dim }>();
  const ctx: LayerCtx = {
    inputs,
    args,
    int(name) {
      const v = get(name);
      if (v.kind === 'int') return v.value;
      if (v.kind === 'dim' && v.dim.value !== undefined) return v.dim.value;
      throw RuleError.of('E0308', { name, layer: layerName, found: v.kind === 'dim' ? String(v.dim) : describeValue(v) }, { at: name });
    },
    dim(name) {
      const v = get(name);
      if (v.kind === 'int') return Dim.const(v.value);
      if (v.kind === 'dim') return v.dim;
      throw RuleError.of('E0207', { name, expected: 'an Int', found: describeValue(v) }, { at: name });
    },
    ints(name, n) {
      const xs = asInts(get(name));
      if (!xs) throw RuleError.of('E0308', { name, layer: layerName, found: describeInts(get(name)) }, { at: name });
      if (n < 0 || xs.length === n) return xs;
      if (xs.length === 1) return Array.from({ length: n }, () => xs[0]!);
      throw RuleError.of('E0225', { name, expected: n, found: xs.length }, { at: name });
    },
    float(name) {
      const v = get(name);
      if (v.kind === 'float' || v.kind === 'int') return v.value;
      throw RuleError.of('E0207', { name, expected: 'a number', found: describeValue(v) }, { at: name });
    },
    bool(name) {
      const v = get(name);
      if (v.kind === 'bool') return v.value;
      throw RuleError.of('E0207', { name, expected: 'true or false', found: describeValue(v) }, { at: name });
    },
    enum(name) {
      const v = get(name);
      if (v.kind === 'enum') return v.name;
      if (v.kind === 'null') return 'null';
      throw RuleError.of('E0207', { name, expected: 'a name', found: describeValue(v) }, { at: name });
    },
    layer(name) {
      const v = get(name);
      if (v.kind === 'layer') return v.layer;
      throw RuleError.of('E0207', { name, expected: 'a layer', found: describeValue(v) }, { at: name });
    },
    apply(inner: LayerInstance, input: Shape) {
      const def = LAYERS.get(inner.layer);
      if (!def || def.arity !== 1) throw RuleError.of('E0222', { wrapper: layerName, found: inner.layer, expected: 'a layer of one input' }, { at: 'layer' });
      // Memoised: a wrapper's shape and weight rules both apply the inner layer, so nested
      // wrappers (`bidirectional(bidirectional(...))`) would otherwise cost 2^depth.
      const key = `${inner.id}:${formatShape(input)}`;
      const done = applied.get(key);
      if (done) return done;
      const innerCtx = layerCtx(inner.layer, inner.args, [input], defer);
      const result = { shape: def.outputShape(innerCtx), params: def.paramCount(innerCtx) };
      applied.set(key, result);
      return result;
    },
    input(rank, index = 0) {
      const s = inputs[index]!;
      const r = s.dims.length;
      if (typeof rank === 'number') {
        if (r !== rank) throw rankError(String(rank), s, layerName, rankHelp(layerName, rank, r));
      } else if (r < rank.min || (rank.max !== undefined && r > rank.max)) {
        throw rankError(rank.max === undefined ? `${rank.min} or more` : `${rank.min} to ${rank.max}`, s, layerName);
      }
      return s;
    },
    known(d, what) {
      if (d.value !== undefined) return d.value;
      if (defer && !d.unknown) {
        defer(d, what);
        return NaN;
      }
      throw RuleError.of('E0307', { need: what, dim: String(d) }, { at: 'input' });
    },
  };
  return ctx;
}

/** Which of E0302's hints fits (the sentences are in the diagnostics table). */
function rankHelp(layer: string, want: number, got: number): 'sequence' | 'flatten' | 'channels' | undefined {
  if (want === 3 && got === 2 && LAYERS.get(layer)?.sequence) return 'sequence';
  if (want === 2 && got > 2) return 'flatten';
  if (want === 4 && got === 3) return 'channels';
  return undefined;
}
