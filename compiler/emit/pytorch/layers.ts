// The PyTorch mapping table: for each layer-table entry (compiler/layers) that PyTorch can
// express, the module its __init__ makes, the forward expression and the weight layout its
// weights convert by (nnc_weights.py). A layer absent here, or a configuration an entry
// refuses, is reported by `nnc compile --target pytorch` (E0501), never emitted.
import type { LayerInstance } from '../../ir.js';
import type { LayerCtx } from '../../layers/types.js';
import { pyValue } from './python.js';

/** What an entry reads: the layer's checked arguments (dims bound) and concrete shapes
 *  without the batch axis. */
export interface TorchCtx {
  readonly layer: LayerCtx;
  readonly in: readonly (readonly number[])[];
  readonly out: readonly number[];
  /** The module of a wrapper's wrapped layer, made by the same table. */
  inner?(backwards?: boolean): { module: string; weights?: string; step?: string };
}

export interface TorchLayer {
  /** The nn.Module its __init__ makes (a Python expression), when it has weights or state. */
  module?(c: TorchCtx): string;
  /** A recurrent layer's module running the other way (bidirectional's backward half). */
  backward?(c: TorchCtx): string;
  /** The weight layout nnc_weights.py converts by (tfjs ↔ torch). */
  weights?: string | ((c: TorchCtx) => string);
  /** The forward expression over the inputs' expressions; `self` is the module's attribute. */
  call(c: TorchCtx, xs: readonly string[], self: string): string;
  /** Why this configuration cannot be emitted. */
  refuse?(c: TorchCtx): string | undefined;
}

/** The activation applied to `x` (tfjs names as the layer table spells them). */
export function activation(name: string, x: string): string {
  switch (name) {
    case 'linear': case 'null': return x;
    case 'relu': case 'sigmoid': case 'tanh': return `torch.${name}(${x})`;
    case 'softmax': return `torch.softmax(${x}, dim=-1)`;
    default: return `K.ACTIVATIONS[${pyValue(name)}](${x})`;
  }
}

const act = (c: TorchCtx, x: string) => activation(c.layer.enum('activation'), x);
const last = (s: readonly number[]) => s[s.length - 1]!;
const b = (v: boolean) => (v ? 'True' : 'False');
const ints = (xs: readonly number[]) => `[${xs.join(', ')}]`;
const called = (_: TorchCtx, xs: readonly string[], self: string) => `${self}(${xs[0]})`;
const fn = (f: (x: string, c: TorchCtx) => string): TorchLayer => ({ call: (c, xs) => f(xs[0]!, c) });

function conv(n: 1 | 2): TorchLayer {
  return {
    module: (c) => `K.Conv(${n}, ${last(c.in[0]!)}, filters=${c.layer.int('filters')}, kernel_size=${ints(c.layer.ints('kernel_size', n))}, `
      + `strides=${ints(c.layer.ints('strides', n))}, padding=${pyValue(c.layer.enum('padding'))}, dilation=${ints(c.layer.ints('dilation_rate', n))}, `
      + `use_bias=${b(c.layer.bool('use_bias'))})`,
    weights: `conv${n}d`,
    call: (c, xs, self) => act(c, `${self}(${xs[0]})`),
  };
}

function pool(n: 1 | 2, op: 'max' | 'average'): TorchLayer {
  return {
    module: (c) => {
      const size = c.layer.ints('pool_size', n);
      const strides = c.layer.args.get('strides')?.kind === 'null' ? size : c.layer.ints('strides', n);
      return `K.Pool(${n}, ${pyValue(op === 'max' ? 'max' : 'avg')}, pool_size=${ints(size)}, strides=${ints(strides)}, padding=${pyValue(c.layer.enum('padding'))})`;
    },
    call: called,
  };
}

const globalPool = (n: 1 | 2, op: 'amax' | 'mean'): TorchLayer => fn((x) => `${x}.${op}(dim=${n === 1 ? '1' : '(1, 2)'})`);

function recurrent(kind: 'simple_rnn' | 'lstm' | 'gru'): TorchLayer {
  const make = (c: TorchCtx, backwards: boolean) => {
    const a = c.layer;
    const args = [`${last(c.in[0]!)}`, `units=${a.int('units')}`, `return_sequences=${b(a.bool('return_sequences'))}`,
      `go_backwards=${b(a.bool('go_backwards') !== backwards)}`];
    if (a.enum('activation') !== 'tanh') args.push(`activation=${pyValue(a.enum('activation'))}`);
    if (kind !== 'simple_rnn' && a.enum('recurrent_activation') !== 'sigmoid') args.push(`recurrent_activation=${pyValue(a.enum('recurrent_activation'))}`);
    if (a.float('dropout') > 0) args.push(`dropout=${a.float('dropout')}`);
    if (a.float('recurrent_dropout') > 0) args.push(`recurrent_dropout=${a.float('recurrent_dropout')}`);
    return kind === 'gru' ? `R.GRU(${args.join(', ')})` : `R.Recurrent(${pyValue(kind === 'lstm' ? 'lstm' : 'rnn')}, ${args.join(', ')})`;
  };
  return {
    module: (c) => make(c, false),
    backward: (c) => make(c, true),
    weights: kind === 'gru' ? 'gru' : 'rnn',
    call: called,
  };
}

