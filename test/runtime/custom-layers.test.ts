// The runtime's own layers compute what the stock ops compute, where the stock ops exist.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { Subtract, TapsConv1D, TapsConv2D } from '../../runtime/model/custom.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

function close(a: tf.Tensor, b: tf.Tensor) {
  expect(a.shape).toEqual(b.shape);
  expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
}

describe('taps convolutions (causal padding, trainable dilation)', () => {
  it.each([
    ['valid', 1, 3], ['valid', 2, 3], ['same', 3, 2], ['same', 2, 3], ['causal', 1, 3], ['causal', 4, 2],
  ] as const)('conv1d padding %s, dilation %i, kernel %i equals tf.conv1d', (padding, dilation, k) => {
    const layer = new TapsConv1D({ filters: 4, kernelSize: k, padding, dilationRate: dilation, activation: 'linear' });
    const x = tf.randomNormal([2, 11, 3], 0, 1, 'float32', 7);
    const y = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    const pad = (k - 1) * dilation;
    const xp = padding === 'causal' ? tf.pad(x, [[0, 0], [pad, 0], [0, 0]]) : x;
    const want = tf.add(tf.conv1d(xp as tf.Tensor3D, kernel as tf.Tensor3D, 1, padding === 'causal' ? 'valid' : padding, 'NWC', dilation), bias!);
    close(y, want);
  });

  it('conv2d with dilation equals tf.conv2d and has gradients', () => {
    const layer = new TapsConv2D({ filters: 2, kernelSize: [3, 2], padding: 'valid', dilationRate: 2, activation: 'relu' });
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 3);
    const y = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    close(y, tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid', 'NHWC', 2), bias!)));
    const g = tf.grad((k: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid').sum());
    expect(() => g(kernel!)).not.toThrow(); // the undilated path keeps stock gradients
    const { grads } = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).sum() as tf.Scalar);
    expect(Object.keys(grads).length).toBe(2);
  });

  it('round-trips through its config (padding and dilation kept)', () => {
    const layer = new TapsConv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 });
    const config = layer.getConfig();
    expect(config['padding']).toBe('causal');
    expect(config['dilationRate']).toBe(2);
  });
});

it('subtract is x - y', () => {
  const x = tf.tensor([[3, 4]]), y = tf.tensor([[1, 1]]);
  close(new Subtract({}).apply([x, y]) as tf.Tensor, tf.tensor([[2, 3]]));
});
