// Winograd F(2×2, 3×3) for the input gradient of the wasm backend's stride-1 3×3
// convolutions (heap.c has the transforms and says how they work): 16 products per 2×2
// output tile and channel pair instead of 36, as 16 XNNPACK matmuls of [tiles, cout] ·
// [cout, cin], one per position of the 4×4 transform. XNNPACK can only compute this
// gradient as a convolution over the output gradient padded by 2 on each side (MNIST's
// second layer: 199M multiply-adds for 143M of gradient; this: 76M). Only the input
// gradient: its matmuls' right operand is the small transformed filter, which XNNPACK packs
// at each call; a filter gradient's would be the transformed output gradient, whose packing
// (about 7 ns an element) costs more than Winograd saves.
import * as tf from '@tensorflow/tfjs';
import { memoryOf, type Memory } from './memory.js';
import { heapKernels } from './native/heap.js';

/** Positions of the 4×4 transform: one matmul each. */
const POSITIONS = 16;

/** A convolution's multiply-adds (its forward pass, and each of its two gradients). */
export function convMultiplyAdds(info: tf.backend_util.Conv2DInfo): number {
  return info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}

/** Whether a convolution's input gradient takes the Winograd path: 3×3 filter, stride and
 *  dilation 1, channel counts that are multiples of 4 (the transforms' SIMD width). And by
 *  measure (two threads): the 16 matmuls pay for their dispatch from 2^25 multiply-adds,
 *  and they need both channel counts ≥ 16 with a product ≥ 2048 to beat XNNPACK's own
 *  convolution (MNIST's second layer, 32 → 64: 4.7 → 3.9 ms a batch; 128 → 128 channels
 *  on 32×32: 5.1 → 2.7 ms; 32 → 32 on 128×128 lost, 3.8 → 4.3 ms). */
export function winogradFits(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout } = info;
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  const work = convMultiplyAdds(info);
  // Its buffers (16 transformed gradients and 16 products a tile) stay under 256 MB.
  const buffered = POSITIONS * info.batchSize * Math.ceil(info.outHeight / 2) * Math.ceil(info.outWidth / 2) * (cin + cout);
  return fh === 3 && fw === 3 && unit && cin % 4 === 0 && cout % 4 === 0 && cin >= 16 && cout >= 16 && cin * cout >= 2048 && work >= 2 ** 25 && buffered <= 2 ** 26;
}

/** An int32 buffer of the byte offsets of `buffers` on the heap (heap.c's `ptrs`). */
function offsetTable(mem: Memory, backend: unknown, buffers: tf.TensorInfo[]): tf.TensorInfo {
  const b = backend as { makeOutput(shape: number[], dtype: 'int32'): tf.TensorInfo; typedArrayFromHeap(t: tf.TensorInfo): Int32Array };
  const table = b.makeOutput([buffers.length], 'int32');
  b.typedArrayFromHeap(table).set(buffers.map((t) => mem.at(t)));
  return table;
}

/** 16 buffers of `shape`, one per position, and their offset table. */
function positionBuffers(mem: Memory, backend: unknown, shape: number[]): { buffers: tf.TensorInfo[]; table: tf.TensorInfo } {
  const buffers = Array.from({ length: POSITIONS }, () => mem.alloc(shape));
  return { buffers, table: offsetTable(mem, backend, buffers) };
}

/** dx of a stride-1 3×3 convolution (winogradFits) from dy [n, oh, ow, cout] and its filter
 *  [3, 3, cin, cout]: dM = A dY Aᵀ per tile, dU = dM · Wᵀ per position, dx = Σ B dU Bᵀ. */
export function winogradBackpropInput(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const mem = memoryOf(backend, 'wasm');
  const heap = heapKernels(backend);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const th = Math.ceil(oh / 2), tw = Math.ceil(ow / 2), tiles = n * th * tw;
  const matmul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  const filters = positionBuffers(mem, backend, [1, cout, cin]);
  const spread = positionBuffers(mem, backend, [1, tiles, cout]);
  const temps = [...filters.buffers, filters.table, ...spread.buffers, spread.table];
  try {
    heap.wino_filter(mem.at(filter), mem.at(filters.table), cin, cout);
    heap.wino_dy(mem.at(dy), mem.at(spread.table), n, oh, ow, cout, th, tw);
    const products: tf.TensorInfo[] = [];
    spread.buffers.forEach((v, i) => {
      products.push(matmul({ inputs: { a: v, b: filters.buffers[i]! }, attrs: { transposeA: false, transposeB: false }, backend }) as tf.TensorInfo);
      temps.push(products[i]!);
    });
    const table = offsetTable(mem, backend, products);
    temps.push(table);
    const dx = mem.alloc([n, h, w, cin]);
    heap.wino_dx(mem.at(table), mem.at(dx), n, h, w, cin, th, tw, info.padInfo.top, info.padInfo.left);
    return dx;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}
