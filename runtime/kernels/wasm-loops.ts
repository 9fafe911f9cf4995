// Loop kernels for the wasm backend where its native one is slow on training shapes: max-pool's
// gradient (a naive loop, 18 ms for one MNIST batch), sums over leading axes (every bias
// gradient; it transposes the tensor first), relu's gradient, and comparisons whose operands
// broadcast. They run heap.c's SIMD loops (or a JS loop) in place on the wasm heap; none
// records anything (kernels are not taped).
import * as tf from '@tensorflow/tfjs';
import { kernelAttrs, wasmBackend } from './tfjs-internals.js';
import { memoryOf, type KernelArgs } from './memory.js';
import { heapKernels, heapShared } from './native/heap.js';

interface PoolAttrs { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

/** dx of max pooling: each window's output gradient goes to the window's first largest
 *  input (TensorFlow's choice among ties), summed where windows overlap (heap.c, its images
 *  shared with our workers when it is long enough). */
export function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = kernelAttrs<PoolAttrs>(attrs);
  const [b, h, w, c] = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([b, h, w, c], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const mem = memoryOf(backend, 'wasm');
  const out = mem.alloc(input.shape);
  const args = [mem.at(input), mem.at(dy), mem.at(out), b, h, w, c, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
  // About a nanosecond an input a window reads (MNIST's first pooling: 1.4M in 1.5 ms).
  heapShared(backend, 'max_pool_grad', args, b, (b * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * c) / 1000);
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
    heapKernels(args.backend).sum_rows(mem.at(x), mem.at(out), rows, cols);
    return out;
  };
}

/** Comparisons of float32 or int32 operands whose shapes differ (broadcast), as a loop over
 *  the output with each operand's broadcast strides: tfjs-backend-wasm's broadcasting path
 *  took 130–210 µs for a [32, 2, 32] vs [32, 1, 32] Equal (max pooling's and max's
 *  gradient), the loop a few µs. Same shapes, and other dtypes, go to the native kernel. */
export function broadcastComparison(compare: (a: number, b: number) => boolean): (native: tf.KernelFunc) => tf.KernelFunc {
  return (native) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const numeric = (t: tf.TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32';
    if (tf.util.arraysEqual(a.shape, b.shape) || !numeric(a) || !numeric(b)) return native(args);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const backend = wasmBackend(args.backend);
    const out = backend.makeOutput(shape, 'bool');
    const [av, bv, ov] = [a, b, out].map((t) => backend.typedArrayFromHeap<Float32Array | Int32Array | Uint8Array>(t));
    // Each operand's stride per output axis (0 where it is broadcast), right-aligned.
    const strides = (s: number[]) => {
      const st = new Array<number>(shape.length).fill(0);
      for (let i = s.length - 1, acc = 1; i >= 0; i--) {
        st[shape.length - s.length + i] = s[i] === 1 ? 0 : acc;
        acc *= s[i]!;
      }
      return st;
    };
    const [sa, sb] = [strides(a.shape), strides(b.shape)];
    const index = new Array<number>(shape.length).fill(0);
    let ia = 0, ib = 0;
    for (let k = 0; k < ov!.length; k++) {
      ov![k] = compare(av![ia]!, bv![ib]!) ? 1 : 0;
      // Advance the output index like an odometer, moving both operands' offsets.
      for (let d = shape.length - 1; d >= 0; d--) {
        ia += sa[d]!;
        ib += sb[d]!;
        if (++index[d]! < shape[d]!) break;
        ia -= sa[d]! * shape[d]!;
        ib -= sb[d]! * shape[d]!;
        index[d] = 0;
      }
    }
    return out;
  };
}

/** relu's gradient by its output, dy where y > 0, in one pass (heap.c), where tfjs takes a
 *  step and a multiply (1.1 ms for MNIST's first layer, this 0.1 ms). */
export function reluGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const mem = memoryOf(backend, 'wasm');
  const out = mem.alloc(y.shape);
  heapKernels(backend).relu_grad(mem.at(dy), mem.at(y), mem.at(out), tf.util.sizeFromShape(y.shape));
  return out;
}

/** Tile as block copies: each row of the innermost axis copied once, then every block
 *  repeated with copyWithin, axis by axis from the inside out. The native kernel computes
 *  each output element's source index: 340 ms for batch norm's gradient tiling a [1, 1, 1,
 *  32] scale to a DCGAN layer's [64, 28, 28, 32], where the copies take a few ms. Inputs with
 *  short innermost rows (few elements per copy) and strings go to the native kernel. */
export function blockTile(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = kernelAttrs<{ reps: number[] }>(args.attrs);
    const rank = x.shape.length;
    const inner = x.shape[rank - 1] ?? 1;
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(inner, 1);
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const size = tf.util.sizeFromShape(outShape);
    if (x.dtype === 'string' || rank === 0 || size === 0 || rows * 64 > size) return native(args);
    const backend = wasmBackend(args.backend);
    const out = backend.makeOutput(outShape, x.dtype);
    const src = backend.typedArrayFromHeap<Float32Array | Int32Array | Uint8Array>(x);
    const dst = backend.typedArrayFromHeap<Float32Array | Int32Array | Uint8Array>(out);
    const inStrides = tf.util.computeStrides(x.shape), outStrides = tf.util.computeStrides(outShape);
    const stride = (s: number[], axis: number) => (axis < rank - 1 ? s[axis]! : 1);
    // Writes x's sub-block at `axis` (from srcAt) to dstAt, then repeats it reps[axis] times.
    const fill = (axis: number, srcAt: number, dstAt: number): void => {
      const d = x.shape[axis]!;
      if (axis === rank - 1) dst.set(src.subarray(srcAt, srcAt + d), dstAt);
      else for (let i = 0; i < d; i++) fill(axis + 1, srcAt + i * stride(inStrides, axis), dstAt + i * stride(outStrides, axis));
      const block = d * stride(outStrides, axis);
      for (let k = 1; k < reps[axis]!; k++) dst.copyWithin(dstAt + k * block, dstAt, dstAt + block);
    };
    fill(0, 0, 0);
    return out;
  };
}
