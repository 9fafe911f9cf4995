// An exponential moving average of a model's trainable weights (Polyak averaging). A GAN's
// generator wanders around a good solution as the two networks chase each other; the average
// of its recent weights draws cleaner images than the last step's. Sampling swaps the averaged
// weights in and the trained ones back, so the training loop never sees them and a run
// without averaging draws the same random numbers as before.
import * as tf from '@tensorflow/tfjs';
import { fault } from '../errors.js';

/** The decay used at update number `n` (from 0): `decay`, but smaller early on, as
 *  TensorFlow's ExponentialMovingAverage with num_updates, so the first averages are not
 *  dominated by the random initial weights. */
export const decayAt = (decay: number, n: number): number => Math.min(decay, (1 + n) / (10 + n));

export class WeightAverage {
  private readonly shadow: tf.Variable[];

  /** Averages `vars` (the model's trainable variables) from their current values on,
   *  `updates` updates having been made already (a resumed run). */
  constructor(private readonly vars: tf.Variable[], private readonly decay: number, private updates = 0) {
    this.shadow = vars.map((v) => tf.variable(v, false));
  }

  get count(): number {
    return this.updates;
  }

  /** shadow ← d · shadow + (1 − d) · weights, after each optimizer step. */
  update(): void {
    const d = decayAt(this.decay, this.updates++);
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(this.vars[i]!, 1 - d)))));
  }

  /** Sets the averages (from a checkpoint), in the order of the variables. */
  load(values: tf.Tensor[], from: string): void {
    if (values.length !== this.shadow.length || values.some((v, i) => v.shape.join() !== this.shadow[i]!.shape.join())) {
      throw fault('checkpoint', `the averaged weights in ${from} do not fit the model; delete it or run without --resume`);
    }
    this.shadow.forEach((s, i) => s.assign(values[i]!));
  }

  /** Runs `f` with the averaged weights in the variables, then puts the trained ones back. */
  async swappedIn<T>(f: () => Promise<T>): Promise<T> {
    const trained = this.vars.map((v) => v.clone());
    this.vars.forEach((v, i) => v.assign(this.shadow[i]!));
    try {
      return await f();
    } finally {
      this.vars.forEach((v, i) => v.assign(trained[i]!));
      tf.dispose(trained);
    }
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
