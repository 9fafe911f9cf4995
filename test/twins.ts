// Helpers for the runtime's layers that stand in for tfjs-layers' (fused-rnn, fused-conv,
// fused-dense tests): compare a layer with its stock twin, and save and reload it.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** a equals b in shape and within tol, relative to b's largest magnitude (at least 1). */
export function close(a: tf.Tensor, b: tf.Tensor, tol = 2e-5, what = ''): void {
  expect(a.shape).toEqual(b.shape);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]!);
  expect(err, what).toBeLessThanOrEqual(tol * Math.max(1, scale));
}

const modelOf = (layer: tf.layers.Layer, shape: number[]) => {
  const input = tf.input({ shape });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
};

/** Runs `fused` and its `stock` twin (given the same weights) on one seeded batch of
 *  `shape` inputs: outputs within 1e-5, and the gradients of an MSE loss by the weights and
 *  by the input (as a layer after another layer needs it) within 1e-4; a training step
 *  leaves no buffer behind. Returns the kernels one gradient computation of `fused` ran. */
export async function expectTwins(fused: tf.layers.Layer, stock: tf.layers.Layer, shape: number[], batch: number): Promise<string[]> {
  const s = modelOf(stock, shape), f = modelOf(fused, shape);
  f.setWeights(s.getWeights());
  const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 5);
  close(f.predict(x) as tf.Tensor, s.predict(x) as tf.Tensor, 1e-5);
  const target = tf.randomNormal((s.predict(x) as tf.Tensor).shape, 0, 1, 'float32', 6);
  const loss = (m: tf.LayersModel, xIn: tf.Tensor) => tf.losses.meanSquaredError(target, m.apply(xIn, { training: true }) as tf.Tensor) as tf.Scalar;
  const grads = (m: tf.LayersModel) => [
    ...Object.values(tf.variableGrads(() => loss(m, x), m.trainableWeights.map((w) => w.read() as tf.Variable)).grads),
    tf.grad((xIn: tf.Tensor) => loss(m, xIn))(x),
  ];
  const kernels = (await tf.profile(() => { tf.dispose(grads(f)); })).kernels.map((k) => k.name);
  // No buffer outlives a step (the kernels' own transposes and views included).
  const buffers = tf.backend().numDataIds();
  tf.tidy(() => { grads(f); });
  expect(tf.backend().numDataIds()).toBe(buffers);
  const a = grads(f), b = grads(s);
  expect(a.length).toBe(b.length);
  a.forEach((g, i) => close(g, b[i]!, 1e-4));
  return kernels;
}

/** A model of `layer` saves under the stock class name and loads back as `layer`'s class. */
export async function expectSavesAsStock(layer: tf.layers.Layer, shape: number[], stockClassName: string): Promise<void> {
  const m = modelOf(layer, shape);
  const json = m.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
  expect(json.config.layers.map((l) => l.class_name)).toContain(stockClassName);
  const saved = await new Promise<tf.io.ModelArtifacts>((done) => {
    void m.save(tf.io.withSaveHandler(async (art) => { done(art); return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  });
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  expect(loaded.layers[1]!.constructor.name).toBe(layer.constructor.name);
}
