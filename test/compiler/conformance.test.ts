// The per-layer conformance harness: for every entry of the layer table, the model built on
// tfjs has the checker's output shape (also asserted inside buildModel) and the summary's
// parameter count, and it trains one step on the wasm backend (our kernels included).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../compiler/layers/index.js';
import { totalParams } from '../../compiler/summary.js';
import { selectBackend } from '../../runtime/backend.js';
import { buildModel } from '../../runtime/interpret/build.js';
import { checkText } from '../helpers.js';

/** layer → [input shape, model body]; batch is the symbolic `b`. */
const CASES: Record<string, [string, string][]> = {
  dense: [['[b, 5, 8]', 'dense(4, activation: relu)'], ['[b, 8]', 'dense(3, use_bias: false)']],
  dropout: [['[b, 8]', 'dropout(0.5)\n  dense(2)']],
  flatten: [['[b, 7, 9]', 'flatten\n  dense(2)']],
  reshape: [['[b, 24]', 'reshape(2, -1, 4)\n  flatten\n  dense(2)']],
  permute: [['[b, 5, 3]', 'permute(2, 1)\n  dense(2)']],
  repeat_vector: [['[b, 6]', 'repeat_vector(4)\n  dense(2)']],
  activation: [['[b, 6]', 'dense(3)\n  activation(tanh)']],
  relu: [['[b, 6]', 'dense(3)\n  relu']], sigmoid: [['[b, 6]', 'dense(3)\n  sigmoid']], tanh: [['[b, 6]', 'dense(3)\n  tanh']],
  softmax: [['[b, 6]', 'dense(3)\n  softmax']], gelu: [['[b, 6]', 'dense(3)\n  gelu']], elu: [['[b, 6]', 'dense(3)\n  elu']],
  leaky_relu: [['[b, 6]', 'dense(3)\n  leaky_relu']],
  batch_norm: [['[b, 4, 6]', 'batch_norm\n  dense(2)']],
  layer_norm: [['[b, 4, 6]', 'layer_norm\n  dense(2)']],
  embedding: [['int32[b, 7]', 'embedding(50, 8)\n  flatten\n  dense(2)']],
  add: [['[b, 6]', 'h = x -> dense(6)\n  add(x, h)']], subtract: [['[b, 6]', 'h = x -> dense(6)\n  subtract(x, h)']],
  multiply: [['[b, 6]', 'h = x -> dense(6)\n  multiply(x, h)']], average: [['[b, 6]', 'h = x -> dense(6)\n  average(x, h)']],
  concat: [['[b, 4, 3]', 'h = x -> dense(5)\n  concat(x, h)']],
  sampling: [['[b, 6]', 'm = x -> dense(2)\n  v = x -> dense(2)\n  sampling(m, v)']],
  simple_rnn: [['[b, 5, 3]', 'simple_rnn(4)'], ['[b, 5, 3]', 'simple_rnn(4, return_sequences: true, go_backwards: true)\n  flatten\n  dense(1)']],
  lstm: [['[b, 5, 3]', 'lstm(4, dropout: 0.1, recurrent_dropout: 0.1)'], ['[b, 5, 3]', 'lstm(4, return_sequences: true)\n  lstm(2)']],
  gru: [['[b, 5, 3]', 'gru(4)'], ['[b, 5, 3]', 'gru(4, return_sequences: true)\n  global_max_pooling1d']],
  bidirectional: [['[b, 5, 3]', 'bidirectional(lstm(4))'], ['[b, 5, 3]', 'bidirectional(gru(4), merge: sum)']],
  time_distributed: [['[b, 5, 3]', 'time_distributed(dense(2))\n  flatten\n  dense(1)']],
  conv1d: [['[b, 12, 3]', 'conv1d(4, 3, strides: 2)\n  flatten\n  dense(1)'], ['[b, 12, 3]', 'conv1d(4, 3, padding: causal, dilation_rate: 2)\n  global_average_pooling1d'],
    ['[b, 12, 3]', 'conv1d(4, 3, padding: causal)\n  flatten\n  dense(1)'], ['[b, 12, 3]', 'conv1d(4, 2, padding: same, dilation_rate: 3)\n  flatten\n  dense(1)']],
  conv2d: [['[b, 9, 9, 2]', 'conv2d(4, 3, strides: 2, padding: same)\n  flatten\n  dense(1)'], ['[b, 9, 9, 2]', 'conv2d(3, [3, 2])\n  global_max_pooling2d'],
    ['[b, 9, 9, 2]', 'conv2d(3, 3, dilation_rate: 2, padding: same)\n  flatten\n  dense(1)']],
  conv2d_transpose: [['[b, 4, 4, 3]', 'conv2d_transpose(2, 3, strides: 2, padding: same)\n  flatten\n  dense(1)']],
  separable_conv2d: [['[b, 8, 8, 3]', 'separable_conv2d(4, 3)\n  flatten\n  dense(1)']],
  max_pooling1d: [['[b, 10, 3]', 'max_pooling1d(3)\n  flatten\n  dense(1)']],
  average_pooling1d: [['[b, 10, 3]', 'average_pooling1d(2)\n  flatten\n  dense(1)']],
  max_pooling2d: [['[b, 9, 9, 2]', 'max_pooling2d(2)\n  flatten\n  dense(1)']],
  average_pooling2d: [['[b, 8, 8, 2]', 'average_pooling2d(2)\n  flatten\n  dense(1)']],
  global_max_pooling1d: [['[b, 10, 3]', 'global_max_pooling1d']],
  global_average_pooling1d: [['[b, 10, 3]', 'global_average_pooling1d']],
  global_max_pooling2d: [['[b, 5, 5, 3]', 'global_max_pooling2d']],
  global_average_pooling2d: [['[b, 5, 5, 3]', 'global_average_pooling2d']],
  upsampling2d: [['[b, 3, 3, 2]', 'upsampling2d(2)\n  flatten\n  dense(1)']],
  zero_padding2d: [['[b, 3, 3, 2]', 'zero_padding2d(1)\n  flatten\n  dense(1)']],
};

