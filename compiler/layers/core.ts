// Core, activation, merge, normalisation and generative layers.
import { Dim } from '../shapes/dim.js';
import { broadcast, formatShape, product, shape, type Shape } from '../shapes/shape.js';
import { RuleError } from '../diagnostics.js';
import { activationParam, P, rankError, tfjsActivation, ZERO, type LayerCtx, type LayerDef } from './types.js';

const c = (n: number) => Dim.const(n);
const last = (s: Shape) => s.dims[s.dims.length - 1]!;
const withLast = (s: Shape, d: Dim): Shape => ({ dtype: 'float32', dims: [...s.dims.slice(0, -1), d] });
const same = (ctx: LayerCtx): Shape => ({ ...ctx.input({ min: 1 }), dtype: 'float32' });

function activationLayer(name: string, doc: string, extra: Partial<LayerDef> = {}): LayerDef {
  return {
    name, category: 'activation', doc, shapeDoc: '[...] → [...]', params: [], arity: 1, activation: name,
    outputShape: same, paramCount: () => ZERO,
    tfjs: () => ({ fn: 'activation', config: { activation: tfjsActivation(name) } }),
    ...extra,
  };
}

function mergeLayer(name: string, fn: string, doc: string): LayerDef {
  return {
    name, category: 'merge', doc, shapeDoc: '[...], [...] → [...] (broadcast)', params: [], arity: 'many',
    outputShape(ctx) {
      let out = ctx.inputs[0]!;
      for (let i = 1; i < ctx.inputs.length; i++) {
        const next = broadcast(out, ctx.inputs[i]!);
        if (!next || next.dims.length !== out.dims.length || !next.dims.every((d, j) => d.equals(out.dims[j]!) || out.dims[j]!.unknown)) {
          throw RuleError.of('E0301', { layer: name, expected: formatShape(out), found: formatShape(ctx.inputs[i]!) }, { at: 'input', inputIndex: i });
        }
        out = next;
      }
      return { ...out, dtype: 'float32' };
    },
    paramCount: () => ZERO,
    tfjs: () => ({ fn, config: {}, ...(fn === 'subtract' ? { runtime: true as const } : {}) }),
  };
}

/** reshape's rule: the target dims, with a -1 solved from the element count. */
function reshapeOutput(ctx: LayerCtx): Shape {
  const x = ctx.input({ min: 1 });
  const target = (ctx.args.get('target_shape') as { kind: 'list'; items: { kind: string; value?: number; dim?: Dim }[] }).items
    .map((v) => (v.kind === 'dim' ? v.dim! : c(v.value!)));
  const have = product(x.dims.slice(1));
  const inferred = target.findIndex((d) => d.value === -1);
  const fixed = product(target.filter((_, i) => i !== inferred));
  let dims = target;
  if (inferred >= 0) {
    const q = have.floorDiv(fixed);
    if (!q.mul(fixed).equals(have)) throw RuleError.of('E0309', { count: String(have), fixed: String(fixed) }, { at: 'target_shape' });
    dims = target.map((d, i) => (i === inferred ? q : d));
  } else if (!fixed.equals(have) && !have.unknown) {
    throw RuleError.of('E0304', { expected: String(have), input: formatShape(x), found: String(fixed), target: `[${target.join(', ')}]` }, { at: 'target_shape' });
  }
  return shape([x.dims[0]!, ...dims]);
}

