// FusedDense (runtime/model/fused-dense.ts, over kernels/dense.ts) against tfjs-layers'
// Dense with the same weights: outputs and gradients (weights and input) on both backends,
// 2-D and 3-D inputs, with and without bias, several activations; it saves as the stock class.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../runtime/backend.js';
import { nncLayers } from '../runtime/model/custom.js';

const close = (a: tf.Tensor, b: tf.Tensor, tol: number) => {
  expect(a.shape).toEqual(b.shape);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]!);
  expect(err).toBeLessThanOrEqual(tol * Math.max(1, scale));
};

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
    const model = (layer: tf.layers.Layer) => {
      const input = tf.input({ shape });
      return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    };
    const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
    const stock = model(tf.layers.dense({ ...init, ...config } as Parameters<typeof tf.layers.dense>[0]));
    const fused = model(nncLayers.dense({ ...init, ...config }));
    fused.setWeights(stock.getWeights());
    const x = tf.randomNormal([8, ...shape], 0, 1, 'float32', 5);
    close(fused.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor, 1e-5);
    const target = tf.randomNormal((stock.predict(x) as tf.Tensor).shape, 0, 1, 'float32', 6);
    const loss = (m: tf.LayersModel, xIn: tf.Tensor) => tf.losses.meanSquaredError(target, m.apply(xIn, { training: true }) as tf.Tensor) as tf.Scalar;
    const grads = (m: tf.LayersModel) => [
      ...Object.values(tf.variableGrads(() => loss(m, x), m.trainableWeights.map((w) => w.read() as tf.Variable)).grads),
      tf.grad((xIn: tf.Tensor) => loss(m, xIn))(x),
    ];
    const kernels = (await tf.profile(() => { tf.dispose(grads(fused)); })).kernels.map((k) => k.name);
    expect(kernels).toContain('NncDense');
    // No buffer outlives a step (the kernels' own transposes and views included).
    const buffers = tf.backend().numDataIds();
    tf.tidy(() => { grads(fused); });
    expect(tf.backend().numDataIds()).toBe(buffers);
    const a = grads(fused), b = grads(stock);
    expect(a.length).toBe(b.length);
    a.forEach((g, i) => close(g, b[i]!, 1e-4));
  });

  it('saves as Dense and loads back as the fused layer', async () => {
    await selectBackend(backend);
    const input = tf.input({ shape: [3] });
    const m = tf.model({ inputs: input, outputs: nncLayers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
    const json = m.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toContain('Dense');
    const saved = await new Promise<tf.io.ModelArtifacts>((done) => { void m.save(tf.io.withSaveHandler(async (art) => { done(art); return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; })); });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    expect(loaded.layers[1]!.constructor.name).toBe('FusedDense');
  });
});
