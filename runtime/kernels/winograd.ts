// Winograd F(2×2, 3×3) for the wasm backend's large stride-1 3×3 convolutions: the forward
// pass (FusedConv2D with its bias and relu, through wasm.ts's winogradConv), the input
// gradient and the filter gradient (heap.c has the transforms and says how they work). Per
// 2×2 output tile and channel pair 16 products instead of 36, as 16 matmuls, one per
// position of the 4×4 transform: MNIST's second layer takes 76M multiply-adds for its 143M
// (XNNPACK's input gradient, a convolution over the output gradient padded by 2 on each
// side, took 199M). The transforms and the products are heap.c's, each shared with our
// worker threads (native/team.ts); XNNPACK ran the input gradient's 16 products on two
// threads in 4.3 ms, heap.c's matmul in 5.0 on one, so about 2.6 on two. Figures against
// the paths they replace are in each function's doc.
import * as tf from '@tensorflow/tfjs';
import { wasmBackend } from './tfjs-internals.js';
import { memoryOf, type Memory } from './memory.js';
import { heapKernels, heapShared } from './native/heap.js';

/** Positions of the 4×4 transform: one matmul each. */
const POSITIONS = 16;
/** Tiles a row of wino_products (the unit threads share). */
const PRODUCT_CHUNK = 128;

/** A convolution's multiply-adds (its forward pass, and each of its two gradients). */
export function convMultiplyAdds(info: tf.backend_util.Conv2DInfo): number {
  return info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}

/** The 2×2 output tiles of a convolution: th rows and tw columns of them per image, tiles in
 *  all (the last row and column may hang past the output's edge). */
function tileGrid(info: tf.backend_util.Conv2DInfo): { th: number; tw: number; tiles: number } {
  const th = Math.ceil(info.outHeight / 2), tw = Math.ceil(info.outWidth / 2);
  return { th, tw, tiles: info.batchSize * th * tw };
}

/** Whether a convolution's forward pass and both gradients take the Winograd paths here:
 *  3×3 filter, stride and dilation 1, channel counts multiples of 4 (the transforms' SIMD
 *  width) and at least 8, at least 2^24 multiply-adds, and buffers (16 transformed inputs,
 *  outputs or gradients a tile) under 256 MB. Measured against XNNPACK's convolution and
 *  conv_filter_grad on two threads (2 cores): level at about 10M multiply-adds (16 → 16
 *  channels on 10 × 10, batch 32; 8 → 8 on 28 × 28, batch 64, at 29M), slower below; the
 *  figures at MNIST's second layer are in the functions' docs. */
export function winogradFits(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout } = info;
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  const buffered = POSITIONS * tileGrid(info).tiles * (cin + cout);
  return fh === 3 && fw === 3 && unit && cin % 4 === 0 && cout % 4 === 0 && cin >= 8 && cout >= 8 && convMultiplyAdds(info) >= 2 ** 24 && buffered <= 2 ** 26;
}

/** An int32 buffer of the byte offsets of `buffers` on the heap (heap.c's `ptrs`). */
function offsetTable(mem: Memory, backend: unknown, buffers: tf.TensorInfo[]): tf.TensorInfo {
  const b = wasmBackend(backend);
  const table = b.makeOutput([buffers.length], 'int32');
  b.typedArrayFromHeap<Int32Array>(table).set(buffers.map((t) => mem.at(t)));
  return table;
}

/** 16 buffers of `shape`, one per position, and their offset table. */
function positionBuffers(mem: Memory, backend: unknown, shape: number[]): { buffers: tf.TensorInfo[]; table: tf.TensorInfo } {
  const buffers = Array.from({ length: POSITIONS }, () => mem.alloc(shape));
  return { buffers, table: offsetTable(mem, backend, buffers) };
}

/** dx of a stride-1 3×3 convolution (winogradFits) from dy [n, oh, ow, cout] and its filter
 *  [3, 3, cin, cout]: dM = A dY Aᵀ per tile, dU = dM · Wᵀ per position, dx = Σ B dU Bᵀ.
 *  MNIST's second layer: 5.6–6.2 → 4.8 ms when the products moved from XNNPACK to heap.c
 *  and every step was shared. */