export const coreLayers: LayerDef[] = [
  {
    name: 'dense', category: 'core', arity: 1,
    doc: 'Fully connected layer: `output = activation(input · kernel + bias)` on the last axis.',
    shapeDoc: '[..., d] → [..., units]',
    params: [P.units('Number of output units.'), activationParam(true), P.bool('use_bias', 'Whether to add a bias vector.', true)],
    outputShape(ctx) {
      const x = ctx.input({ min: 2 });
      ctx.known(last(x), 'dense needs the size of the last axis to size its kernel');
      return withLast(x, ctx.dim('units'));
    },
    paramCount(ctx) {
      const d = last(ctx.inputs[0]!), u = ctx.dim('units');
      return d.mul(u).add(ctx.bool('use_bias') ? u : ZERO);
    },
    // The runtime's FusedDense: x·W + b as one kernel (the stock class on other backends).
    tfjs: (ctx) => ({ fn: 'dense', runtime: true, config: { units: ctx.int('units'), activation: tfjsActivation(ctx.enum('activation')), useBias: ctx.bool('use_bias') } }),
  },
  {
    name: 'dropout', category: 'core', arity: 1,
    doc: 'Randomly sets a fraction `rate` of inputs to 0 while training (identity at inference).',
    shapeDoc: '[...] → [...]',
    params: [P.float('rate', 'Fraction of the inputs to drop, in [0, 1).', { positional: true, min: 0, max: 1, maxExclusive: true })],
    outputShape: same, paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'dropout', config: { rate: ctx.float('rate') } }),
  },
  {
    name: 'flatten', category: 'core', arity: 1, keepsValues: true,
    doc: 'Flattens every axis after the batch axis into one.',
    shapeDoc: '[b, a, c, ...] → [b, a*c*...]',
    params: [],
    outputShape(ctx) {
      const x = ctx.input({ min: 2 });
      const rest = x.dims.slice(1);
      rest.forEach((d) => ctx.known(d, 'flatten needs every non-batch axis to be known'));
      return shape([x.dims[0]!, product(rest)]);
    },
    paramCount: () => ZERO,
    tfjs: () => ({ fn: 'flatten', config: {} }),
  },
  {
    name: 'reshape', category: 'core', arity: 1, keepsValues: true,
    doc: 'Reshapes the non-batch axes; the element count must stay the same. One dim may be -1 (inferred).',
    shapeDoc: '[b, n] → [b, d1, d2, ...] with n = d1*d2*...',
    params: [P.rest('target_shape', 'The new non-batch dims.')],
    outputShape: reshapeOutput,
    paramCount: () => ZERO,
    // tfjs leaves a -1 dim unknown in its static shapes; give it the dims the rule solved.
    tfjs: (ctx) => ({ fn: 'reshape', config: { targetShape: reshapeOutput(ctx).dims.slice(1).map((d) => d.value ?? -1) } }),
  },
  {
    name: 'permute', category: 'core', arity: 1, keepsValues: true,
    doc: 'Permutes the non-batch axes; dims are 1-based (`permute(2, 1)` swaps the two axes after batch).',
    shapeDoc: '[b, a, c] → [b, c, a] for permute(2, 1)',
    params: [P.rest('dims', 'A permutation of 1..rank-1.')],
    outputShape(ctx) {
      const x = ctx.input({ min: 2 });
      const perm = ctx.ints('dims', -1);
      const n = x.dims.length - 1;
      const sorted = [...perm].sort((a, b) => a - b);
      if (perm.length !== n || sorted.some((p, i) => p !== i + 1)) {
        throw RuleError.of('E0227', { name: 'dims', rank: n, found: `(${perm.join(', ')})` }, { at: 'dims' });
      }
      return shape([x.dims[0]!, ...perm.map((p) => x.dims[p]!)]);
    },
    paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'permute', config: { dims: ctx.ints('dims', -1) } }),
  },
  {
    name: 'repeat_vector', category: 'core', arity: 1,
    doc: 'Repeats a vector `n` times along a new time axis (sequence-to-sequence decoders).',
    shapeDoc: '[b, d] → [b, n, d]',
    params: [P.units('How many times to repeat.', 'n')],
    outputShape(ctx) {
      const x = ctx.input(2);
      return shape([x.dims[0]!, ctx.dim('n'), x.dims[1]!]);
    },
    paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'repeatVector', config: { n: ctx.int('n') } }),
  },
  {
    name: 'activation', category: 'activation', arity: 1,
    doc: 'Applies an activation function element-wise.',
    shapeDoc: '[...] → [...]',
    params: [{ ...activationParam(true, 'linear'), default: undefined }],
    outputShape: same, paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'activation', config: { activation: tfjsActivation(ctx.enum('activation')) } }),
  },
  activationLayer('relu', 'Rectified linear unit: `max(x, 0)`.'),
  activationLayer('sigmoid', 'Logistic sigmoid: `1 / (1 + exp(-x))`.'),
  activationLayer('tanh', 'Hyperbolic tangent.'),
  activationLayer('softmax', 'Softmax over the last axis: the outputs are positive and sum to 1.'),
  activationLayer('gelu', 'Gaussian error linear unit.'),
  activationLayer('elu', 'Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`.', {
    params: [P.float('alpha', 'Scale of the negative part.', { positional: true, default: { kind: 'float', value: 1 } })],
    tfjs: (ctx) => ({ fn: 'elu', config: { alpha: ctx.float('alpha') } }),
  }),
  activationLayer('leaky_relu', 'Leaky ReLU: `x` if `x > 0` else `alpha * x` (GAN discriminators use 0.2).', {
    params: [P.float('alpha', 'Slope for negative inputs.', { positional: true, min: 0, default: { kind: 'float', value: 0.3 } })],
    tfjs: (ctx) => ({ fn: 'leakyReLU', config: { alpha: ctx.float('alpha') } }),
  }),
  {
    name: 'batch_norm', category: 'normalisation', arity: 1,
    doc: 'Batch normalisation over the last axis (4 weights per channel: gamma, beta and the moving mean and variance).',
    shapeDoc: '[..., c] → [..., c]',
    params: [
      P.float('momentum', 'Momentum of the moving averages.', { default: { kind: 'float', value: 0.99 }, min: 0, max: 1 }),
      P.float('epsilon', 'Added to the variance to avoid dividing by zero.', { default: { kind: 'float', value: 1e-3 }, min: 0 }),
      P.bool('center', 'Learn an offset beta.', true),
      P.bool('scale', 'Learn a scale gamma.', true),
    ],
    outputShape(ctx) {
      const x = ctx.input({ min: 2 });
      ctx.known(last(x), 'batch_norm sizes its weights by the last axis');
      return { ...x, dtype: 'float32' };
    },
    paramCount(ctx) {
      const ch = last(ctx.inputs[0]!);
      return ch.mul(c(2 + (ctx.bool('center') ? 1 : 0) + (ctx.bool('scale') ? 1 : 0)));
    },
    tfjs: (ctx) => ({ fn: 'batchNormalization', config: { momentum: ctx.float('momentum'), epsilon: ctx.float('epsilon'), center: ctx.bool('center'), scale: ctx.bool('scale') } }),
  },
  {
    name: 'layer_norm', category: 'normalisation', arity: 1,
    doc: 'Layer normalisation over the last axis.',
    shapeDoc: '[..., c] → [..., c]',
    params: [P.float('epsilon', 'Added to the variance to avoid dividing by zero.', { default: { kind: 'float', value: 1e-3 }, min: 0 })],
    outputShape(ctx) {
      const x = ctx.input({ min: 2 });
      ctx.known(last(x), 'layer_norm sizes its weights by the last axis');
      return { ...x, dtype: 'float32' };
    },
    paramCount: (ctx) => last(ctx.inputs[0]!).mul(c(2)),
    tfjs: (ctx) => ({ fn: 'layerNormalization', config: { epsilon: ctx.float('epsilon') } }),
  },
  {
    name: 'embedding', category: 'core', arity: 1,
    doc: 'Maps integer token ids in [0, input_dim) to dense vectors of size output_dim.',
    shapeDoc: 'int32[b, t] → [b, t, output_dim]',
    params: [P.units('Vocabulary size (largest id + 1).', 'input_dim'), P.units('Size of each embedding vector.', 'output_dim'),
      P.bool('mask_zero', 'Treat id 0 as padding and mask it for recurrent layers.', false)],
    outputShape(ctx) {
      const x = ctx.input(2);
      if (x.dtype !== 'int32') {
        throw RuleError.of('E0306', { layer: 'embedding', expected: `int32${formatShape({ ...x, dtype: 'float32' })}`, found: formatShape(x) }, { at: 'input' });
      }
      return shape([...x.dims, ctx.dim('output_dim')]);
    },
    paramCount: (ctx) => ctx.dim('input_dim').mul(ctx.dim('output_dim')),
    tfjs: (ctx) => ({ fn: 'embedding', config: { inputDim: ctx.int('input_dim'), outputDim: ctx.int('output_dim'), maskZero: ctx.bool('mask_zero') } }),
  },
  mergeLayer('add', 'add', 'Adds tensors element-wise (residual connections). `x + y` is the same.'),
  mergeLayer('subtract', 'subtract', 'Subtracts the second tensor from the first. `x - y` is the same.'),
  mergeLayer('multiply', 'multiply', 'Multiplies tensors element-wise. `x * y` is the same.'),
  mergeLayer('average', 'average', 'Averages tensors element-wise.'),
  {
    name: 'concat', category: 'merge', arity: 'many',
    doc: 'Concatenates tensors along an axis (the last by default).',
    shapeDoc: '[b, t, f1], [b, t, f2] → [b, t, f1+f2]',
    params: [P.int('axis', 'Axis to join along; negative counts from the end.', { default: { kind: 'int', value: -1 } })],
    outputShape(ctx) {
      const first = ctx.inputs[0]!;
      const rank = first.dims.length;
      const axisArg = ctx.int('axis');
      const axis = axisArg < 0 ? rank + axisArg : axisArg;
      if (axis === 0) throw RuleError.of('E0241', { axis: axisArg, last: rank - 1 }, { at: 'axis' });
      if (axis < 1 || axis >= rank) throw RuleError.of('E0210', { name: 'axis', expected: `an axis of a rank-${rank} tensor after batch, 1 to ${rank - 1} or -1 to -${rank - 1}`, found: axisArg }, { at: 'axis' });
      let joined = first.dims[axis]!;
      for (let i = 1; i < ctx.inputs.length; i++) {
        const s = ctx.inputs[i]!;
        const mismatch = s.dims.length !== rank || s.dims.some((d, j) => j !== axis && !d.equals(first.dims[j]!) && !d.unknown && !first.dims[j]!.unknown);
        if (mismatch) {
          throw RuleError.of('E0312', { axis: axisArg, expected: formatShape(first), found: formatShape(s) }, { at: 'input', inputIndex: i });
        }
        joined = joined.add(s.dims[axis]!);
      }
      return shape(first.dims.map((d, j) => (j === axis ? joined : d)));
    },
    paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'concatenate', config: { axis: ctx.int('axis') } }),
  },
  {
    name: 'sampling', category: 'generative', arity: 2,
    doc: 'VAE reparameterisation trick: `z_mean + exp(z_log_var / 2) * ε` with ε ~ N(0, 1).',
    shapeDoc: '[b, L], [b, L] → [b, L]',
    params: [],
    outputShape(ctx) {
      const [mean, logVar] = ctx.inputs;
      if (mean!.dims.length !== 2) throw rankError('2', mean!, 'sampling');
      if (!mean!.dims.every((d, i) => d.equals(logVar!.dims[i] ?? Dim.UNKNOWN)) || logVar!.dims.length !== 2) {
        throw RuleError.of('E0301', { layer: 'sampling', expected: formatShape(mean!), found: formatShape(logVar!) }, { at: 'input', inputIndex: 1 });
      }
      return mean!;
    },
    paramCount: () => ZERO,
    tfjs: () => ({ fn: 'sampling', config: {}, runtime: true }),
  },
];
