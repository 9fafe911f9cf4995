// A model compiled for training or evaluation with the task's loss: one, or for a model of
// several outputs one per output with its loss weight and the metrics that apply to it, and
// the names of the values a step gives, as Keras logs them.
import * as tf from '@tensorflow/tfjs';
import { fault } from '../errors.js';
import { compiledModel, lossesByOutput, metricsByOutput, savableCompile, type LossOrMetric } from '../kernels/tfjs-internals.js';
import { lossFor, metricsFor, TFJS_LOSSES, TFJS_METRICS, type LossName, type Losses } from './vocab.js';

export interface Compiled {
  /** loss, then the metrics; for several outputs loss (their weighted sum), each output's
   *  loss (`price_loss`), then each output's metrics (`kind_accuracy`). */
  names: string[];
  /** A step's values with each output's loss as Keras reports it: without its weight. */
  unweighted: (values: number[]) => number[];
}

/** Accuracy as tfjs picks it for each loss, given as a function: a weighted loss is a new
 *  function, which tfjs-layers' compile would not recognise. */
const ACCURACY: Partial<Record<LossName, LossOrMetric>> = {
  sparse_categorical_crossentropy: tf.metrics.sparseCategoricalAccuracy,
  categorical_crossentropy: tf.metrics.categoricalAccuracy,
  binary_crossentropy: tf.metrics.binaryAccuracy,
};

export function compileFor(model: tf.LayersModel, loss: Losses, metrics: readonly string[], optimizer: tf.Optimizer | string, weights: Readonly<Record<string, number>> = {}): Compiled {
  const outs = model.outputNames;
  if (model.outputs.length === 1 && typeof loss === 'string') {
    model.compile({ optimizer, loss: TFJS_LOSSES[loss], metrics: metrics.map((m) => TFJS_METRICS[m]!) });
    return { names: ['loss', ...metrics], unweighted: (v) => v };
  }
  const losses = outs.map((n) => {
    const l = lossFor(loss, n);
    if (!l) throw fault('data', `no loss for the output '${n}': the loss names ${Object.keys(loss).join(', ')}, the model's outputs are ${outs.join(', ')}`);
    return l;
  });
  const perOutput = losses.map((l) => metricsFor(l, metrics));
  const fns = losses.map((l) => TFJS_LOSSES[l]);
  const w = outs.map((n) => weights[n] ?? 1);
  const metricsOf = (weighted: boolean) => metricsByOutput(Object.fromEntries(outs.map((n, i) => [n, perOutput[i]!.map((m) => (weighted && m === 'accuracy' ? ACCURACY[losses[i]!]! : TFJS_METRICS[m]!))])));
  model.compile({ optimizer, loss: lossesByOutput(fns), metrics: metricsOf(false) });
  if (w.some((x) => x !== 1)) {
    // Each output's loss function times its weight; tfjs sums them into the total.
    const base = compiledModel(model).lossFunctions!;
    const weighted = base.map((f, i): LossOrMetric => (w[i] === 1 ? f : (y, p) => tf.mul(f(y, p), w[i]!)));
    model.compile({ optimizer, loss: lossesByOutput(weighted), metrics: metricsOf(true) });
    // Targets are checked as for the unweighted losses (ids [n, 1] under the sparse one).
    compiledModel(model).feedLossFns = base;
  }
  savableCompile(model, fns);
  return {
    names: ['loss', ...outs.map((n) => `${n}_loss`), ...outs.flatMap((n, i) => perOutput[i]!.map((m) => `${n}_${m}`))],
    unweighted: (v) => v.map((x, i) => (i >= 1 && i <= outs.length ? x / w[i - 1]! : x)),
  };
}
