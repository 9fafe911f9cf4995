// Activations of named layers of a tfjs layers model, computed with plain tf ops so that
// the gradient with respect to the *image* is cheap. Through tf-layers, every convolution
// is a fused op whose gradient computes the filter gradient as well (slow on cpu, missing
// on wasm), and BatchNormalization with scale: false crashes tf.grad in tfjs 4.22. Here
// each known layer class is one small rule over its frozen weights (batch norm folded into
// one multiply-add); other classes run through the layer itself.
import * as tf from '@tensorflow/tfjs';
import { fault } from '../errors.js';
import { inboundLayers } from '../kernels/tfjs-internals.js';

type Op = (inputs: tf.Tensor[]) => tf.Tensor;
type Cfg = Record<string, unknown>;

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);
const padding = (c: Cfg) => (c['padding'] === 'same' ? 'same' : 'valid');

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x, relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid, tanh: tf.tanh, elu: tf.elu, selu: tf.selu,
  softplus: tf.softplus, softmax: (x) => tf.softmax(x), swish: (x) => tf.mul(x, tf.sigmoid(x)),
  hard_sigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1), hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
};

function activation(c: Cfg): (x: tf.Tensor) => tf.Tensor {
  const name = String(c['activation'] ?? 'linear');
  const fn = ACTIVATIONS[name];
  if (!fn) throw fault('data', `feature network: activation ${name} is not supported`);
  return fn;
}

const withBias = (y: tf.Tensor, bias: tf.Tensor | undefined) => (bias ? tf.add(y, bias) : y);

/** One rule per Keras layer class: its computation from its config and frozen weights. */
const RULES: Record<string, (c: Cfg, w: tf.Tensor[]) => Op> = {
  InputLayer: () => ([x]) => x!,
  Conv2D: (c, [kernel, bias]) => {
    const act = activation(c);
    return ([x]) => act(withBias(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, pair(c['strides']), padding(c), 'NHWC', pair(c['dilationRate'] ?? 1)), bias));
  },
  DepthwiseConv2D: (c, [kernel, bias]) => {
    const act = activation(c);
    return ([x]) => act(withBias(tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, pair(c['strides']), padding(c), 'NHWC', pair(c['dilationRate'] ?? 1)), bias));
  },
  SeparableConv2D: (c, [depthwise, pointwise, bias]) => {
    const act = activation(c);
    return ([x]) => act(withBias(tf.separableConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, pointwise as tf.Tensor4D, pair(c['strides']), padding(c), pair(c['dilationRate'] ?? 1)), bias));
  },
  Dense: (c, [kernel, bias]) => {
    const act = activation(c);
    // Keras applies Dense to the last axis of any rank.
    return ([x]) => {
      const flat = tf.reshape(x!, [-1, x!.shape[x!.rank - 1]!]) as tf.Tensor2D;
      const y = act(withBias(tf.matMul(flat, kernel as tf.Tensor2D), bias));
      return x!.rank === 2 ? y : tf.reshape(y, [...x!.shape.slice(0, -1), kernel!.shape[1]!]);
    };
  },
  BatchNormalization: (c, w) => {
    // Weights in Keras order: gamma (if scale), beta (if center), moving mean, moving variance.
    let i = 0;
    const gamma = c['scale'] !== false ? w[i++] : undefined;
    const beta = c['center'] !== false ? w[i++] : undefined;
    const [mean, variance] = [w[i++]!, w[i++]!];
    const scale = tf.keep(tf.tidy(() => tf.mul(tf.rsqrt(tf.add(variance, Number(c['epsilon'] ?? 1e-3))), gamma ?? 1)));
    const shift = tf.keep(tf.tidy(() => tf.sub(beta ?? 0, tf.mul(mean, scale))));
    return ([x]) => tf.add(tf.mul(x!, scale), shift);
  },
  Activation: (c) => {
    const act = activation(c);
    return ([x]) => act(x!);
  },
  ReLU: (c) => {
    const max = c['maxValue'] as number | null | undefined;
    return ([x]) => (max ? tf.clipByValue(x!, 0, max) : tf.relu(x!));
  },
  MaxPooling2D: (c) => ([x]) => tf.maxPool(x as tf.Tensor4D, pair(c['poolSize']), pair(c['strides'] ?? c['poolSize']), padding(c)),
  AveragePooling2D: (c) => ([x]) => tf.avgPool(x as tf.Tensor4D, pair(c['poolSize']), pair(c['strides'] ?? c['poolSize']), padding(c)),
  GlobalAveragePooling2D: () => ([x]) => tf.mean(x!, [1, 2]),
  GlobalMaxPooling2D: () => ([x]) => tf.max(x!, [1, 2]),
  ZeroPadding2D: (c) => {
    const p = c['padding'] as number[][];
    return ([x]) => tf.pad(x!, [[0, 0], p[0] as [number, number], p[1] as [number, number], [0, 0]]);
  },
  Concatenate: (c) => (xs) => tf.concat(xs, Number(c['axis'] ?? -1)),
  Add: () => (xs) => tf.addN(xs),
  Multiply: () => (xs) => xs.reduce((a, b) => tf.mul(a, b)),
  Dropout: () => ([x]) => x!,
  Flatten: () => ([x]) => tf.reshape(x!, [x!.shape[0]!, -1]),
};

