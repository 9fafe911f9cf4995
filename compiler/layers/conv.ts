// Convolution and pooling layers, 1D (sequences) and 2D (images).
import { Dim } from '../shapes/dim.js';
import { convOutputLength, convTransposeOutputLength, shape, type Padding, type Shape } from '../shapes/shape.js';
import { RuleError } from '../diagnostics.js';
import { activationParam, P, tfjsActivation, ZERO, type LayerCtx, type LayerDef } from './types.js';

const c = (n: number) => Dim.const(n);
const PADDING = ['valid', 'same', 'causal'] as const;
const PADDING_2D = ['valid', 'same'] as const;

function spatial(ctx: LayerCtx, x: Shape, n: number, kernel: number[], strides: number[], padding: Padding, dilation: number[], layer: string): Dim[] {
  return x.dims.slice(1, 1 + n).map((len, i) => {
    const out = convOutputLength(len, kernel[i]!, strides[i]!, padding, dilation[i]);
    if (out.value !== undefined && out.value < 1) {
      throw RuleError.of('E0305', { layer, axis: i + 1, length: String(len), window: (kernel[i]! - 1) * dilation[i]! + 1 }, { at: 'input' });
    }
    return out;
  });
}

function convLayer(name: 'conv1d' | 'conv2d', n: 1 | 2, doc: string): LayerDef {
  return {
    name, category: 'convolution', arity: 1, doc, ...(n === 1 && { sequence: true as const }),
    shapeDoc: n === 1 ? '[b, L, c] → [b, (L - k)/s + 1, filters] (valid), [b, ceil(L/s), filters] (same/causal)'
      : '[b, h, w, c] → [b, (h - k)/s + 1, (w - k)/s + 1, filters] (valid)',
    params: [
      P.units('Number of filters (output channels).', 'filters'),
      P.ints('kernel_size', n, 'Window length' + (n === 2 ? 's (an Int or [h, w]).' : '.'), { positional: true }),
      P.ints('strides', n, 'Step between windows.', { default: { kind: 'int', value: 1 } }),
      P.enum('padding', n === 1 ? PADDING : PADDING_2D, 'valid: no padding; same: pad to keep length/stride' + (n === 1 ? '; causal: pad on the left only.' : '.'), 'valid'),
      P.ints('dilation_rate', n, 'Spacing between kernel taps.', { default: { kind: 'int', value: 1 } }),
      activationParam(),
      P.bool('use_bias', 'Whether to add a bias per filter.', true),
    ],
    outputShape(ctx) {
      const x = ctx.input(n + 2);
      ctx.known(x.dims[n + 1]!, `${name} sizes its kernel by the channel axis`);
      const strides = ctx.ints('strides', n), dil = ctx.ints('dilation_rate', n);
      if (strides.some((s) => s > 1) && dil.some((d) => d > 1)) throw RuleError.of('E0228', { first: 'strides', second: 'dilation_rate' }, { at: 'dilation_rate' });
      const dims = spatial(ctx, x, n, ctx.ints('kernel_size', n), strides, ctx.enum('padding') as Padding, dil, name);
      return shape([x.dims[0]!, ...dims, ctx.dim('filters')]);
    },
    paramCount(ctx) {
      const ch = ctx.inputs[0]!.dims[n + 1]!, f = ctx.dim('filters');
      const k = ctx.ints('kernel_size', n).reduce((a, b) => a * b, 1);
      return ch.mul(f).mul(c(k)).add(ctx.bool('use_bias') ? f : ZERO);
    },
    // tfjs-layers cannot run causal padding nor train dilated kernels; the runtime's taps
    // convolutions (same weights layout) do both. Other convolutions are the runtime's
    // FusedConv1D/FusedConv2D (train through one fused kernel; the stock class otherwise).
    tfjs: (ctx) => ({
      fn: ctx.enum('padding') === 'causal' || ctx.ints('dilation_rate', n).some((d) => d > 1) ? `taps${name[0]!.toUpperCase()}${name.slice(1)}` : name,
      runtime: true as const,
      config: {
        filters: ctx.int('filters'), kernelSize: ctx.ints('kernel_size', n), strides: ctx.ints('strides', n), padding: ctx.enum('padding'),
        dilationRate: ctx.ints('dilation_rate', n), activation: tfjsActivation(ctx.enum('activation')), useBias: ctx.bool('use_bias'),
      },
    }),
  };
}

