// The runtime meaning of the task vocabularies in compiler/tasks/schemas.ts: one entry per
// loss and optimizer name (test/vocab.test.ts checks both tables are complete). Free of
// compiler imports, so `nnc compile` can copy it next to the emitted code.
import * as tf from '@tensorflow/tfjs';
import { FusedAdam, FusedRMSProp } from '../kernels/optimizer.js';

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

/** The batch mean of mean squared error as one recorded op with a written-out gradient,
 *  2·(ŷ − y)/size. Composed from tfjs-layers' loss, the mean and its gradient are some 20
 *  small kernels: on a small recurrent model's step, where each costs a few µs, a quarter
 *  of the step. */
function meanSquaredErrorOfBatch(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  // customGrad's typings take the inputs and the save function as one rest parameter.
  const fused = tf.customGrad(((pred: tf.Tensor, save: tf.GradSaveFunc) => {
    const err = tf.sub(pred, yTrue);
    save([err]);
    return {
      value: tf.mean(tf.square(err)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(saved!, tf.mul(dy, 2 / saved!.size)),
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Scalar>>[0]);
  return fused(yPred) as tf.Scalar;
}

/** Losses whose batch mean has a fused form (same value and gradient as the mean of
 *  TFJS_LOSSES' per-sample loss, to float32 rounding); the rest are composed. */
export const FUSED_BATCH_LOSSES: Partial<Record<LossName, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar>> = {
  mse: meanSquaredErrorOfBatch,
};

type Numbers = (name: string) => number;

export const TFJS_OPTIMIZERS: Record<string, (n: Numbers) => tf.Optimizer> = {
  // tfjs's Adam and RMSProp with one fused update kernel per variable (same state and names).
  adam: (n) => new FusedAdam(n('lr'), n('beta1'), n('beta2'), n('epsilon')),
  rmsprop: (n) => new FusedRMSProp(n('lr'), n('rho'), n('momentum'), n('epsilon')),
  sgd: (n) => (n('momentum') > 0 ? tf.train.momentum(n('lr'), n('momentum')) : tf.train.sgd(n('lr'))),
};

/** An optimizer by name with all its parameters given (the checker filled the defaults). */
export function makeOptimizer(name: string, params: Readonly<Record<string, number>>): tf.Optimizer {
  return TFJS_OPTIMIZERS[name]!((p) => params[p] ?? NaN);
}
