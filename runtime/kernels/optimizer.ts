// Fused optimizer updates: tfjs's RMSProp and Adam update each variable with 8 to 14 small
// ops (RMSProp even computes its mean square twice); on small models those dispatches cost
// more than the model's own step. Here one kernel per variable computes the new value and
// the new moments in one loop, and the optimizer classes are tfjs's own with only
// applyGradients replaced: same state variables, names and class names, so checkpoints
// with optimizer state load anywhere, and registered under the stock names they are what
// tf.loadLayersModel gives nnc back on --resume.
import * as tf from '@tensorflow/tfjs';
import { adamState, kernelAttrs, registerClass, rmspropState, runKernel, type OptimizerSlot } from './tfjs-internals.js';
import { fusedBackend, memoryOf, type KernelArgs } from './memory.js';

const UPDATE = 'NncOptimizerUpdate';

interface UpdateAttrs {
  rule: 'rmsprop' | 'adam';
  lr: number; epsilon: number;
  /** rmsprop: rho and momentum; adam: beta1, beta2 and the bias corrections 1 − β^t. */
  a: number; b: number; c1: number; c2: number;
}

/** Inputs value, grad, s1, s2 (rmsprop: mean square, moment; adam: m, v); outputs the new
 *  value, s1, s2. */
function update({ inputs, attrs, backend }: KernelArgs, name: 'wasm' | 'cpu'): tf.TensorInfo[] {
  const { value, grad, s1, s2 } = inputs as Record<string, tf.TensorInfo>;
  const p = kernelAttrs<UpdateAttrs>(attrs);
  const mem = memoryOf(backend, name);
  const outs = [value!, s1!, s2!].map((t) => mem.alloc(t.shape));
  const [v, g, m1, m2] = [value!, grad!, s1!, s2!].map((t) => mem.view(t));
  const [nv, n1, n2] = outs.map((t) => mem.view(t));
  const n = v!.length;
  if (p.rule === 'rmsprop') {
    for (let i = 0; i < n; i++) {
      const gi = g![i]!;
      const ms = m1![i]! * p.a + gi * gi * (1 - p.a);
      const mom = m2![i]! * p.b + (gi * p.lr) / Math.sqrt(ms + p.epsilon);
      n1![i] = ms; n2![i] = mom; nv![i] = v![i]! - mom;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const gi = g![i]!;
      const m = m1![i]! * p.a + gi * (1 - p.a);
      const s = m2![i]! * p.b + gi * gi * (1 - p.b);
      n1![i] = m; n2![i] = s;
      nv![i] = v![i]! - (p.lr * (m / p.c1)) / (Math.sqrt(s / p.c2) + p.epsilon);
    }
  }
  return outs;
}

let registered = false;
function registerUpdateKernel(): void {
  if (registered) return;
  registered = true;
  for (const name of ['wasm', 'cpu'] as const) tf.registerKernel({ kernelName: UPDATE, backendName: name, kernelFunc: (args) => update(args, name) });
}

/** One fused update of `value` and its two state variables. */
function applyUpdate(value: tf.Variable, grad: tf.Tensor, s1: tf.Variable, s2: tf.Variable, attrs: UpdateAttrs): void {
  registerUpdateKernel();
  const [nv, n1, n2] = runKernel<tf.Tensor[]>(UPDATE, { value, grad, s1, s2 }, attrs);
  value.assign(nv!);
  s1.assign(n1!);
  s2.assign(n2!);
  tf.dispose([nv!, n1!, n2!]);
}


type Named = Parameters<tf.Optimizer['applyGradients']>[0];
const entries = (g: Named): [string, tf.Tensor | undefined][] => (Array.isArray(g) ? g.map((x) => [x.name, x.tensor] as [string, tf.Tensor]) : Object.entries(g));

/** The optimizer state tfjs keeps per variable, created as tfjs creates it. */
function slot(slots: (OptimizerSlot | undefined)[], i: number, name: string, suffix: string, like: tf.Tensor): tf.Variable {
  slots[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(like).variable(false)) };
  return slots[i]!.variable;
}

export class FusedRMSProp extends tf.RMSPropOptimizer {
  override applyGradients(grads: Named): void {
    const self = rmspropState(this);
    if (!fusedBackend() || self.centered) return super.applyGradients(grads);
    entries(grads).forEach(([name, g], i) => {
      const value = tf.engine().registeredVariables[name]!;
      const ms = slot(self.accumulatedMeanSquares, i, name, 'rms', value);
      const mom = slot(self.accumulatedMoments, i, name, 'momentum', value);
      if (g) applyUpdate(value, g, ms, mom, { rule: 'rmsprop', lr: self.learningRate, epsilon: self.epsilon, a: self.decay, b: self.momentum, c1: 1, c2: 1 });
    });
    this.incrementIterations();
  }
}

export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(grads: Named): void {
    const self = adamState(this);
    if (!fusedBackend()) return super.applyGradients(grads as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    const [b1, b2] = [self.accBeta1.dataSync()[0]!, self.accBeta2.dataSync()[0]!];
    entries(grads).forEach(([name, g], i) => {
      const value = tf.engine().registeredVariables[name]!;
      const m = slot(self.accumulatedFirstMoment, i, name, 'm', value);
      const v = slot(self.accumulatedSecondMoment, i, name, 'v', value);
      if (g) applyUpdate(value, g, m, v, { rule: 'adam', lr: self.learningRate, epsilon: self.epsilon, a: self.beta1, b: self.beta2, c1: 1 - b1, c2: 1 - b2 });
    });
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

for (const cls of [FusedRMSProp, FusedAdam]) registerClass(cls);
