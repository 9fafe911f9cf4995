// The runtime meaning of the task vocabularies in compiler/tasks/vocab.ts: one entry per
// loss and optimizer name (test/runtime/vocab.test.ts checks both tables are complete). Free of
// compiler imports, so `nnc compile` can copy it next to the emitted code.
import * as tf from '@tensorflow/tfjs';
import { FusedAdam, FusedRMSProp } from '../kernels/optimizer.js';
import { customGrad1 } from '../kernels/tfjs-internals.js';

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Huber (δ = 1) per sample, as Keras computes it. */
function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const err = tf.abs(tf.sub(yTrue, yPred));
    const quad = tf.minimum(err, 1);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quad)), tf.sub(err, quad)), -1);
  });
}

export const TFJS_LOSSES = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  huber,
} satisfies Record<string, string | LossFn>;

export type LossName = keyof typeof TFJS_LOSSES;

/** A task's loss: one for every output, or one per output name (a model of several). */
export type Losses = LossName | Readonly<Record<string, LossName>>;

/** The loss of one output; a name the map lacks is refused before any work (train checks the names). */
export const lossFor = (l: Losses, output: string): LossName | undefined => (typeof l === 'string' ? l : l[output]);

const CROSS_ENTROPIES: readonly LossName[] = ['binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'];
export const isClassLoss = (l: LossName | undefined): boolean => l !== undefined && CROSS_ENTROPIES.includes(l);

/** The metrics an output of a model of several reports: accuracy where its loss is a
 *  cross-entropy (classes), mae and mse where it is not (values). */
export const metricsFor = (loss: LossName | undefined, metrics: readonly string[]): string[] =>
  metrics.filter((m) => (m === 'accuracy') === isClassLoss(loss));

/** The metrics by name, as tfjs-layers' compile takes them. */
export const TFJS_METRICS: Record<string, string> = { mae: 'mae', mse: 'mse', accuracy: 'accuracy' };

/** The batch mean of mean squared error as one recorded op with a written-out gradient,
 *  2·(ŷ − y)/size. Composed from tfjs-layers' loss, the mean and its gradient are some 20
 *  small kernels: on a small recurrent model's step, where each costs a few µs, a quarter
 *  of the step. */
function meanSquaredErrorOfBatch(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const fused = customGrad1((pred: tf.Tensor, save: tf.GradSaveFunc) => {
    const err = tf.sub(pred, yTrue);
    save([err]);
    return {
      value: tf.mean(tf.square(err)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(saved!, tf.mul(dy, 2 / saved!.size)),
    };
  });
  return fused(yPred);
}

/** tfjs-layers' epsilon: categorical cross-entropy clips probabilities to [ε, 1 − ε]. */
const EPSILON = 1e-7;

/** The batch mean of categorical cross-entropy as one recorded op, computed in one pass over
 *  host copies of the (small) predictions and targets, as tfjs-layers defines it: each row
 *  p normalised to q = p / Σp, clipped to [ε, 1 − ε], loss −Σ y·log(q). Its gradient, written
 *  out: g = −y / (rows · q) where q was not clipped, then through the normalisation,
 *  dp = g / Σp − (Σ g·p) / (Σp)². Composed, the loss and its gradient were some 25 kernels,
 *  the broadcasting multiplies and divides among them 0.1–0.4 ms each on wasm (MNIST's
 *  step); here the gradient is one tensor made with the value. */
export function categoricalCrossentropyOfBatch(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const fused = customGrad1((pred: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = pred.dataSync() as Float32Array, y = yTrue.dataSync() as Float32Array;
    const classes = pred.shape[pred.rank - 1]!, rows = p.length / classes;
    const grad = new Float32Array(p.length);
    let total = 0;
    for (let r = 0, at = 0; r < rows; r++, at += classes) {
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += p[at + k]!;
      let dot = 0;
      for (let k = 0; k < classes; k++) {
        const q = Math.fround(p[at + k]! / sum), clipped = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
        total -= y[at + k]! * Math.log(clipped);
        const g = q >= EPSILON && q <= 1 - EPSILON ? -y[at + k]! / (rows * clipped) : 0;
        grad[at + k] = g;
        dot += g * p[at + k]!;
      }
      for (let k = 0; k < classes; k++) grad[at + k] = grad[at + k]! / sum - dot / (sum * sum);
    }
    save([tf.tensor(grad, pred.shape)]);
    return {
      value: tf.scalar(total / rows),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(saved!, dy),
    };
  });
  return fused(yPred);
}

/** Losses whose batch mean has a fused form (same value and gradient as the mean of
 *  TFJS_LOSSES' per-sample loss, to float32 rounding); the rest are composed. */
export const FUSED_BATCH_LOSSES: Partial<Record<LossName, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar>> = {
  mse: meanSquaredErrorOfBatch,
  categorical_crossentropy: categoricalCrossentropyOfBatch,
};

type Numbers = (name: string) => number;

export const TFJS_OPTIMIZERS: Record<string, (n: Numbers) => tf.Optimizer> = {
  // tfjs's Adam and RMSProp with one fused update kernel per variable (same state and names).
  adam: (n) => new FusedAdam(n('lr'), n('beta1'), n('beta2'), n('epsilon')),
  rmsprop: (n) => new FusedRMSProp(n('lr'), n('rho'), n('momentum'), n('epsilon')),
  sgd: (n) => (n('momentum') > 0 ? tf.train.momentum(n('lr'), n('momentum')) : tf.train.sgd(n('lr'))),
};

/** An optimizer as a task's fields give it: `rmsprop(lr: 0.01)` is { name: 'rmsprop', params:
 *  { lr: 0.01, rho: 0.9, ... } }, every parameter given (the checker filled the defaults). */
export interface OptimizerSpec { name: string; params: Record<string, number> }

export function makeOptimizer({ name, params }: OptimizerSpec): tf.Optimizer {
  return TFJS_OPTIMIZERS[name]!((p) => params[p] ?? NaN);
}
