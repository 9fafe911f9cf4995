// Kernels for the wasm backend where its native one is slow on training shapes: max-pool's
// gradient (a naive loop, 18 ms for one MNIST batch) and sums over leading axes (every bias
// gradient; it transposes the tensor first). Both run heap.c's SIMD loops in place on the
// wasm heap; neither records anything (kernels are not taped).
import * as tf from '@tensorflow/tfjs';
import { memoryOf, type KernelArgs } from './memory.js';
import { heapKernels } from './native/heap.js';

interface PoolAttrs { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

/** dx of max pooling: each window's output gradient goes to the window's first largest
 *  input (TensorFlow's choice among ties), summed where windows overlap (heap.c). */
export function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as PoolAttrs;
  const [b, h, w, c] = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([b, h, w, c], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const mem = memoryOf(backend, 'wasm');
  const out = mem.alloc(input.shape);
  const at = (t: tf.TensorInfo) => mem.view(t).byteOffset;
  heapKernels(backend).max_pool_grad(at(input), at(dy), at(out), b, h, w, c, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
  return out;
}

/** Sum over the leading axes of a float32 tensor (every bias gradient), as one pass of row
 *  additions (heap.c); the native kernel transposes the summed axes to the end first. Other
 *  sums go to the native kernel. */
export function leadingAxesSum(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((ax, i) => ax === i);
    if (!leading || x.dtype !== 'float32') return native(args);
    const rows = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
    const cols = x.shape.slice(axes.length).reduce((p, q) => p * q, 1);
    const mem = memoryOf(args.backend, 'wasm');
    const out = mem.alloc(keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length));
    heapKernels(args.backend).sum_rows(mem.view(x).byteOffset, mem.view(out).byteOffset, rows, cols);
    return out;
  };
}
