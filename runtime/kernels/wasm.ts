// Kernels that training needs and tfjs-backend-wasm 4.22 lacks. Each is written with ops
// the wasm backend runs natively (XNNPACK matmul, slices, pads), so nothing falls back to
// the pure-JS cpu backend. Inside a kernel the engine does not record a tape, and tensors
// returned from a kernel function are adopted as its outputs.
import * as tf from '@tensorflow/tfjs';
import { asAttrs, kernelAttrs, wasmBackend } from './tfjs-internals.js';
import { largerFirst } from './broadcast.js';
import { leakyReluByStep, registerLeakyReluGradient } from './leaky-relu.js';
import { meanBySum, registerMeanGradient } from './mean.js';
import { memoryOf, transposed } from './memory.js';
import { heapKernels, heapShared } from './native/heap.js';
import { blockTile, broadcastComparison, leadingAxesSum, maxPoolGrad } from './wasm-loops.js';
import { convMultiplyAdds, winogradBackpropFilter, winogradBackpropInput, winogradFits, winogradForward } from './winograd.js';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: PadAttr;
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

const asInfo = (t: tf.Tensor): tf.TensorInfo => t;

interface KernelArgs { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }

/** The forward convolution's geometry (output size, padding, strides, dilations), NHWC. */
function convInfo(inShape: [number, number, number, number], filterShape: [number, number, number, number], a: ConvAttrs, depthwise: boolean): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(inShape, filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast');
}

/** The input, zero-padded as the forward convolution padded it. */
function padInput(x: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  return top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
}

/** The kernel taps of a convolution over the padded input xp: tap (i, j) is what the tap saw
 *  at every output position, [b, oh, ow, c]. Strides are taken by cutting xp into its stride
 *  phases with reshapes and rank-4 slices: tfjs-backend-wasm's strided slice, and its slice
 *  of rank > 4, are 20x slower than a rank-4 slice. */
function taps(xp: tf.Tensor4D, info: Conv2DInfo, kh: number, kw: number): tf.Tensor4D[] {
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const [b, h, w, c] = xp.shape;
  const rows = Math.ceil(h / sh), cols = Math.ceil(w / sw);
  const even = rows * sh > h || cols * sw > w ? tf.pad(xp, [[0, 0], [0, rows * sh - h], [0, cols * sw - w], [0, 0]]) : xp;
  // [b·rows, sh, cols, sw·c]: phase (r, q) is the slice [:, r, :, q·c : (q+1)·c].
  const grouped = even.reshape([b * rows, sh, cols, sw * c]);
  const phase = new Map<string, tf.Tensor4D>();
  const phaseOf = (r: number, q: number) => {
    const key = `${r},${q}`;
    let p = phase.get(key);
    if (!p) phase.set(key, (p = grouped.slice([0, r, 0, q * c], [b * rows, 1, cols, c]).reshape([b, rows, cols, c])));
    return p;
  };
  const out: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const r0 = i * info.dilationHeight, c0 = j * info.dilationWidth;
      out.push(phaseOf(r0 % sh, c0 % sw).slice([0, Math.floor(r0 / sh), Math.floor(c0 / sw), 0], [b, oh, ow, c]));
    }
  }
  return out;
}

/** dW[i, j, c, o] = Σ x[b, y·s + i − top, x·s + j − left, c] · dy[b, y, x, o], read in place
 *  by heap.c's conv_filter_grad (no patches, no packing), its rows shared between this
 *  thread and our workers (native/team.ts) where it is large enough. Where XNNPACK
 *  computed it as a convolution of the input (batch and channels swapped) by the output
 *  gradient (dilated by the stride) as the filter, it spent about half its time packing
 *  that filter, single-threaded: MNIST's second layer 10.7–11.7 → 4.8–4.9 ms, a DCGAN's
 *  5 × 5 stride-2 64 → 128 channels on 32 × 32 47 → 31 ms, 32 → 32 channels on 64 × 64 28 →
 *  11 ms (2 cores, two threads each side). First layers (FEW_TAPS) take patchesFilterGrad,
 *  large stride-1 3 × 3 ones Winograd (winograd.ts). */
