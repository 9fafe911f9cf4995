// Loop kernels for the wasm backend where its native kernel is slow on training shapes:
// max-pool's gradient (a naive C loop, 18 ms for one MNIST batch) and sums over leading axes
// (every bias gradient; it transposes the tensor first). Both read and write the wasm heap
// in place through Memory; neither records anything (kernels are not taped).
import * as tf from '@tensorflow/tfjs';
import { memoryOf, type KernelArgs } from './memory.js';

interface PoolAttrs { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }

/** dx of max pooling: each window's output gradient goes to the window's first largest
 *  input (TensorFlow's choice among ties), summed where windows overlap. */
export function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as PoolAttrs;
  const [b, h, w, c] = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([b, h, w, c], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const mem = memoryOf(backend, 'wasm');
  const out = mem.alloc(input.shape);
  const dx = mem.view(out);
  dx.fill(0);
  const x = mem.view(input);
  const g = mem.view(dy);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let n = 0; n < b; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(oy * sh - top, 0), y1 = Math.min(oy * sh - top + fh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(ox * sw - left, 0), x1 = Math.min(ox * sw - left + fw, w);
        if (y0 >= y1 || x0 >= x1) continue;
        const first = ((n * h + y0) * w + x0) * c;
        for (let k = 0; k < c; k++) {
          best[k] = x[first + k]!;
          at[k] = first + k;
        }
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k]!;
              if (v > best[k]!) {
                best[k] = v;
                at[k] = base + k;
              }
            }
          }
        }
        const o = ((n * oh + oy) * ow + ox) * c;
        for (let k = 0; k < c; k++) dx[at[k]!]! += g[o + k]!;
      }
    }
  }
  return out;
}

/** Sum over the leading axes of a float32 tensor (every bias gradient), as one pass of row
 *  additions; the native kernel transposes the summed axes to the end first. Other sums go
 *  to the native kernel. */
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
    const v = mem.view(x);
    const acc = new Float64Array(cols);
    for (let r = 0, at = 0; r < rows; r++, at += cols) {
      for (let c = 0; c < cols; c++) acc[c]! += v[at + c]!;
    }
    mem.view(out).set(acc);
    return out;
  };
}
