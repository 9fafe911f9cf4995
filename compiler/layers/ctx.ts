// The LayerCtx that layer rules run in, over checked argument values. Shared by the checker
// (symbolic shapes), the summary and the runtime (concrete configs).
import { Dim } from '../shapes/dim.js';
import type { Shape } from '../shapes/shape.js';
import type { LayerInstance, Value } from '../ir.js';
import { LAYERS } from './index.js';
import { rankError, ShapeError, type LayerCtx } from './types.js';

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
    if (!v || v.kind === 'poison') throw new ShapeError('E0210', `argument '${name}' is invalid`, { at: name });
    return v;
  };
  const ctx: LayerCtx = {
    inputs,
    args,
    int(name) {
      const v = get(name);
      if (v.kind === 'int') return v.value;
      if (v.kind === 'dim' && v.dim.value !== undefined) return v.dim.value;
      throw new ShapeError('E0303', `'${name}' of ${layerName} must be a known number here, found ${v.kind === 'dim' ? v.dim : v.kind}`, { at: name });
    },
    dim(name) {
      const v = get(name);
      if (v.kind === 'int') return Dim.const(v.value);
      if (v.kind === 'dim') return v.dim;
      throw new ShapeError('E0210', `'${name}' must be an Int`, { at: name });
    },
    ints(name, n) {
      const xs = asInts(get(name));
      if (!xs) throw new ShapeError('E0303', `'${name}' of ${layerName} must be known numbers`, { at: name });
      if (n < 0 || xs.length === n) return xs;
      if (xs.length === 1) return Array.from({ length: n }, () => xs[0]!);
      throw new ShapeError('E0210', `'${name}' needs ${n} values, found ${xs.length}`, { at: name });
    },
    float(name) {
      const v = get(name);
      if (v.kind === 'float' || v.kind === 'int') return v.value;
      throw new ShapeError('E0210', `'${name}' must be a number`, { at: name });
    },
    bool(name) {
      const v = get(name);
      if (v.kind === 'bool') return v.value;
      throw new ShapeError('E0210', `'${name}' must be true or false`, { at: name });
    },
    enum(name) {
      const v = get(name);
      if (v.kind === 'enum') return v.name;
      if (v.kind === 'null') return 'null';
      throw new ShapeError('E0210', `'${name}' must be a name`, { at: name });
    },
    layer(name) {
      const v = get(name);
      if (v.kind === 'layer') return v.layer;
      throw new ShapeError('E0207', `'${name}' must be a layer`, { at: name });
    },
    apply(inner: LayerInstance, input: Shape) {
      const def = LAYERS.get(inner.layer);
      if (!def || def.arity !== 1) throw new ShapeError('E0207', `${inner.layer} cannot be wrapped here`, { at: 'layer' });
      const innerCtx = layerCtx(inner.layer, inner.args, [input], defer);
      return { shape: def.outputShape(innerCtx), params: def.paramCount(innerCtx) };
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
      throw new ShapeError('E0303', `${what}, but it is ${d}`, { at: 'input', help: 'fix the dim in the input shape, or bind it from data with a known size' });
    },
  };
  return ctx;
}

function rankHelp(layer: string, want: number, got: number): string | undefined {
  if (want === 3 && got === 2 && ['simple_rnn', 'lstm', 'gru', 'conv1d', 'bidirectional'].includes(layer)) {
    return 'a sequence layer needs [batch, time, features]; use return_sequences: true on the layer before, or reshape';
  }
  if (want === 2 && got > 2) return 'flatten (or a global pooling layer) first';
  if (want === 4 && got === 3) return 'images need [batch, height, width, channels]; reshape to add a channel axis';
  return undefined;
}
