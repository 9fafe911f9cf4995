// FusedDense (runtime/model/fused-dense.ts, over kernels/dense.ts) against tfjs-layers'
// Dense with the same weights: outputs and gradients (weights and input) on both backends,
// 2-D and 3-D inputs, with and without bias, several activations; it saves as the stock class.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { nncLayers } from '../../runtime/model/custom.js';
import { expectSavesAsStock, expectTwins } from '../twins.js';

const CASES: [Record<string, unknown>, number[]][] = [
  [{ units: 4, activation: 'relu' }, [6]],
  [{ units: 3, activation: 'softmax' }, [5]],
  [{ units: 5, useBias: false }, [7]],
  [{ units: 2, activation: 'tanh' }, [4, 3]], // a 3-D input: the product runs over the last axis
  [{ units: 600, activation: 'sigmoid' }, [300]], // large enough for XNNPACK, not heap.c
];

describe.each(['cpu', 'wasm'])('FusedDense on %s', (backend) => {
  it.each(CASES)('%o on inputs of %o: outputs and gradients equal tfjs-layers\' Dense', async (config, shape) => {
    await selectBackend(backend);
    const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
    const stock = tf.layers.dense({ ...init, ...config } as Parameters<typeof tf.layers.dense>[0]);
    const kernels = await expectTwins(nncLayers.dense({ ...init, ...config }), stock, shape, 8);
    expect(kernels).toContain('NncDense');
  });

  it('saves as Dense and loads back as the fused layer', async () => {
    await selectBackend(backend);
    await expectSavesAsStock(nncLayers.dense({ units: 2 }), [3], 'Dense');
  });
});
