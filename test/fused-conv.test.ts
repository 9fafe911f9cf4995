// FusedConv2D (runtime/model/fused-conv.ts) against tfjs-layers' Conv2D with the same
// weights: outputs and gradients (weights and input) on both backends, relu and linear,
// with and without bias, strides and both paddings; it saves as the stock class.
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
    const model = (layer: tf.layers.Layer) => {
      const input = tf.input({ shape: [9, 8, 3] });
      return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    };
    const init = { kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' };
    const stock = model(tf.layers.conv2d({ ...init, ...config } as Parameters<typeof tf.layers.conv2d>[0]));
    const fused = model(nncLayers.conv2d({ ...init, ...config }));
    fused.setWeights(stock.getWeights());
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 5);
    close(fused.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor, 1e-5);
    const target = tf.randomNormal((stock.predict(x) as tf.Tensor).shape, 0, 1, 'float32', 6);
    const loss = (m: tf.LayersModel, xIn: tf.Tensor) => tf.losses.meanSquaredError(target, m.apply(xIn, { training: true }) as tf.Tensor) as tf.Scalar;
    // The weights' gradients, and the input's, as a layer after another layer needs it.
    const grads = (m: tf.LayersModel) => [
      ...Object.values(tf.variableGrads(() => loss(m, x), m.trainableWeights.map((w) => w.read() as tf.Variable)).grads),
      tf.grad((xIn: tf.Tensor) => loss(m, xIn))(x),
    ];
    // The fused kernel runs where the activation allows it, the stock code elsewhere.
    const kernels = (await tf.profile(() => { tf.dispose(grads(fused)); })).kernels.map((k) => k.name);
    expect(kernels.includes('NncFusedConv2D')).toBe(config['activation'] !== 'tanh');
    const a = grads(fused), b = grads(stock);
    expect(a.length).toBe(b.length);
    a.forEach((g, i) => close(g, b[i]!, 1e-4));
  });

  it('saves as Conv2D and loads back as the fused layer', async () => {
    await selectBackend(backend);
    const input = tf.input({ shape: [6, 6, 1] });
    const m = tf.model({ inputs: input, outputs: nncLayers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor });
    const json = m.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toContain('Conv2D');
    const saved = await new Promise<tf.io.ModelArtifacts>((done) => { void m.save(tf.io.withSaveHandler(async (art) => { done(art); return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; })); });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    expect(loaded.layers[1]!.constructor.name).toBe('FusedConv2D');
  });
});
