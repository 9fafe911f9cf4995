// FusedConv2D and FusedConv1D (runtime/model/fused-conv.ts) against tfjs-layers' Conv2D and
// Conv1D with the same weights: outputs and gradients (weights and input) on both backends,
// relu and linear, with and without bias, strides and both paddings; each saves as the
// stock class.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { nncLayers } from '../../runtime/model/custom.js';
import { expectSavesAsStock, expectTwins } from '../twins.js';

type Config = Record<string, unknown>;

/** Each fused class beside its stock twin; the last case's activation is not fusable, so the
 *  stock code runs there. */
const LAYERS = [
  {
    fused: 'FusedConv2D', stockName: 'Conv2D', make: nncLayers.conv2d, stock: (c: Config) => tf.layers.conv2d(c as unknown as Parameters<typeof tf.layers.conv2d>[0]),
    input: [9, 8, 3], batch: 2, saveInput: [6, 6, 1],
    cases: [
      { filters: 4, kernelSize: 3, activation: 'relu' },
      { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { filters: 5, kernelSize: [2, 3], activation: 'linear', useBias: false },
      { filters: 2, kernelSize: 1, strides: 2, padding: 'same' },
      { filters: 3, kernelSize: 3, activation: 'tanh' },
    ] as Config[],
  },
  {
    fused: 'FusedConv1D', stockName: 'Conv1D', make: nncLayers.conv1d, stock: (c: Config) => tf.layers.conv1d(c as unknown as Parameters<typeof tf.layers.conv1d>[0]),
    input: [11, 6], batch: 3, saveInput: [8, 2],
    cases: [
      { filters: 4, kernelSize: 3, activation: 'relu' },
      { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { filters: 5, kernelSize: 2, activation: 'linear', useBias: false },
      { filters: 32, kernelSize: 3, activation: 'relu' },
      { filters: 3, kernelSize: 3, activation: 'sigmoid' },
    ] as Config[],
  },
];

describe.each(LAYERS)('$fused', (layer) => {
  describe.each(['cpu', 'wasm'])('on %s', (backend) => {
    it.each(layer.cases)(`%o: outputs and gradients equal tfjs-layers' ${layer.stockName}`, async (config) => {
      await selectBackend(backend);
      const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
      const kernels = await expectTwins(layer.make({ ...init, ...config }), layer.stock({ ...init, ...config }), layer.input, layer.batch);
      // The fused kernel runs where the activation allows it, the stock code elsewhere.
      expect(kernels.includes('NncFusedConv2D')).toBe(config !== layer.cases[layer.cases.length - 1]);
    });

    it(`saves as ${layer.stockName} and loads back as the fused layer`, async () => {
      await selectBackend(backend);
      await expectSavesAsStock(layer.make({ filters: 2, kernelSize: 3, activation: 'relu' }), layer.saveInput, layer.stockName);
    });
  });
});