export const TORCH_LAYERS: Readonly<Record<string, TorchLayer>> = {
  dense: {
    module: (c) => `K.glorot_linear(${last(c.in[0]!)}, units=${c.layer.int('units')}, use_bias=${b(c.layer.bool('use_bias'))})`,
    weights: 'dense',
    call: (c, xs, self) => act(c, `${self}(${xs[0]})`),
  },
  dropout: { module: (c) => `nn.Dropout(${c.layer.float('rate')})`, call: called },
  flatten: fn((x) => `${x}.flatten(1)`),
  reshape: fn((x, c) => `${x}.reshape(${x}.shape[0], ${c.out.join(', ')})`),
  permute: fn((x, c) => `${x}.permute(0, ${c.layer.ints('dims', -1).join(', ')})`),
  repeat_vector: fn((x, c) => `${x}.unsqueeze(1).expand(-1, ${c.layer.int('n')}, -1)`),
  activation: fn((x, c) => act(c, x)),
  relu: fn((x) => activation('relu', x)),
  sigmoid: fn((x) => activation('sigmoid', x)),
  tanh: fn((x) => activation('tanh', x)),
  softmax: fn((x) => activation('softmax', x)),
  gelu: fn((x) => activation('gelu', x)),
  elu: fn((x, c) => `F.elu(${x}, alpha=${c.layer.float('alpha')})`),
  leaky_relu: fn((x, c) => `F.leaky_relu(${x}, ${c.layer.float('alpha')})`),
  batch_norm: {
    module: (c) => `K.BatchNorm(${last(c.in[0]!)}, keras_momentum=${c.layer.float('momentum')}, epsilon=${c.layer.float('epsilon')}, `
      + `center=${b(c.layer.bool('center'))}, scale=${b(c.layer.bool('scale'))})`,
    weights: 'batch_norm',
    call: called,
  },
  layer_norm: { module: (c) => `nn.LayerNorm(${last(c.in[0]!)}, eps=${c.layer.float('epsilon')})`, weights: 'layer_norm', call: called },
  embedding: {
    module: (c) => `K.embedding(input_dim=${c.layer.int('input_dim')}, output_dim=${c.layer.int('output_dim')})`,
    weights: 'embedding',
    call: (_, xs, self) => `${self}(${xs[0]}.long())`,
    refuse: (c) => (c.layer.bool('mask_zero') ? 'embedding with mask_zero (torch has no masks that recurrent layers read)' : undefined),
  },
  add: { call: (_, xs) => xs.join(' + ') },
  subtract: { call: (_, xs) => `${xs[0]} - ${xs[1]}` },
  multiply: { call: (_, xs) => xs.join(' * ') },
  average: { call: (_, xs) => `(${xs.join(' + ')}) / ${xs.length}` },
  concat: { call: (c, xs) => `torch.cat([${xs.join(', ')}], dim=${c.layer.int('axis')})` },
  sampling: { call: (_, xs) => `K.sampling(${xs[0]}, ${xs[1]})` },
  conv1d: conv(1),
  conv2d: conv(2),
  conv2d_transpose: {
    module: (c) => `K.ConvTranspose2d(${last(c.in[0]!)}, filters=${c.layer.int('filters')}, kernel_size=${ints(c.layer.ints('kernel_size', 2))}, `
      + `strides=${ints(c.layer.ints('strides', 2))}, padding=${pyValue(c.layer.enum('padding'))}, use_bias=${b(c.layer.bool('use_bias'))})`,
    weights: 'conv_transpose2d',
    call: (c, xs, self) => act(c, `${self}(${xs[0]})`),
  },
  separable_conv2d: {
    module: (c) => `K.SeparableConv2d(${last(c.in[0]!)}, filters=${c.layer.int('filters')}, kernel_size=${ints(c.layer.ints('kernel_size', 2))}, `
      + `strides=${ints(c.layer.ints('strides', 2))}, padding=${pyValue(c.layer.enum('padding'))}, depth_multiplier=${c.layer.int('depth_multiplier')}, `
      + `use_bias=${b(c.layer.bool('use_bias'))})`,
    weights: 'separable_conv2d',
    call: (c, xs, self) => act(c, `${self}(${xs[0]})`),
  },
  max_pooling1d: pool(1, 'max'),
  average_pooling1d: pool(1, 'average'),
  max_pooling2d: pool(2, 'max'),
  average_pooling2d: pool(2, 'average'),
  global_max_pooling1d: globalPool(1, 'amax'),
  global_average_pooling1d: globalPool(1, 'mean'),
  global_max_pooling2d: globalPool(2, 'amax'),
  global_average_pooling2d: globalPool(2, 'mean'),
  upsampling2d: fn((x, c) => `K.upsampling2d(${x}, ${ints(c.layer.ints('size', 2))})`),
  zero_padding2d: fn((x, c) => `K.zero_padding2d(${x}, ${ints(c.layer.ints('padding', 2))})`),
  simple_rnn: recurrent('simple_rnn'),
  lstm: recurrent('lstm'),
  gru: recurrent('gru'),
  bidirectional: {
    module: (c) => `R.Bidirectional(${c.inner!(false).module}, ${c.inner!(true).module}, merge=${pyValue(c.layer.enum('merge'))})`,
    weights: (c) => `bidirectional:${c.inner!().weights}`,
    call: called,
  },
  time_distributed: {
    module: (c) => {
      const inner = c.inner!();
      return `K.TimeDistributed(${inner.module}${inner.step ? `, lambda layer, x: ${inner.step}` : ''})`;
    },
    weights: (c) => `time_distributed:${c.inner!().weights ?? 'none'}`,
    call: called,
  },
};

/** The wrapped layer of a wrapper instance, if any. */
export function wrapped(args: ReadonlyMap<string, unknown>): LayerInstance | undefined {
  const v = args.get('layer') as { kind?: string; layer?: LayerInstance } | undefined;
  return v?.kind === 'layer' ? v.layer : undefined;
}
