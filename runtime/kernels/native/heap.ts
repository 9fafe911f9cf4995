// The kernels of heap.c, instantiated over the running wasm backend's own memory (plain for
// its single-threaded build, shared for the threaded one): they take the byte offsets of
// tensors on that heap and work in place.
import { PLAIN_BASE64, SHARED_BASE64 } from './heap.wasm.js';

// The project's TypeScript libs do not declare WebAssembly (no "dom"); the few members used:
interface WasmMemory { buffer: ArrayBuffer | SharedArrayBuffer }
interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } }
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface HeapKernels {
  max_pool_grad(x: number, dy: number, dx: number, b: number, h: number, w: number, c: number, oh: number, ow: number, fh: number, fw: number, sh: number, sw: number, top: number, left: number): void;
  sum_rows(x: number, out: number, rows: number, cols: number): void;
  matmul(a: number, b: number, out: number, m: number, k: number, n: number): void;
  relu_grad(dy: number, y: number, out: number, n: number): void;
  im2col_t(x: number, out: number, b: number, h: number, w: number, c: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  swap_outer_inner(x: number, out: number, a: number, mid: number, c: number): void;
  move_outer(x: number, out: number, a: number, mid: number, c: number): void;
  col2im(cols: number, dx: number, b: number, h: number, w: number, c: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  wino_filter(g: number, ptrs: number, cin: number, cout: number): void;
  wino_dy(dy: number, ptrs: number, n: number, oh: number, ow: number, c: number, th: number, tw: number): void;
  wino_dx(ptrs: number, dx: number, n: number, h: number, w: number, c: number, th: number, tw: number, top: number, left: number): void;
}

/** tfjs-backend-wasm's Emscripten module: the threaded build exposes its memory as
 *  `wasmMemory`, the single-threaded one as the export `asm.memory`. */
interface BackendModule { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } }

const instances = new WeakMap<WasmMemory, HeapKernels>();

/** The kernels over the memory of this wasm backend (instantiated once per memory). */
export function heapKernels(backend: unknown): HeapKernels {
  const module = (backend as { wasm: BackendModule }).wasm;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error('the wasm backend exposes no memory for the heap kernels');
  let k = instances.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? SHARED_BASE64 : PLAIN_BASE64, 'base64');
    k = new WA.Instance(new WA.Module(bytes), { env: { memory } }).exports as HeapKernels;
    instances.set(memory, k);
  }
  return k;
}
