// The kernels of heap.c, instantiated over the running wasm backend's own memory (plain for
// its single-threaded build, shared for the threaded one): they take the byte offsets of
// tensors on that heap and work in place.
import { PLAIN_BASE64, SHARED_BASE64 } from './heap.wasm.js';
import { wasmBackend, type WasmModule } from '../tfjs-internals.js';
import { runShared, SHARED_MICROSECONDS, type SharedKernel, type WasmMemory } from './team.js';

// The project's TypeScript libs do not declare WebAssembly (no "dom"); the few members used:
interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } }
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface HeapKernels {
  max_pool_grad(x: number, dy: number, dx: number, b: number, h: number, w: number, c: number, oh: number, ow: number, fh: number, fw: number, sh: number, sw: number, top: number, left: number, n0: number, n1: number): void;
  sum_rows(x: number, out: number, rows: number, cols: number): void;
  matmul(a: number, b: number, out: number, m: number, k: number, n: number): void;
  relu_grad(dy: number, y: number, out: number, n: number): void;
  patches_filter_grad(x: number, dy: number, patches: number, dw: number, b: number, h: number, w: number, c: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, r0: number, r1: number): void;
  col2im(cols: number, dx: number, b: number, h: number, w: number, c: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  wino_filter(g: number, ptrs: number, cin: number, cout: number, forward: number): void;
  wino_x(x: number, ptrs: number, n: number, h: number, w: number, c: number, th: number, tw: number, top: number, left: number, n0: number, n1: number): void;
  wino_y(ptrs: number, bias: number, y: number, n: number, oh: number, ow: number, c: number, th: number, tw: number, relu: number, n0: number, n1: number): void;
  wino_dy(dy: number, ptrs: number, n: number, oh: number, ow: number, c: number, th: number, tw: number, n0: number, n1: number): void;
  wino_dx(ptrs: number, dx: number, n: number, h: number, w: number, c: number, th: number, tw: number, top: number, left: number, n0: number, n1: number): void;
  wino_products(a: number, b: number, out: number, tiles: number, k: number, n: number, chunk: number, r0: number, r1: number): void;
  wino_filter_products(a: number, b: number, out: number, tiles: number, m: number, n: number, r0: number, r1: number): void;
  wino_filter_grad(ptrs: number, dw: number, cin: number, cout: number): void;
  conv_filter_grad(x: number, dy: number, dw: number, b: number, h: number, w: number, c: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, r0: number, r1: number): void;
}

const instances = new WeakMap<WasmMemory, HeapKernels>();

function wasmMemoryOf(module: WasmModule): WasmMemory {
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error('the wasm backend exposes no memory for the heap kernels');
  return memory;
}

/** The kernels over the memory of this wasm backend (instantiated once per memory). */
export function heapKernels(backend: unknown): HeapKernels {
  const memory = wasmMemoryOf(wasmBackend(backend).wasm);
  let k = instances.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? SHARED_BASE64 : PLAIN_BASE64, 'base64');
    k = new WA.Instance(new WA.Module(bytes), { env: { memory } }).exports as HeapKernels;
    instances.set(memory, k);
  }
  return k;
}

/** heap.c's `kernel(...args, r0, r1)` over the rows [0, rows): shared between as many threads
 *  as XNNPACK's pool has now where it would take at least SHARED_MICROSECONDS on one thread
 *  (the caller's estimate; team.ts), on this thread alone otherwise and where the build is
 *  single-threaded. */
export function heapShared(backend: unknown, kernel: SharedKernel, args: number[], rows: number, microseconds: number): void {
  const module = wasmBackend(backend).wasm;
  const threads = microseconds >= SHARED_MICROSECONDS ? module.tfjs.getThreadsCount?.() ?? 1 : 1;
  runShared(heapKernels(backend), wasmMemoryOf(module), kernel, args, rows, threads);
}
