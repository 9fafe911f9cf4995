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
  return new Ctx(layerName, args, inputs, defer);
}

/** A class rather than an object of closures: one is made per layer application, and a
 *  100k-layer model made 1.5M closures for the collector. */
class Ctx implements LayerCtx {
  /** Wrapped layers already applied, by layer and input shape. */
  private applied?: Map<string, { shape: Shape; params: Dim }>;

  constructor(private readonly layerName: string, readonly args: ReadonlyMap<string, Value>, readonly inputs: readonly Shape[], private readonly defer?: DeferKnown) {}

  private get(name: string): Value {
    const v = this.args.get(name);
    // The checker binds every parameter (or stops at a poisoned one) before a rule runs.
    if (!v || v.kind === 'poison') throw new Error(`${this.layerName}: the rule read '${name}', which has no checked value`);
    return v;
  }
  int(name: string): number {
    const v = this.get(name);
    if (v.kind === 'int') return v.value;
    if (v.kind === 'dim' && v.dim.value !== undefined) return v.dim.value;
    throw RuleError.of('E0308', { name, layer: this.layerName, found: v.kind === 'dim' ? String(v.dim) : describeValue(v) }, { at: name });
  }
  dim(name: string): Dim {
    const v = this.get(name);
    if (v.kind === 'int') return Dim.const(v.value);
    if (v.kind === 'dim') return v.dim;
    throw RuleError.of('E0207', { name, expected: 'an Int', found: describeValue(v) }, { at: name });
  }
  ints(name: string, n: number): number[] {
    const xs = asInts(this.get(name));
    if (!xs) throw RuleError.of('E0308', { name, layer: this.layerName, found: describeInts(this.get(name)) }, { at: name });
    if (n < 0 || xs.length === n) return xs;
    if (xs.length === 1) return Array.from({ length: n }, () => xs[0]!);
    throw RuleError.of('E0225', { name, expected: n, found: xs.length }, { at: name });
  }
  float(name: string): number {
    const v = this.get(name);
    if (v.kind === 'float' || v.kind === 'int') return v.value;
    throw RuleError.of('E0207', { name, expected: 'a number', found: describeValue(v) }, { at: name });
  }
  bool(name: string): boolean {
    const v = this.get(name);
    if (v.kind === 'bool') return v.value;
    throw RuleError.of('E0207', { name, expected: 'true or false', found: describeValue(v) }, { at: name });
  }
  enum(name: string): string {
    const v = this.get(name);
    if (v.kind === 'enum') return v.name;
    if (v.kind === 'null') return 'null';
    throw RuleError.of('E0207', { name, expected: 'a name', found: describeValue(v) }, { at: name });
  }
  layer(name: string): LayerInstance {
    const v = this.get(name);
    if (v.kind === 'layer') return v.layer;
    throw RuleError.of('E0207', { name, expected: 'a layer', found: describeValue(v) }, { at: name });
  }
  apply(inner: LayerInstance, input: Shape): { shape: Shape; params: Dim } {
    const def = LAYERS.get(inner.layer);
    if (!def || def.arity !== 1) throw RuleError.of('E0222', { wrapper: this.layerName, found: inner.layer, expected: 'a layer of one input' }, { at: 'layer' });
    // Memoised: a wrapper's shape and weight rules both apply the inner layer, so nested
    // wrappers (`bidirectional(bidirectional(...))`) would otherwise cost 2^depth.
    const key = `${inner.id}:${formatShape(input)}`;
    const done = this.applied?.get(key);
    if (done) return done;
    const innerCtx = layerCtx(inner.layer, inner.args, [input], this.defer);
    const result = { shape: def.outputShape(innerCtx), params: def.paramCount(innerCtx) };
    (this.applied ??= new Map()).set(key, result);
    return result;
  }
  input(rank: number | { min: number; max?: number }, index = 0): Shape {
    const s = this.inputs[index]!;
    const r = s.dims.length;
    if (typeof rank === 'number') {
      if (r !== rank) throw rankError(String(rank), s, this.layerName, rankHelp(this.layerName, rank, r));
    } else if (r < rank.min || (rank.max !== undefined && r > rank.max)) {
      throw rankError(rank.max === undefined ? `${rank.min} or more` : `${rank.min} to ${rank.max}`, s, this.layerName);
    }
    return s;
  }
  known(d: Dim, what: string): number {
    if (d.value !== undefined) return d.value;
    if (this.defer && !d.unknown) {
      this.defer(d, what);
      return NaN;
    }
    throw RuleError.of('E0307', { need: what, dim: String(d) }, { at: 'input' });
  }
}

/** Which of E0302's hints fits (the sentences are in the diagnostics table). */
function rankHelp(layer: string, want: number, got: number): 'sequence' | 'flatten' | 'channels' | undefined {
  if (want === 3 && got === 2 && LAYERS.get(layer)?.sequence) return 'sequence';
  if (want === 2 && got > 2) return 'flatten';
  if (want === 4 && got === 3) return 'channels';
  return undefined;
}