function conv2DBackpropFilter({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const a = kernelAttrs<ConvAttrs & { filterShape: [number, number, number, number] }>(attrs);
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const [kh, kw, cin, cout] = a.filterShape;
  // tfjs refuses gradients of dilated conv2d, so the forward dilation is 1 here.
  const info = convInfo(x.shape, a.filterShape, { ...a, dilations: 1 }, false);
  if (kh * kw * cin <= FEW_TAPS) return patchesFilterGrad(x, dy, info, backend);
  if (winogradFits(info)) return winogradBackpropFilter(backend, x, dy, info);
  const mem = memoryOf(backend, 'wasm');
  const dw = mem.alloc(a.filterShape);
  const args = [mem.at(x), mem.at(dy), mem.at(dw), info.batchSize, info.inHeight, info.inWidth, cin, info.outHeight, info.outWidth, cout,
    kh, kw, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
  heapShared(backend, 'conv_filter_grad', args, kh * kw * Math.ceil(cin / 4), convMultiplyAdds(info) / FILTER_GRAD_RATE);
  return dw;
}

/** conv_filter_grad's multiply-adds a microsecond on one thread (MNIST's second layer: 143M
 *  in 10.2 ms). */
const FILTER_GRAD_RATE = 14_000;

/** Filters with at most this many taps × input channels (first layers: 9 for a 3 × 3 conv of
 *  a grey image) take patchesFilterGrad, where conv_filter_grad's tiles of four channels
 *  would run one channel wide (MNIST's first layer: 1.6 ms against 1.9). */
const FEW_TAPS = 32;

/** dW = patchesᵀ · dy: the input patches, transposed ([taps·cin, rows]), times the output
 *  gradient [rows, cout] (heap.c patches_filter_grad: its rows of patches, then their rows
 *  of dW in heap.c's matmul), rows shared with our workers when it is long enough. */
function patchesFilterGrad(x: tf.TensorInfo, dy: tf.TensorInfo, info: Conv2DInfo, backend: tf.KernelBackend): tf.TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: cin, outChannels: cout, filterHeight: kh, filterWidth: kw } = info;
  const rows = b * info.outHeight * info.outWidth, k = kh * kw * cin;
  const mem = memoryOf(backend, 'wasm');
  const patches = mem.alloc([k, rows]);
  const out = mem.alloc([kh, kw, cin, cout]);
  const args = [mem.at(x), mem.at(dy), mem.at(patches), mem.at(out), b, h, w, cin, info.outHeight, info.outWidth, cout,
    kh, kw, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
  heapShared(backend, 'patches_filter_grad', args, k, convMultiplyAdds(info) / PATCHES_RATE);
  mem.free(patches);
  return out;
}

/** patches_filter_grad's multiply-adds a microsecond on one thread (MNIST's first layer: 12.5M
 *  in about 2 ms, its patches included). */
const PATCHES_RATE = 6_000;

/** dx of a small convolution: dcols = dy · Wᵀ ([rows, cout] · [cout, taps·cin], heap.c's
 *  matmul), each row added back where its taps read (heap.c col2im). */
function smallBackpropInput(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout, filterHeight: kh, filterWidth: kw } = info;
  const rows = b * oh * ow, k = kh * kw * cin;
  const mem = memoryOf(backend, 'wasm');
  const heap = heapKernels(backend);
  const filterT = transposed(mem, filter, k, cout);
  const cols = mem.alloc([rows, k]);
  const dx = mem.alloc([b, h, w, cin]);
  heap.matmul(mem.at(dy), mem.at(filterT), mem.at(cols), rows, cout, k);
  heap.col2im(mem.at(cols), mem.at(dx), b, h, w, cin, oh, ow, kh, kw, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
  mem.free(filterT);
  mem.free(cols);
  return dx;
}

/** Zeros between the rows and columns of x ([b, h, w, c] → [b, (h-1)·sh+1, (w-1)·sw+1, c]):
 *  where a stride-s convolution's output gradient lands on its input grid. */
function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [b, h, w, c] = x.shape;
  return tf.pad(x.reshape([b, h, 1, w, 1, c]) as tf.Tensor, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
    .reshape([b, h * sh, w * sw, c])
    .slice([0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
}

/** The filter rotated 180° with its channel axes swapped ([kh, kw, cin, cout] → [kh, kw,
 *  cout, cin], tap (i, j) from (kh−1−i, kw−1−j)): one pass over a small array, where
 *  reverse + transpose were two kernels. */
function rotate(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, cout] = filter.shape;
  const f = filter.dataSync() as Float32Array;
  const out = new Float32Array(f.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout, dst = (i * kw + j) * cout * cin;
      for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) out[dst + o * cin + c] = f[src + c * cout + o]!;
    }
  }
  return tf.tensor4d(out, [kh, kw, cout, cin]);
}

