// The runtime meaning of the task vocabularies in compiler/tasks/schemas.ts: one entry per
// loss and optimizer name, checked complete by the compiler (`satisfies Record<...>`).
import * as tf from '@tensorflow/tfjs';
import type { LOSSES, OPTIMIZERS } from '../../compiler/tasks/schemas.js';
import type { Value } from '../../compiler/values.js';

type LossName = (typeof LOSSES)[number];
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
} satisfies Record<LossName, string | LossFn>;

type OptimizerName = typeof OPTIMIZERS extends ReadonlyMap<infer K, unknown> ? K : never;
type Numbers = (name: string) => number;

export const TFJS_OPTIMIZERS: Record<string, (n: Numbers) => tf.Optimizer> = {
  adam: (n) => tf.train.adam(n('lr'), n('beta1'), n('beta2'), n('epsilon')),
  rmsprop: (n) => tf.train.rmsprop(n('lr'), n('rho'), n('momentum'), n('epsilon')),
  sgd: (n) => (n('momentum') > 0 ? tf.train.momentum(n('lr'), n('momentum')) : tf.train.sgd(n('lr'))),
} satisfies Record<string, (n: Numbers) => tf.Optimizer> & Record<OptimizerName & string, unknown>;

/** An optimizer from a checked `adam(lr: ...)` value, defaults filled from the schema. */
export function makeOptimizer(v: Value, defaults: ReadonlyMap<string, Value>): tf.Optimizer {
  if (v.kind !== 'call') throw new Error('optimizer must be a call');
  const n: Numbers = (name) => {
    const a = v.args.get(name) ?? defaults.get(name);
    return a?.kind === 'float' || a?.kind === 'int' ? a.value : NaN;
  };
  return TFJS_OPTIMIZERS[v.name]!(n);
}