const SHIFT_CAFFE = [103.939, 116.779, 123.68]; // ImageNet means, BGR

/** Pixels in [0, 1] as a network wants them, by the names of compiler/pretrained/topology.ts's
 *  PIXEL_RANGES (test/runtime/vocab.test.ts checks the two agree). */
export const PIXEL_PREPROCESS = {
  unit: (images: tf.Tensor4D) => images,
  signed: (images: tf.Tensor4D): tf.Tensor4D => tf.sub(tf.mul(images, 2), 1),
  caffe: (images: tf.Tensor4D): tf.Tensor4D => tf.sub(tf.mul(tf.reverse(images, -1), 255), tf.tensor1d(SHIFT_CAFFE)),
} satisfies Record<string, (images: tf.Tensor4D) => tf.Tensor4D>;

export type PixelRange = keyof typeof PIXEL_PREPROCESS;

export function preprocess(images: tf.Tensor4D, pixels: PixelRange): tf.Tensor4D {
  return PIXEL_PREPROCESS[pixels](images);
}

interface Step { name: string; inputs: string[]; op: Op }

export class FeatureExtractor {
  private readonly steps: Step[];
  private readonly inputName: string;

  /** Only the layers that `names` depend on are kept. */
  constructor(model: tf.LayersModel, readonly names: readonly string[], private readonly pixels: PixelRange) {
    const byName = new Map(model.layers.map((l) => [l.name, l]));
    const inboundOf = (l: tf.layers.Layer): string[] => inboundLayers(l).map((x) => x.name);
    const needed = new Set<string>();
    const visit = [...names];
    while (visit.length) {
      const n = visit.pop()!;
      if (needed.has(n)) continue;
      const layer = byName.get(n);
      if (!layer) throw fault('data', `the feature network has no layer ${n}`);
      needed.add(n);
      visit.push(...inboundOf(layer));
    }
    this.inputName = model.inputLayers[0]!.name;
    this.steps = model.layers.filter((l) => needed.has(l.name)).map((l) => {
      const rule = RULES[l.getClassName()];
      // Layers without a rule of ours (custom or rare classes) run themselves.
      const op: Op = rule ? rule(l.getConfig() as Cfg, l.getWeights()) : (xs) => l.apply(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
      return { name: l.name, inputs: inboundOf(l), op };
    });
  }

  /** The activations of `names` for images in [0, 1], in the order of `names`. */
  apply(images: tf.Tensor4D): tf.Tensor[] {
    const values = new Map<string, tf.Tensor>([[this.inputName, preprocess(images, this.pixels)]]);
    for (const s of this.steps) {
      if (s.name === this.inputName) continue;
      values.set(s.name, s.op(s.inputs.map((i) => values.get(i)!)));
    }
    return this.names.map((n) => values.get(n)!);
  }
}