function poolLayer(name: string, fn: string, n: 1 | 2, doc: string): LayerDef {
  return {
    name, category: 'pooling', arity: 1, doc,
    shapeDoc: n === 1 ? '[b, L, c] → [b, L/p, c]' : '[b, h, w, c] → [b, h/p, w/p, c]',
    params: [
      P.ints('pool_size', n, 'Window size.', { positional: true, default: { kind: 'int', value: 2 } }),
      { ...P.ints('strides', n, 'Step between windows; pool_size by default.'), default: { kind: 'null' } },
      P.enum('padding', PADDING_2D, 'valid or same.', 'valid'),
    ],
    outputShape(ctx) {
      const x = ctx.input(n + 2);
      const pool = ctx.ints('pool_size', n);
      const strides = ctx.args.get('strides')?.kind === 'null' ? pool : ctx.ints('strides', n);
      const dims = spatial(ctx, x, n, pool, strides, ctx.enum('padding') as Padding, pool.map(() => 1), name);
      return shape([x.dims[0]!, ...dims, x.dims[n + 1]!]);
    },
    paramCount: () => ZERO,
    tfjs(ctx) {
      const pool = ctx.ints('pool_size', n);
      const strides = ctx.args.get('strides')?.kind === 'null' ? pool : ctx.ints('strides', n);
      return { fn, config: { poolSize: n === 1 ? pool[0] : pool, strides: n === 1 ? strides[0] : strides, padding: ctx.enum('padding') } };
    },
  };
}

function globalPool(name: string, fn: string, n: 1 | 2, doc: string): LayerDef {
  return {
    name, category: 'pooling', arity: 1, doc,
    shapeDoc: n === 1 ? '[b, L, c] → [b, c]' : '[b, h, w, c] → [b, c]',
    params: [],
    outputShape(ctx) {
      const x = ctx.input(n + 2);
      return shape([x.dims[0]!, x.dims[n + 1]!]);
    },
    paramCount: () => ZERO,
    tfjs: () => ({ fn, config: {} }),
  };
}