function checked(input: string, body: string) {
  const r = checkText(`model M {\n  input x: ${input}\n  ${body}\n}`);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.program.models.get('M')!;
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('layer conformance (checker vs tfjs)', () => {
  it('covers every layer in the table', () => {
    expect(Object.keys(CASES).sort()).toEqual([...LAYERS.keys()].sort());
  });

  const all = Object.entries(CASES).flatMap(([layer, cases]) => cases.map(([input, body]) => [layer, input, body] as const));
  it.each(all)('%s: %s → %s', async (_layer, input, body) => {
    const ir = checked(input, body);
    const model = buildModel(ir);
    expect(model.countParams()).toBe(totalParams(ir).value);
    // Static shape, with the batch bound to 3, against a real forward pass.
    const want = ir.nodes[ir.outputs[0]!.node]!.shape.dims.map((d, i) => (i === 0 ? 3 : d.value));
    const inShape = ir.nodes[ir.inputs[0]!.node]!.shape;
    const dims = [3, ...inShape.dims.slice(1).map((d) => d.value!)];
    const x = inShape.dtype === 'int32' ? tf.randomUniform(dims, 0, 50, 'int32') : tf.randomNormal(dims);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual(want);
    // One training step runs (every gradient kernel exists on wasm) and changes the weights.
    y.dispose();
    if (!model.trainableWeights.length) return void x.dispose();
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const before = model.getWeights().map((w) => w.dataSync().slice());
    await model.trainOnBatch(x, tf.randomNormal(want as number[]));
    x.dispose();
    const after = model.getWeights().map((w) => w.dataSync());
    expect(after.some((w, i) => w.some((v, k) => v !== before[i]![k]))).toBe(true);
    model.dispose();
  });
});