/** dx of a convolution (also the forward pass of conv2d_transpose) as one stride-1 XNNPACK
 *  convolution: equal strides > 1 by phases (subPixelBackpropInput), others over the output gradient, dilated by the stride and padded by kernel − 1 − pad,
 *  correlated with the filter rotated 180° and with its channel axes swapped. The native
 *  wasm kernel is a plain loop, 10x slower. Dilated filters go to the native kernel; large
 *  stride-1 3×3 ones to Winograd (winograd.ts), small products (SMALL_PRODUCT) to heap.c. */
function conv2DBackpropInput(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = kernelAttrs<ConvAttrs & { inputShape: [number, number, number, number] }>(args.attrs);
    const dilated = Array.isArray(a.dilations) ? a.dilations.some((d) => d !== 1) : (a.dilations ?? 1) !== 1;
    if (dilated || a.dataFormat === 'NCHW') return native(args);
    const info = convInfo(a.inputShape, filter.shape, a, false);
    const float = dy.dtype === 'float32' && filter.dtype === 'float32';
    if (float && convMultiplyAdds(info) <= SMALL_PRODUCT) return smallBackpropInput(args.backend as tf.KernelBackend, dy, filter, info);
    if (float && winogradFits(info)) return winogradBackpropInput(args.backend as tf.KernelBackend, dy, filter, info);
    if (info.strideHeight > 1 && info.strideHeight === info.strideWidth) return asInfo(tf.tidy(() => subPixelBackpropInput(dy, filter, info)));
    return asInfo(tf.tidy(() => {
      const [kh, kw] = filter.shape;
      const [b, h, w, cin] = a.inputShape;
      const d = dilate(dy, info.strideHeight, info.strideWidth);
      // Pad (or crop, where negative) so a valid correlation gives h × w outputs.
      const top = kh - 1 - info.padInfo.top, left = kw - 1 - info.padInfo.left;
      const bottom = h + kh - 1 - top - d.shape[1], right = w + kw - 1 - left - d.shape[2];
      const rotated = rotate(filter);
      // XNNPACK pads by itself: a copy of the gradient (and a slice of it) saved.
      if (Math.min(top, bottom, left, right) >= 0) return tf.conv2d(d, rotated, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]).reshape([b, h, w, cin]);
      const padded = tf.pad(d, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
      const fitted = padded.slice([0, Math.max(-top, 0), Math.max(-left, 0), 0], [b, h + kh - 1, w + kw - 1, padded.shape[3]]);
      return tf.conv2d(fitted, rotated, 1, 'valid').reshape([b, h, w, cin]);
    }));
  };
}

/** The filter of subPixelBackpropInput: G[m, n, o, (r, q, c)] = W[r + s·(mh − 1 − m), q + s·(mw − 1 −
 *  n), c, o], zero past the kernel's edge; mh × mw = ⌈kh / s⌉ × ⌈kw / s⌉ taps. */
