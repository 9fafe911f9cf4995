// FusedConv2D and FusedConv1D (runtime/model/fused-conv.ts) against tfjs-layers' Conv2D and
// Conv1D with the same weights: outputs and gradients (weights and input) on both backends,
// relu and linear, with and without bias, strides and both paddings; each saves as the
// stock class.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../runtime/backend.js';
import { nncLayers } from '../runtime/model/custom.js';
import { expectSavesAsStock, expectTwins } from './twins.js';

const CASES: Record<string, unknown>[] = [
  { filters: 4, kernelSize: 3, activation: 'relu' },
  { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
  { filters: 5, kernelSize: [2, 3], activation: 'linear', useBias: false },
  { filters: 2, kernelSize: 1, strides: 2, padding: 'same' },
  { filters: 3, kernelSize: 3, activation: 'tanh' }, // not fusable: the stock code runs
];

describe.each(['cpu', 'wasm'])('FusedConv2D on %s', (backend) => {
  it.each(CASES)('%o: outputs and gradients equal tfjs-layers\' Conv2D', async (config) => {
    await selectBackend(backend);
    const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
    const stock = tf.layers.conv2d({ ...init, ...config } as Parameters<typeof tf.layers.conv2d>[0]);
    // The fused kernel runs where the activation allows it, the stock code elsewhere.
    const kernels = await expectTwins(nncLayers.conv2d({ ...init, ...config }), stock, [9, 8, 3], 2);
    expect(kernels.includes('NncFusedConv2D')).toBe(config['activation'] !== 'tanh');
  });

  it('saves as Conv2D and loads back as the fused layer', async () => {
    await selectBackend(backend);
    await expectSavesAsStock(nncLayers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), [6, 6, 1], 'Conv2D');
  });
});

const CASES_1D: Record<string, unknown>[] = [
  { filters: 4, kernelSize: 3, activation: 'relu' },
  { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
  { filters: 5, kernelSize: 2, activation: 'linear', useBias: false },
  { filters: 32, kernelSize: 3, activation: 'relu' }, // large enough for the filter gradient's other path
  { filters: 3, kernelSize: 3, activation: 'sigmoid' }, // not fusable: the stock code runs
];

describe.each(['cpu', 'wasm'])('FusedConv1D on %s', (backend) => {
  it.each(CASES_1D)('%o: outputs and gradients equal tfjs-layers\' Conv1D', async (config) => {
    await selectBackend(backend);
    const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
    const stock = tf.layers.conv1d({ ...init, ...config } as Parameters<typeof tf.layers.conv1d>[0]);
    const kernels = await expectTwins(nncLayers.conv1d({ ...init, ...config }), stock, [11, 6], 3);
    expect(kernels.includes('NncFusedConv2D')).toBe(config['activation'] !== 'sigmoid');
  });

  it('saves as Conv1D and loads back as the fused layer', async () => {
    await selectBackend(backend);
    await expectSavesAsStock(nncLayers.conv1d({ filters: 2, kernelSize: 3, activation: 'relu' }), [8, 2], 'Conv1D');
  });
});