export const convLayers: LayerDef[] = [
  convLayer('conv1d', 1, '1D convolution over time: each filter slides a window of `kernel_size` steps along the sequence.'),
  convLayer('conv2d', 2, '2D convolution over images (channels last).'),
  {
    name: 'conv2d_transpose', category: 'convolution', arity: 1,
    doc: 'Transposed 2D convolution: learns to upsample (GAN generators, VAE decoders).',
    shapeDoc: '[b, h, w, c] → [b, h*s, w*s, filters] (same)',
    params: [
      P.units('Number of filters (output channels).', 'filters'),
      P.ints('kernel_size', 2, 'Window size (an Int or [h, w]).', { positional: true }),
      P.ints('strides', 2, 'Upsampling factor.', { default: { kind: 'int', value: 1 } }),
      P.enum('padding', PADDING_2D, 'valid or same.', 'valid'),
      activationParam(),
      P.bool('use_bias', 'Whether to add a bias per filter.', true),
    ],
    outputShape(ctx) {
      const x = ctx.input(4);
      ctx.known(x.dims[3]!, 'conv2d_transpose sizes its kernel by the channel axis');
      const k = ctx.ints('kernel_size', 2), s = ctx.ints('strides', 2), pad = ctx.enum('padding') as Padding;
      return shape([x.dims[0]!, convTransposeOutputLength(x.dims[1]!, k[0]!, s[0]!, pad), convTransposeOutputLength(x.dims[2]!, k[1]!, s[1]!, pad), ctx.dim('filters')]);
    },
    paramCount(ctx) {
      const ch = ctx.inputs[0]!.dims[3]!, f = ctx.dim('filters');
      const k = ctx.ints('kernel_size', 2);
      return ch.mul(f).mul(c(k[0]! * k[1]!)).add(ctx.bool('use_bias') ? f : ZERO);
    },
    tfjs: (ctx) => ({
      fn: 'conv2dTranspose', config: {
        filters: ctx.int('filters'), kernelSize: ctx.ints('kernel_size', 2), strides: ctx.ints('strides', 2), padding: ctx.enum('padding'),
        activation: tfjsActivation(ctx.enum('activation')), useBias: ctx.bool('use_bias'),
      },
    }),
  },
  {
    name: 'separable_conv2d', category: 'convolution', arity: 1,
    doc: 'Depthwise then pointwise 2D convolution: fewer weights than conv2d for the same receptive field.',
    shapeDoc: '[b, h, w, c] → [b, (h - k)/s + 1, (w - k)/s + 1, filters] (valid)',
    params: [
      P.units('Number of filters (output channels).', 'filters'),
      P.ints('kernel_size', 2, 'Window size (an Int or [h, w]).', { positional: true }),
      P.ints('strides', 2, 'Step between windows.', { default: { kind: 'int', value: 1 } }),
      P.enum('padding', PADDING_2D, 'valid or same.', 'valid'),
      P.int('depth_multiplier', 'Depthwise channels per input channel.', { default: { kind: 'int', value: 1 }, min: 1 }),
      activationParam(),
      P.bool('use_bias', 'Whether to add a bias per filter.', true),
    ],
    outputShape(ctx) {
      const x = ctx.input(4);
      ctx.known(x.dims[3]!, 'separable_conv2d sizes its kernels by the channel axis');
      const dims = spatial(ctx, x, 2, ctx.ints('kernel_size', 2), ctx.ints('strides', 2), ctx.enum('padding') as Padding, [1, 1], 'separable_conv2d');
      return shape([x.dims[0]!, ...dims, ctx.dim('filters')]);
    },
    paramCount(ctx) {
      const ch = ctx.inputs[0]!.dims[3]!, f = ctx.dim('filters'), dm = c(ctx.int('depth_multiplier'));
      const k = ctx.ints('kernel_size', 2);
      return ch.mul(dm).mul(c(k[0]! * k[1]!)).add(ch.mul(dm).mul(f)).add(ctx.bool('use_bias') ? f : ZERO);
    },
    tfjs: (ctx) => ({
      fn: 'separableConv2d', config: {
        filters: ctx.int('filters'), kernelSize: ctx.ints('kernel_size', 2), strides: ctx.ints('strides', 2), padding: ctx.enum('padding'),
        depthMultiplier: ctx.int('depth_multiplier'), activation: tfjsActivation(ctx.enum('activation')), useBias: ctx.bool('use_bias'),
      },
    }),
  },
  poolLayer('max_pooling1d', 'maxPooling1d', 1, 'Max over windows of `pool_size` steps.'),
  poolLayer('average_pooling1d', 'averagePooling1d', 1, 'Mean over windows of `pool_size` steps.'),
  poolLayer('max_pooling2d', 'maxPooling2d', 2, 'Max over 2D windows.'),
  poolLayer('average_pooling2d', 'averagePooling2d', 2, 'Mean over 2D windows.'),
  globalPool('global_max_pooling1d', 'globalMaxPooling1d', 1, 'Max over the whole time axis.'),
  globalPool('global_average_pooling1d', 'globalAveragePooling1d', 1, 'Mean over the whole time axis.'),
  globalPool('global_max_pooling2d', 'globalMaxPooling2d', 2, 'Max over height and width.'),
  globalPool('global_average_pooling2d', 'globalAveragePooling2d', 2, 'Mean over height and width.'),
  {
    name: 'upsampling2d', category: 'convolution', arity: 1,
    doc: 'Repeats rows and columns `size` times (nearest-neighbour upsampling).',
    shapeDoc: '[b, h, w, c] → [b, h*s, w*s, c]',
    params: [P.ints('size', 2, 'Upsampling factors.', { positional: true, default: { kind: 'int', value: 2 } })],
    outputShape(ctx) {
      const x = ctx.input(4);
      const s = ctx.ints('size', 2);
      return shape([x.dims[0]!, x.dims[1]!.mul(c(s[0]!)), x.dims[2]!.mul(c(s[1]!)), x.dims[3]!]);
    },
    paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'upSampling2d', config: { size: ctx.ints('size', 2) } }),
  },
  {
    name: 'zero_padding2d', category: 'convolution', arity: 1,
    doc: 'Pads rows and columns with zeros on both sides.',
    shapeDoc: '[b, h, w, c] → [b, h + 2p, w + 2p, c]',
    params: [P.ints('padding', 2, 'Rows and columns of zeros on each side.', { positional: true, default: { kind: 'int', value: 1 } })],
    outputShape(ctx) {
      const x = ctx.input(4);
      const p = ctx.ints('padding', 2);
      return shape([x.dims[0]!, x.dims[1]!.add(c(2 * p[0]!)), x.dims[2]!.add(c(2 * p[1]!)), x.dims[3]!]);
    },
    paramCount: () => ZERO,
    tfjs: (ctx) => ({ fn: 'zeroPadding2d', config: { padding: ctx.ints('padding', 2) } }),
  },
];