function phaseFilters(filter: tf.Tensor4D, s: number): tf.Tensor4D {
  const [kh, kw, cin, cout] = filter.shape;
  const mh = Math.ceil(kh / s), mw = Math.ceil(kw / s), phases = s * s * cin;
  const f = filter.dataSync() as Float32Array;
  const out = new Float32Array(mh * mw * cout * phases);
  for (let m = 0; m < mh; m++) {
    for (let n = 0; n < mw; n++) {
      for (let r = 0; r < s; r++) {
        const i = r + s * (mh - 1 - m);
        if (i >= kh) continue;
        for (let q = 0; q < s; q++) {
          const j = q + s * (mw - 1 - n);
          if (j >= kw) continue;
          for (let c = 0; c < cin; c++) {
            const src = ((i * kw + j) * cin + c) * cout, dst = (m * mw + n) * cout * phases + (r * s + q) * cin + c;
            for (let o = 0; o < cout; o++) out[dst + o * phases] = f[src + o]!;
          }
        }
      }
    }
  }
  return tf.tensor4d(out, [mh, mw, cout, phases]);
}

/** dx of a stride-s convolution (the forward pass of a stride-s conv2d_transpose) without the
 *  zeros of a dilated gradient: input row y = s·u + r − top takes taps r, r + s, … of the
 *  filter, so each of the s × s phases (r, q) is a stride-1 correlation of the undilated
 *  gradient with ⌈k / s⌉² taps. One XNNPACK convolution computes all phases as s²·cin output
 *  channels, a transpose interleaves them: s² times fewer multiply-adds than the dilated
 *  correlation (a DCGAN's 4 × 4 stride-2 layers: 4x). */
function subPixelBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const s = info.strideHeight;
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: cin, padInfo } = info;
  const mh = Math.ceil(info.filterHeight / s), mw = Math.ceil(info.filterWidth / s);
  const [, oh, ow] = dy.shape;
  const rows = Math.ceil((padInfo.top + h) / s), cols = Math.ceil((padInfo.left + w) / s);
  const padded = tf.pad(dy, [[0, 0], [mh - 1, Math.max(rows - oh, 0)], [mw - 1, Math.max(cols - ow, 0)], [0, 0]]);
  let z = tf.conv2d(padded, phaseFilters(filter, s), 1, 'valid');
  if (z.shape[1] !== rows || z.shape[2] !== cols) z = z.slice([0, 0, 0, 0], [b, rows, cols, s * s * cin]);
  // depthToSpace, as a 4-D transpose: wasm's DepthToSpace is a per-element loop, 20x slower
  // ([64, 15, 15, 128]: 122 ms against 6).
  const interleaved = z.reshape([b * rows, cols, s, s * cin]).transpose([0, 2, 1, 3]).reshape([b, rows * s, cols * s, cin]) as tf.Tensor4D;
  return interleaved.slice([0, padInfo.top, padInfo.left, 0], [b, h, w, cin]);
}

