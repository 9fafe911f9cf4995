// x·W + b over the last axis of x, as one kernel with a written-out gradient: what a dense
// layer and a recurrent layer's input projection compute. tf.fused.matMul reshapes its
// operands to 3-D and back around the kernel and records each reshape (3 forward, about 7
// backward); on a small model's step, where each recorded op costs some 8 µs, those
// reshapes were a fifth of the step. Here the reshapes are only new shapes on the kernels'
// own tensor infos, and the gradient's three parts (dx, dW, db) are lazy: the engine asks
// only for those on the path to the variables.
import * as tf from '@tensorflow/tfjs';
import { asKernelFunc, runKernel } from './tfjs-internals.js';
import { withShape } from './memory.js';

const DENSE = 'NncDense';
const DENSE_DX = 'NncDenseBackpropInput';
const DENSE_DW = 'NncDenseBackpropFilter';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown };


function matmul(name: string, backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, bias?: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel(bias ? '_FusedMatMul' : 'BatchMatMul', name)!.kernelFunc;
  return kernel({ inputs: { a, b, ...(bias && { bias }) }, attrs: { transposeA, transposeB, ...(bias && { activation: 'linear' }) }, backend: backend as tf.KernelBackend }) as tf.TensorInfo;
}

/** [..., F] · [F, N] (+ [N]) → [..., N]. */
function dense(name: string) {
  return ({ inputs, backend }: Args): tf.TensorInfo => {
    const { x, w, b } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b?: tf.TensorInfo };
    const [F, N] = w.shape as [number, number];
    const rows = tf.util.sizeFromShape(x.shape) / F;
    const out = matmul(name, backend, withShape(x, [1, rows, F]), withShape(w, [1, F, N]), false, false, b);
    return withShape(out, [...x.shape.slice(0, -1), N]);
  };
}

/** dx = dy · Wᵀ, [..., N] → [..., F]. */
function denseDx(name: string) {
  return ({ inputs, backend }: Args): tf.TensorInfo => {
    const { dy, w } = inputs as { dy: tf.TensorInfo; w: tf.TensorInfo };
    const [F, N] = w.shape as [number, number];
    const rows = tf.util.sizeFromShape(dy.shape) / N;
    return withShape(matmul(name, backend, withShape(dy, [1, rows, N]), withShape(w, [1, F, N]), false, true), [...dy.shape.slice(0, -1), F]);
  };
}

/** dW = xᵀ · dy over all leading axes: [F, N]. */
function denseDw(name: string) {
  return ({ inputs, backend }: Args): tf.TensorInfo => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const F = x.shape[x.shape.length - 1]!, N = dy.shape[dy.shape.length - 1]!;
    const rows = tf.util.sizeFromShape(x.shape) / F;
    return withShape(matmul(name, backend, withShape(x, [1, rows, F]), withShape(dy, [1, rows, N]), true, false), [F, N]);
  };
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const name of ['wasm', 'cpu']) {
    tf.registerKernel({ kernelName: DENSE, backendName: name, kernelFunc: asKernelFunc(dense(name)) });
    tf.registerKernel({ kernelName: DENSE_DX, backendName: name, kernelFunc: asKernelFunc(denseDx(name)) });
    tf.registerKernel({ kernelName: DENSE_DW, backendName: name, kernelFunc: asKernelFunc(denseDw(name)) });
  }
  tf.registerGradient({
    kernelName: DENSE,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved) => {
      const [x, w] = saved as [tf.Tensor, tf.Tensor];
      const g = dy as tf.Tensor;
      return {
        x: () => tf.engine().runKernel(DENSE_DX, { dy: g, w }) as tf.Tensor,
        w: () => tf.engine().runKernel(DENSE_DW, { x, dy: g }) as tf.Tensor,
        b: () => tf.sum(g, g.shape.slice(0, -1).map((_, i) => i)),
      };
    },
  });
}

/** x·W + b over the last axis of x (b optional), on the wasm or cpu backend. */
export function denseProduct(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  register();
  return runKernel<tf.Tensor>(DENSE, { x, w, ...(b && { b }) });
}
