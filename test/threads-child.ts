// Child of test/threads.test.ts: starts the wasm backend with $NNC_THREADS threads, trains a
// small convnet for a few steps and prints the backend's detail, the weights and how many
// kernel calls our worker threads shared (its second filter gradient is long enough to share).
// The process must then exit by itself (the pthread workers must not hold it open).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../runtime/backend.js';
import { teamRuns } from '../runtime/kernels/native/team.js';

const backend = await selectBackend('wasm');
tf.setBackend('wasm');
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [24, 24, 2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
  tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
] });
const x = tf.randomNormal([16, 24, 24, 2], 0, 1, 'float32', 3);
const y = tf.randomNormal([16, 3], 0, 1, 'float32', 4);
const optimizer = tf.train.sgd(0.05);
for (let i = 0; i < 5; i++) {
  optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar);
  // The first step starts our workers; they take part once they are up.
  if (i === 0) await new Promise((r) => setTimeout(r, 300));
}
const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
process.stdout.write(JSON.stringify({ detail: backend.detail, weights, shared: teamRuns.shared }));
