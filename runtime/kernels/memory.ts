// Backend memory for the runtime's loop kernels (recurrent sequences, optimizer updates):
// float32 buffers that JS loops read and write in place, on the wasm heap or in the cpu
// backend's arrays, and the backend's own matmul kernel called directly.
import * as tf from '@tensorflow/tfjs';
import { cpuBackend, wasmBackend } from './tfjs-internals.js';

/** Whether the running backend is one the loop kernels are registered for. */
export const fusedBackend = () => ['wasm', 'cpu'].includes(tf.getBackend());

/** The engine passes the backend as `{}`-typed; it is the running KernelBackend. */
export interface KernelArgs { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }

/** Backend memory as the kernels need it: float32 buffers the loops read and write in
 *  place, and the backend's matmul. Views are taken again after every allocation (the wasm
 *  heap may grow, which detaches old views). */
export interface Memory {
  alloc(shape: number[]): tf.TensorInfo;
  view(t: tf.TensorInfo): Float32Array;
  /** The byte offset of a wasm tensor on the backend's heap: heap.c's pointer to it. */
  at(t: tf.TensorInfo): number;
  /** [m, k] × [k, n] into a new buffer of shape `out`. (No transposed operands: the wasm
   *  kernel transposes them through ops, which a kernel cannot call; see transposed() below.) */
  matmul(a: tf.TensorInfo, aShape: [number, number], b: tf.TensorInfo, bShape: [number, number], out: number[]): tf.TensorInfo;
  free(t: tf.TensorInfo): void;
}

/** A tensor info seen with another shape (same buffer, no copy): what kernels hand each
 *  other instead of recording a reshape. */
export const withShape = (t: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({ ...t, shape });

export function memoryOf(backend: unknown, name: 'wasm' | 'cpu'): Memory {
  const matmulKernel = tf.getKernel('BatchMatMul', name)!.kernelFunc;
  const wasm = wasmBackend(backend), cpu = cpuBackend(backend);
  return {
    alloc: (shape) => (name === 'wasm' ? wasm.makeOutput(shape, 'float32') : cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((x, y) => x * y, 1)))),
    view: (t) => (name === 'wasm' ? wasm.typedArrayFromHeap(t) : cpu.readSync(t.dataId)),
    at: (t) => wasm.typedArrayFromHeap(t).byteOffset,
    matmul(a, aShape, m, mShape, out) {
      const r = matmulKernel({
        inputs: { a: withShape(a, [1, ...aShape]), b: withShape(m, [1, ...mShape]) },
        attrs: { transposeA: false, transposeB: false }, backend: backend as tf.KernelBackend,
      }) as tf.TensorInfo;
      return withShape(r, out);
    },
    free: (t) => (name === 'wasm' ? wasm : cpu).disposeData(t.dataId),
  };
}

/** The transpose of each of `batch` [rows, cols] matrices of m (one after another), as a
 *  new buffer of [batch, cols, rows]: a loop, for buffers small enough that a Transpose
 *  kernel's dispatch would cost more, and for kernels, which cannot call ops. */
export function transposed(mem: Memory, m: tf.TensorInfo, rows: number, cols: number, batch = 1): tf.TensorInfo {
  const out = mem.alloc(batch === 1 ? [cols, rows] : [batch, cols, rows]);
  const src = mem.view(m), dst = mem.view(out);
  for (let i = 0, o = 0; i < batch; i++, o += rows * cols) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[o + c * rows + r] = src[o + r * cols + c]!;
  }
  return out;
}
