// Kernels that training needs and tfjs-backend-wasm 4.22 lacks. Each is written with ops
// the wasm backend runs natively (XNNPACK matmul, slices, pads), so nothing falls back to
// the pure-JS cpu backend. Inside a kernel the engine does not record a tape, and tensors
// returned from a kernel function are adopted as its outputs.
import * as tf from '@tensorflow/tfjs';

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

/** The input values that kernel tap (i, j) saw at every output position: [b, oh, ow, c]. */
function tap(xp: tf.Tensor4D, info: Conv2DInfo, i: number, j: number): tf.Tensor4D {
  const r0 = i * info.dilationHeight;
  const c0 = j * info.dilationWidth;
  return tf.stridedSlice(xp,
    [0, r0, c0, 0],
    [xp.shape[0], r0 + (info.outHeight - 1) * info.strideHeight + 1, c0 + (info.outWidth - 1) * info.strideWidth + 1, xp.shape[3]],
    [1, info.strideHeight, info.strideWidth, 1]) as tf.Tensor4D;
}

/** dW = im2col(x)ᵀ · dy: one matmul over all taps, which XNNPACK runs fast. */
function conv2DBackpropFilter({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  return asInfo(tf.tidy(() => {
    const [kh, kw, cin, cout] = a.filterShape;
    const info = convInfo(x.shape, a.filterShape, { ...a, dilations: 1 }, false);
    const xp = padInput(x, info);
    const taps: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) taps.push(tap(xp, info, i, j));
    const rows = x.shape[0] * info.outHeight * info.outWidth;
    const cols = (taps.length === 1 ? taps[0]! : tf.concat(taps, 3)).reshape([rows, kh * kw * cin]);
    return tf.matMul(cols, dy.reshape([rows, cout]), true, false).reshape([kh, kw, cin, cout]);
  }));
}

/** Depthwise dW[i, j, c, m] = Σ x_tap(i,j)[…, c] · dy[…, c·mult + m]. */
function depthwiseBackpropFilter({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  return asInfo(tf.tidy(() => {
    const [kh, kw, cin, mult] = a.filterShape;
    const info = convInfo(x.shape, a.filterShape, a, true);
    const xp = padInput(x, info);
    const rows = x.shape[0] * info.outHeight * info.outWidth;
    const g = dy.reshape([rows, cin, mult]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) taps.push(tap(xp, info, i, j).reshape([rows, cin, 1]).mul(g).sum(0));
    return tf.stack(taps).reshape([kh, kw, cin, mult]);
  }));
}

/** Depthwise dx: each tap's contribution dy·w, spread back over the (padded) input by
 *  zero-interleaving for the stride and shifting by the tap offset. */
function depthwiseBackpropInput({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
  const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
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
        if (sh > 1 || sw > 1) {
          c = tf.pad(c.reshape([b, oh, 1, ow, 1, cin]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
            .reshape([b, oh * sh, ow * sw, cin])
            .slice([0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, cin]) as tf.Tensor4D;
        }
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
const TRANSPOSING_MATMULS = ['BatchMatMul', '_FusedMatMul'];
const wrapped = new WeakSet<tf.KernelFunc>();

function plainOperands(original: tf.KernelFunc): tf.KernelFunc {
  const func: tf.KernelFunc = (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original(args);
    const swapLast = (t: tf.TensorInfo) => {
      const axes = t.shape.map((_, i) => i);
      axes.splice(-2, 2, axes.length - 1, axes.length - 2);
      return tf.transpose(t as tf.Tensor, axes);
    };
    const a = transposeA ? swapLast(args.inputs['a']!) : undefined;
    const b = transposeB ? swapLast(args.inputs['b']!) : undefined;
    try {
      return original({ ...args, inputs: { ...args.inputs, ...(a && { a }), ...(b && { b }) }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      a?.dispose();
      b?.dispose();
    }
  };
  wrapped.add(func);
  return func;
}

/** Registers our kernels for the wasm backend, once, skipping any a later tfjs provides. */
export function registerWasmKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const kernelName of TRANSPOSING_MATMULS) {
    const config = tf.getKernel(kernelName, 'wasm');
    if (!config || wrapped.has(config.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: plainOperands(config.kernelFunc) });
  }
}