/** Depthwise dW[i, j, c, m] = Σ x_tap(i,j)[…, c] · dy[…, c·mult + m]. */
function depthwiseBackpropFilter({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const a = kernelAttrs<ConvAttrs & { filterShape: [number, number, number, number] }>(attrs);
  return asInfo(tf.tidy(() => {
    const [kh, kw, cin, mult] = a.filterShape;
    const info = convInfo(x.shape, a.filterShape, a, true);
    const rows = x.shape[0] * info.outHeight * info.outWidth;
    const g = dy.reshape([rows, cin, mult]);
    const sums = taps(padInput(x, info), info, kh, kw).map((t) => t.reshape([rows, cin, 1]).mul(g).sum(0));
    return tf.stack(sums).reshape([kh, kw, cin, mult]);
  }));
}

/** Depthwise dx: each tap's contribution dy·w, spread back over the (padded) input by
 *  zero-interleaving for the stride and shifting by the tap offset. */
function depthwiseBackpropInput({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
  const a = kernelAttrs<ConvAttrs & { inputShape: [number, number, number, number] }>(attrs);
  return asInfo(tf.tidy(() => {
    const [kh, kw, cin, mult] = filter.shape;
    const info = convInfo(a.inputShape, filter.shape, a, true);
    const [b, h, w] = a.inputShape;
    const { top, left } = info.padInfo;
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const ph = Math.max(h + top, (kh - 1) * info.dilationHeight + (oh - 1) * sh + 1);
    const pw = Math.max(w + left, (kw - 1) * info.dilationWidth + (ow - 1) * sw + 1);
    const g = dy.reshape([b, oh, ow, cin, mult]);
    let dxp: tf.Tensor4D = tf.zeros([b, ph, pw, cin]);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let c = g.mul(filter.slice([i, j, 0, 0], [1, 1, cin, mult]).reshape([cin, mult])).sum(4) as tf.Tensor4D;
        c = dilate(c, sh, sw);
        const r0 = i * info.dilationHeight;
        const c0 = j * info.dilationWidth;
        dxp = tf.add(dxp, tf.pad(c, [[0, 0], [r0, ph - r0 - c.shape[1]], [c0, pw - c0 - c.shape[2]], [0, 0]])) as tf.Tensor4D;
      }
    }
    return dxp.slice([0, top, left, 0], [b, h, w, cin]);
  }));
}

/** The gradient of gather (embedding): a scatter-add, done in one pass over host memory. */
function unsortedSegmentSum({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const ids = backend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
  const values = backend.readSync(x.dataId) as Float32Array | Int32Array;
  const inner = ids.length ? values.length / ids.length : 0;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r]!;
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
    const src = r * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) out[dst + k]! += values[src + k]!;
  }
  return asInfo(tf.tensor(out, [numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype));
}

const KERNELS: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput as tf.KernelFunc],
  ['UnsortedSegmentSum', unsortedSegmentSum as tf.KernelFunc],
];

export const WASM_SUPPLIED_KERNELS = KERNELS.map(([name]) => name);

/** tfjs-backend-wasm 4.22 multiplies transposed operands 10-20x slower than plain ones
 *  (measured: [128,784]ᵀ·[128,512] 77 ms vs 8 ms with an explicit transpose first), and
 *  every dense layer's gradient asks for transposed operands. These matmul kernels are
 *  wrapped to transpose explicitly (a fast wasm kernel) and multiply plainly. */
const wrapped = new WeakSet<tf.KernelFunc>();

function plainOperands(original: tf.KernelFunc): tf.KernelFunc {
  const func: tf.KernelFunc = (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original(args);
    // The wasm Transpose kernel, called directly: its output is a buffer of ours, freed
    // below (the operands may be plain tensor infos, from kernels of ours like dense.ts).
    const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      perm.splice(-2, 2, perm.length - 1, perm.length - 2);
      return transpose({ inputs: { x: t }, attrs: { perm }, backend: args.backend }) as tf.TensorInfo;
    };
    const a = transposeA ? swapLast(args.inputs['a']!) : undefined;
    const b = transposeB ? swapLast(args.inputs['b']!) : undefined;
    try {
      return original({ ...args, inputs: { ...args.inputs, ...(a && { a }), ...(b && { b }) }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of [a, b]) if (t) (args.backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };
  return func;
}

/** Products up to this many multiply-adds run in heap.c's matmul: XNNPACK's operator setup,
 *  weight packing and (on several threads) hand-off cost more than they save there. */
const SMALL_PRODUCT = 1 << 18;

/** The activations a fused matmul may end with, applied in place to its (small) output. */
const FUSED_ACTIVATIONS: Record<string, (v: Float32Array, alpha: number) => void> = {
  linear: () => {},
  relu: (v) => { for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i] = 0; }, // NaN stays NaN
  relu6: (v) => { for (let i = 0; i < v.length; i++) v[i] = Math.min(Math.max(v[i]!, 0), 6); },
  sigmoid: (v) => { for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]!)); },
  elu: (v) => { for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i] = Math.expm1(v[i]!); },
  leakyrelu: (v, alpha) => { for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i]! *= alpha; },
};

