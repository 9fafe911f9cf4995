// The SIMD kernels of activations.c (sigmoid and tanh in place, the LSTM backward step), instantiated once from the committed module. A
// caller writes values into scratch(), applies sigmoid or tanh to ranges of it in place,
// and reads them back; the module has its own memory, grown on demand.
import { WASM_BASE64 } from './activations.wasm.js';

// The project's TypeScript libs do not declare WebAssembly (no "dom"); the few members used:
interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } }
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  sigmoid_inplace(ptr: number, n: number): void;
  tanh_inplace(ptr: number, n: number): void;
  lstm_backward_step(g: number, cp: number, tc: number, dhs: number, dhn: number, dcn: number, dz: number, b: number, u: number): void;
}

let exports: Exports | undefined;
function module(): Exports {
  exports ??= new WA.Instance(new WA.Module(Buffer.from(WASM_BASE64, 'base64')), {}).exports as Exports;
  return exports;
}

/** A float32 view of at least `n` floats of the module's memory (valid until the next call
 *  of scratch, which may grow the memory). */
export function scratch(n: number): Float32Array {
  const m = module();
  const base = m.__heap_base.value;
  const need = base + n * 4;
  if (need > m.memory.buffer.byteLength) m.memory.grow(Math.ceil((need - m.memory.buffer.byteLength) / 65536));
  return new Float32Array(m.memory.buffer, base, n);
}

const address = (index: number) => module().__heap_base.value + index * 4;

/** σ in place over scratch()[from, from + n). */
export const sigmoidInPlace = (from: number, n: number) => module().sigmoid_inplace(address(from), n);
/** tanh in place over scratch()[from, from + n). */
export const tanhInPlace = (from: number, n: number) => module().tanh_inplace(address(from), n);

/** One LSTM backward step (tanh cells, sigmoid gates) over buffers at these scratch() float
 *  offsets: gates [B, 4U], c_{t-1}, tanh(c_t), the output gradient and the recurrent dh
 *  [B, U] each, dc_next [B, U] (updated in place), and dz [B, 4U] (written). */
export function lstmBackwardStep(at: { g: number; cp: number; tc: number; dhs: number; dhn: number; dcn: number; dz: number }, b: number, u: number): void {
  module().lstm_backward_step(address(at.g), address(at.cp), address(at.tc), address(at.dhs), address(at.dhn), address(at.dcn), address(at.dz), b, u);
}
