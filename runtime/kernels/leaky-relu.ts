// Leaky ReLU on wasm as x · step(x, alpha): tfjs-backend-wasm's LeakyRelu kernel, and the
// gradient tfjs records for it (a Greater against a scalar, then a Select), are slow
// element loops; Step and Multiply are native and vectorised. Measured on one thread, a
// [32, 28, 28, 32] map (a DCGAN generator's last one): forward 5.5 → 2.3 ms, gradient 32 → 2.3 ms.
// Both give the same values bit for bit: x · 1 = x and dy · 1 = dy above zero, x · alpha and
// dy · alpha elsewhere.
import * as tf from '@tensorflow/tfjs';
import { kernelAttrs } from './tfjs-internals.js';

/** The LeakyRelu kernel: x · step(x, alpha), with step(x, a) = 1 where x > 0, else a. */
export function leakyReluByStep(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.Tensor };
    if (x.dtype !== 'float32') return native(args);
    const { alpha } = kernelAttrs<{ alpha: number }>(args.attrs);
    const slope = tf.step(x, alpha);
    const out = tf.mul(x, slope);
    slope.dispose();
    return out;
  };
}

/** LeakyRelu's gradient as dy · step(x, alpha), the same values as tfjs' where(x > 0, dy, dy · alpha). */
export function registerLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const { alpha } = kernelAttrs<{ alpha: number }>(attrs);
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}