/** BatchMatMul (and _FusedMatMul with a bias over the last axis and one of
 *  FUSED_ACTIVATIONS) with equal batch dims, small enough for heap.c's matmul: the
 *  recurrent kernels' per-step products, small dense layers and their gradients. On two threads a
 *  [32, 32] · [32, 1] dense layer took 57 µs in XNNPACK (its hand-off to the other thread),
 *  6 µs on one. Others go native. */
function smallProducts(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { activation = 'linear', leakyreluAlpha = 0.2 } = args.attrs as { activation?: string; leakyreluAlpha?: number };
    const activate = FUSED_ACTIVATIONS[activation];
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    const [a0, a1] = a.shape.slice(-2) as [number, number], [b0, b1] = b.shape.slice(-2) as [number, number];
    const [m, k] = transposeA ? [a1, a0] : [a0, a1];
    const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
    const batchDims = a.shape.slice(0, -2);
    const batch = batchDims.reduce((p, q) => p * q, 1);
    const sameBatch = b.shape.length === a.shape.length && batchDims.every((d, i) => d === b.shape[i]);
    const plainBias = !bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === n && bias.shape[bias.shape.length - 1] === n);
    if (!sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32' || kb !== k) return native(args);
    if (!activate || preluActivationWeights || !plainBias || batch * m * k * n > SMALL_PRODUCT || m * k * n === 0) return native(args);
    const mem = memoryOf(args.backend, 'wasm');
    // Transposed operands are laid out plainly here, in a loop over a small buffer (a
    // Transpose kernel's dispatch costs more than the copy).
    const ta = transposeA ? transposed(mem, a, a0, a1, batch) : undefined;
    const tb = transposeB ? transposed(mem, b, b0, b1, batch) : undefined;
    const out = mem.alloc([...batchDims, m, n]);
    const [pa, pb, po] = [ta ?? a, tb ?? b, out].map((t) => mem.at(t)) as [number, number, number];
    const gemm = heapKernels(args.backend).matmul;
    for (let i = 0; i < batch; i++) gemm(pa + 4 * i * m * k, pb + 4 * i * k * n, po + 4 * i * m * n, m, k, n);
    if (ta) mem.free(ta);
    if (tb) mem.free(tb);
    if (bias || activation !== 'linear') {
      const v = mem.view(out);
      if (bias) {
        const add = mem.view(bias);
        for (let r = 0; r < v.length; r += n) for (let j = 0; j < n; j++) v[r + j]! += add[j]!;
      }
      activate(v, leakyreluAlpha);
    }
    return out;
  };
}

/** tfjs-backend-wasm 4.22 convolutions (plain, fused, depthwise) return zeros when the kernel
 *  is smaller than the stride (e.g. conv2d(8, 1, strides: 2)). Such a call is rewritten as
 *  the same convolution with the kernel zero-padded up to the stride and the input padded
 *  explicitly (valid padding), which gives the same outputs. */
function coverStride(native: tf.KernelFunc, depthwise: boolean): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.Tensor4D; filter: tf.Tensor4D };
    const a = kernelAttrs<ConvAttrs>(args.attrs);
    const [kh, kw] = filter.shape;
    const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    const dilated = Array.isArray(a.dilations) ? a.dilations.some((d) => d !== 1) : (a.dilations ?? 1) !== 1;
    if ((kh >= sh && kw >= sw) || dilated || a.dataFormat === 'NCHW') return native(args);
    const info = convInfo(x.shape, filter.shape, a, depthwise);
    const { top, bottom, left, right } = info.padInfo;
    const [eh, ew] = [Math.max(sh - kh, 0), Math.max(sw - kw, 0)];
    const xp = tf.pad(x, [[0, 0], [top, bottom + eh], [left, right + ew], [0, 0]]);
    const fp = tf.pad(filter, [[0, eh], [0, ew], [0, 0], [0, 0]]);
    try {
      return native({ ...args, inputs: { ...args.inputs, x: xp, filter: fp }, attrs: asAttrs({ ...args.attrs, pad: 'valid', dimRoundingMode: undefined }) });
    } finally {
      xp.dispose();
      fp.dispose();
    }
  };
}

