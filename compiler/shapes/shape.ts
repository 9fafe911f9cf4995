// Tensor shapes over symbolic dims, and the pure arithmetic layers share (checker, runtime
// asserts and emitter all call these; none re-derives a formula).
import { Dim } from './dim.js';

export type DType = 'float32' | 'int32';
export interface Shape { readonly dtype: DType; readonly dims: readonly Dim[] }

export const dim = (n: number | string): Dim => (typeof n === 'number' ? Dim.const(n) : Dim.sym(n));

export function shape(dims: readonly (Dim | number | string)[], dtype: DType = 'float32'): Shape {
  return { dtype, dims: dims.map((d) => (d instanceof Dim ? d : dim(d))) };
}

export function formatShape(s: Shape): string {
  const body = `[${s.dims.map((d) => d.toString()).join(', ')}]`;
  return s.dtype === 'float32' ? body : `${s.dtype}${body}`;
}

export function product(dims: readonly Dim[]): Dim {
  return dims.reduce((acc, d) => acc.mul(d), Dim.const(1));
}

export type Padding = 'valid' | 'same' | 'causal';

/** Output length of a convolution along one axis (Keras `conv_output_length`). */
export function convOutputLength(length: Dim, kernel: number, stride: number, padding: Padding, dilation = 1): Dim {
  if (padding === 'same' || padding === 'causal') return length.ceilDiv(Dim.const(stride));
  const span = (kernel - 1) * dilation + 1;
  return length.sub(Dim.const(span)).floorDiv(Dim.const(stride)).add(Dim.const(1));
}

/** Output length of a transposed convolution along one axis (Keras `deconv_output_length`). */
export function convTransposeOutputLength(length: Dim, kernel: number, stride: number, padding: Padding): Dim {
  const scaled = length.mul(Dim.const(stride));
  return padding === 'valid' ? scaled.add(Dim.const(Math.max(kernel - stride, 0))) : scaled;
}

/** Broadcast two shapes by the numpy/tfjs rules; undefined when they cannot broadcast. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.dims.length, b.dims.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.dims[a.dims.length - n + i];
    const y = b.dims[b.dims.length - n + i];
    if (!x) out.push(y!);
    else if (!y) out.push(x);
    else if (x.equals(y)) out.push(x);
    else if (x.value === 1) out.push(y);
    else if (y.value === 1) out.push(x);
    else if (x.unknown) out.push(y);
    else if (y.unknown) out.push(x);
    else return undefined;
  }
  return { dtype: a.dtype, dims: out };
}