export function winogradBackpropInput(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const mem = memoryOf(backend, 'wasm');
  const heap = heapKernels(backend);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { th, tw, tiles } = tileGrid(info);
  const filters = positionBuffers(mem, backend, [1, cout, cin]);
  const spread = positionBuffers(mem, backend, [1, tiles, cout]);
  const temps = [...filters.buffers, filters.table, ...spread.buffers, spread.table];
  try {
    heap.wino_filter(mem.at(filter), mem.at(filters.table), cin, cout, 0);
    // Each step shared with our workers (winogradFits keeps this path to long gradients).
    const long = Infinity;
    heapShared(backend, 'wino_dy', [mem.at(dy), mem.at(spread.table), n, oh, ow, cout, th, tw], n, long);
    const products = positionBuffers(mem, backend, [tiles, cin]);
    temps.push(...products.buffers, products.table);
    heapShared(backend, 'wino_products', [mem.at(spread.table), mem.at(filters.table), mem.at(products.table), tiles, cout, cin, PRODUCT_CHUNK], POSITIONS * Math.ceil(tiles / PRODUCT_CHUNK), long);
    const dx = mem.alloc([n, h, w, cin]);
    heapShared(backend, 'wino_dx', [mem.at(products.table), mem.at(dx), n, h, w, cin, th, tw, info.padInfo.top, info.padInfo.left], n, long);
    return dx;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** y = relu?(conv(x, filter) + bias) of a stride-1 3×3 convolution (winogradFits):
 *  V = Bᵀ d B per tile, M = V · W per position, y = Aᵀ M A, each step shared with our
 *  workers. `bias` may be absent. */
export function winogradForward(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, info: tf.backend_util.Conv2DInfo, relu: boolean): tf.TensorInfo {
  const mem = memoryOf(backend, 'wasm');
  const heap = heapKernels(backend);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { th, tw, tiles } = tileGrid(info);
  const filters = positionBuffers(mem, backend, [cin, cout]);
  const spread = positionBuffers(mem, backend, [tiles, cin]);
  const products = positionBuffers(mem, backend, [tiles, cout]);
  const zeros = bias ? undefined : mem.alloc([cout]);
  if (zeros) mem.view(zeros).fill(0);
  const temps = [...filters.buffers, filters.table, ...spread.buffers, spread.table, ...products.buffers, products.table, ...(zeros ? [zeros] : [])];
  try {
    heap.wino_filter(mem.at(filter), mem.at(filters.table), cin, cout, 1);
    const long = Infinity;
    heapShared(backend, 'wino_x', [mem.at(x), mem.at(spread.table), n, h, w, cin, th, tw, info.padInfo.top, info.padInfo.left], n, long);
    heapShared(backend, 'wino_products', [mem.at(spread.table), mem.at(filters.table), mem.at(products.table), tiles, cin, cout, PRODUCT_CHUNK], POSITIONS * Math.ceil(tiles / PRODUCT_CHUNK), long);
    const y = mem.alloc([n, oh, ow, cout]);
    heapShared(backend, 'wino_y', [mem.at(products.table), mem.at((bias ?? zeros)!), mem.at(y), n, oh, ow, cout, th, tw, relu ? 1 : 0], n, long);
    return y;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** dW of a stride-1 3×3 convolution (winogradFits):
 *  V = Bᵀ d B of the input and dM = A dY Aᵀ of the output gradient per tile, dU = Vᵀ · dM
 *  per position, dW = Gᵀ dU G; each step but the last shared with our workers. */
export function winogradBackpropFilter(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const mem = memoryOf(backend, 'wasm');
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { th, tw, tiles } = tileGrid(info);
  const spreadX = positionBuffers(mem, backend, [tiles, cin]);
  const spreadDy = positionBuffers(mem, backend, [tiles, cout]);
  const sums = positionBuffers(mem, backend, [cin, cout]);
  const temps = [...spreadX.buffers, spreadX.table, ...spreadDy.buffers, spreadDy.table, ...sums.buffers, sums.table];
  try {
    const long = Infinity;
    heapShared(backend, 'wino_x', [mem.at(x), mem.at(spreadX.table), n, h, w, cin, th, tw, info.padInfo.top, info.padInfo.left], n, long);
    heapShared(backend, 'wino_dy', [mem.at(dy), mem.at(spreadDy.table), n, oh, ow, cout, th, tw], n, long);
    heapShared(backend, 'wino_filter_products', [mem.at(spreadX.table), mem.at(spreadDy.table), mem.at(sums.table), tiles, cin, cout], POSITIONS, long);
    const dw = mem.alloc([3, 3, cin, cout]);
    heapKernels(backend).wino_filter_grad(mem.at(sums.table), mem.at(dw), cin, cout);
    return dw;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}