/** FusedConv2D (every conv2d layer's forward pass) through winogradForward where it fits:
 *  float32, NHWC, a bias over the channels or none, linear or relu. Measured against
 *  XNNPACK's convolution on two threads (2 cores): MNIST's second layer 6.9 → 5.1 ms, 64 → 64
 *  channels on 7 × 7 5.7 → 4.2, 32 → 32 on 64 × 64 14.5 → 9.9, 128 → 128 on 32 × 32 94 → 43. */
function winogradConv(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: tf.Tensor4D; filter: tf.Tensor4D; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const a = kernelAttrs<ConvAttrs & { activation?: string }>(args.attrs);
    const activation = a.activation ?? 'linear';
    const float = x.dtype === 'float32' && filter.dtype === 'float32' && (!bias || bias.dtype === 'float32');
    if (!float || a.dataFormat === 'NCHW' || preluActivationWeights || (activation !== 'linear' && activation !== 'relu') || x.shape.length !== 4 || filter.shape.length !== 4) return native(args);
    const info = convInfo(x.shape, filter.shape, a, false);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== info.outChannels)) return native(args);
    if (!winogradFits(info)) return native(args);
    return winogradForward(args.backend as tf.KernelBackend, x, filter, bias, info, activation === 'relu');
  };
}

/** Identity (tf.clone, and the engine's copy of every tensor it saves for a gradient)
 *  shares the buffer, as the cpu backend's does, where wasm's copies it: tensors are never
 *  written after they are made (variables take new buffers on assign), so a copy buys
 *  nothing. On one MNIST batch the copies took 0.6 ms, on a SimpleRNN step 27 of its 80
 *  kernels. Strings keep the native kernel. */
function sharedIdentity(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return native(args);
    wasmBackend(args.backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Native wasm kernels replaced by a faster or correct version built on the native one. */
const REPLACED: [string, (native: tf.KernelFunc) => tf.KernelFunc][] = [
  ['Conv2DBackpropInput', conv2DBackpropInput],
  ['BatchMatMul', (n) => smallProducts(plainOperands(n))],
  ['_FusedMatMul', (n) => smallProducts(plainOperands(n))],
  ['Conv2D', (n) => coverStride(n, false)],
  ['FusedConv2D', (n) => winogradConv(coverStride(n, false))],
  ['DepthwiseConv2dNative', (n) => coverStride(n, true)],
  ['MaxPoolGrad', () => maxPoolGrad as tf.KernelFunc],
  ['Sum', leadingAxesSum],
  ['Mean', meanBySum],
  ['Multiply', largerFirst],
  ['Add', largerFirst],
  ['Identity', sharedIdentity],
  ['LeakyRelu', leakyReluByStep],
  ['Tile', blockTile],
  ['Equal', broadcastComparison((p, q) => p === q)],
  ['NotEqual', broadcastComparison((p, q) => p !== q)],
  ['Greater', broadcastComparison((p, q) => p > q)],
  ['GreaterEqual', broadcastComparison((p, q) => p >= q)],
  ['Less', broadcastComparison((p, q) => p < q)],
  ['LessEqual', broadcastComparison((p, q) => p <= q)],
];

/** Registers our kernels for the wasm backend, once, skipping any a later tfjs provides, and
 *  replaces the native kernels of REPLACED (once: a replacement is never wrapped again). */
export function registerWasmKernels(): void {
  registerLeakyReluGradient();
  registerMeanGradient();
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const [kernelName, replace] of REPLACED) {
    const config = tf.getKernel(kernelName, 'wasm');
    if (!config || wrapped.has(config.kernelFunc)) continue;
    const kernelFunc = replace(config.kernelFunc);
    wrapped.add(kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc });
  }
}
