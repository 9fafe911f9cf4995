// Backend selection: tensorflow (tfjs-node-gpu, then tfjs-node, when the user installed one)
// → webgpu on a hardware adapter (Dawn's Node bindings from the `webgpu` package) → wasm
// (XNNPACK, with our kernels for what it lacks) → cpu. `--backend` / NNC_BACKEND override the
// ladder; asking for one that cannot load is a one-line error.
import * as tf from '@tensorflow/tfjs';
import { defaultThreads, withWasmThreads } from './kernels/threads.js';
import { registerWasmKernels } from './kernels/wasm.js';
import { fault } from './errors.js';
import { gpuFacts, whyNoHardwareAdapter, type DawnOffer } from './gpu.js';
import { wasmBackend } from './kernels/tfjs-internals.js';

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/** `software`: a GPU backend on a software adapter (lavapipe), slower than wasm. `passedOver`:
 *  the backends `auto` tried before this one, each with why it did not take it. */
export interface BackendInfo { name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'; detail: string; software?: boolean; passedOver?: string[] }

const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function loadTensorflow(): Promise<BackendInfo | string> {
  const reasons: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      // A variable specifier keeps bundlers and tsc from resolving an optional peer.
      const spec: string = pkg;
      await import(spec);
      if (await tf.setBackend('tensorflow')) return { name: 'tensorflow', detail: `${pkg} (libtensorflow${pkg.endsWith('gpu') ? ', CUDA' : ''})` };
      reasons.push(`${pkg} loaded but its backend did not start`);
    } catch (err) {
      reasons.push(`${pkg}: ${firstLine(err)}`);
    }
  }
  return reasons.join('; ');
}

/** XNNPACK threads: $NNC_THREADS, else one per core (up to 8). Fixed once the wasm backend
 *  has started (tfjs starts it once per process). */
function wasmThreads(): number {
  const env = process.env['NNC_THREADS'];
  if (env === undefined || env === '') return defaultThreads();
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw fault('backend', `NNC_THREADS must be a whole number ≥ 1 (got '${env}')`);
  return Math.min(n, 8);
}

let wasmStarted: Promise<boolean> | undefined;
/** The threads the wasm backend started with (its pool may be narrowed later). */
let startedThreads = 1;

/** Below this many multiply-adds per step, XNNPACK's hand-off to its other threads (some
 *  50 µs an operation) costs more than it saves. Measured on 2 cores: SimpleRNN(32), LSTM(32)
 *  and the Conv1D stack (0.4M–1.4M a step) trained 30–45% slower on two threads, the MNIST
 *  convnet (217M) and the char LSTM(128) (732M) 40% and 25% faster. */
export const THREADED_WORK = 20_000_000;

/** Fits the wasm backend's XNNPACK pool to a task's work per step (multiply-adds): one
 *  thread under THREADED_WORK, else all it started with; $NNC_THREADS, when set, stands.
 *  Returns a line saying what changed, or undefined when nothing did. */
export function fitWasmThreads(work: number): string | undefined {
  if (tf.getBackend() !== 'wasm' || startedThreads === 1 || process.env['NNC_THREADS']) return undefined;
  const module = wasmBackend(tf.backend()).wasm.tfjs;
  const want = work >= THREADED_WORK ? startedThreads : 1;
  if (module.getThreadsCount() === want) return undefined;
  // A new pool replaces the old (tfjs keeps no handle to free it; an idle pool's threads
  // sleep). Widening again takes one more of the workers the threaded build pre-started.
  module.initWithThreadsCount(want);
  const millions = work < 1e7 ? (work / 1e6).toFixed(1) : Math.round(work / 1e6);
  return want === 1
    ? `wasm: 1 thread for this task (${millions}M multiply-adds a step: too little to share; NNC_THREADS overrides)`
    : `wasm: ${want} threads for this task (${millions}M multiply-adds a step)`;
}

async function loadWasm(): Promise<BackendInfo | string> {
  const threads = wasmThreads();
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
    wasmStarted ??= withoutGlueHandlers(() => withWasmThreads(threads, wasm.setThreadsCount, () => tf.setBackend('wasm')));
    if ((await wasmStarted) && (await tf.setBackend('wasm'))) {
      const n = (startedThreads = wasm.getThreadsCount());
      return { name: 'wasm', detail: `XNNPACK, SIMD, ${n} thread${n === 1 ? '' : 's'}` };
    }
    return 'the wasm backend did not start';
  } catch (err) {
    return firstLine(err);
  }
}

/** Runs `start` and removes the process handlers it added: tfjs-backend-wasm's Emscripten
 *  glue adds 'uncaughtException' and 'unhandledRejection' handlers that only rethrow, which
 *  turns any uncaught error (an EPIPE of `nnc run x | head` among them) into exit code 7
 *  and a dump of the glue's 40 KB minified source line. */
async function withoutGlueHandlers<T>(start: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const before = events.map((e) => new Set(process.listeners(e)));
  try {
    return await start();
  } finally {
    events.forEach((e, i) => {
      for (const l of process.listeners(e)) if (!before[i]!.has(l)) process.off(e, l as (...args: unknown[]) => void);
    });
  }
}

/** The graphics API Dawn drives on this platform. */
const GPU_API: Partial<Record<NodeJS.Platform, string>> = { linux: 'Vulkan', win32: 'D3D12', darwin: 'Metal' };

/** What Dawn offers: its GPU object and adapter (a name to print, whether it is software),
 *  no adapter at all, or why Dawn could not be loaded. */
type AdapterSearch = { found: true; gpu: GPU; name: string; software: boolean } | { found: false; error?: string };

/** Dawn's adapter, found once per process (each Dawn instance costs time and, on lavapipe,
 *  two warnings on stderr). */
let adapterFound: Promise<AdapterSearch> | undefined;

async function findAdapter(): Promise<AdapterSearch> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (err) {
    return { found: false, error: firstLine(err) };
  }
  // tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, ...) as globals.
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { found: false };
  return { found: true, gpu, ...describeAdapter(adapter) };
}

/** An adapter's name to print and whether it is a software rasterizer. */
export function describeAdapter(adapter: GPUAdapter): { name: string; software: boolean } {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = info.isFallbackAdapter === true || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`);
  return { software, name: info.description || [info.vendor, info.device].filter(Boolean).join(' ') || 'unnamed adapter' };
}

/** Why webgpu has no hardware adapter here: on Linux what the machine lacks (gpu.ts), elsewhere
 *  Dawn's answer. */
function noHardware(offer?: DawnOffer): string {
  if (process.platform === 'linux') return whyNoHardwareAdapter(gpuFacts(), offer) ?? 'no hardware adapter';
  const api = GPU_API[process.platform] ?? 'graphics';
  return !offer || offer === 'none' ? `no ${api} driver offers one` : `only a software adapter (${offer.adapter})`;
}

/** WebGPU through Dawn: a hardware adapter, or (when asked for by name) a software one such as
 *  Mesa's lavapipe. tfjs-backend-webgpu finds the adapter through navigator.gpu. */
async function loadWebgpu(allowSoftware: boolean): Promise<BackendInfo | string> {
  const found = await (adapterFound ??= findAdapter());
  if (!found.found) return found.error ?? `no WebGPU adapter (${noHardware('none')})`;
  if (found.software && !allowSoftware) return `${noHardware({ adapter: found.name, software: true })}; --backend webgpu takes the software one, slower than wasm`;
  // Node has no navigator before 21, and from 21 one without gpu.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: unknown };
  if (nav.gpu === undefined) Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true });
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return firstLine(err);
  }
  if (!(await tf.setBackend('webgpu'))) return 'the webgpu backend did not start';
  return { name: 'webgpu', detail: `${found.name}, ${GPU_API[process.platform] ?? 'native API'}${found.software ? ', software' : ''}`, software: found.software };
}

async function loadCpu(): Promise<BackendInfo | string> {
  return (await tf.setBackend('cpu')) ? { name: 'cpu', detail: 'pure JavaScript' } : 'the cpu backend did not start';
}

const LOADERS = { tensorflow: loadTensorflow, webgpu: () => loadWebgpu(true), wasm: loadWasm, cpu: loadCpu };

const INSTALL_HINT: Record<string, string> = {
  tensorflow: 'install one with `npm install @tensorflow/tfjs-node` (CPU) or `npm install @tensorflow/tfjs-node-gpu` (CUDA)',
  webgpu: 'it needs the optional packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` (`npm install`) and a Vulkan driver (Mesa 25\'s lavapipe for a software one: bin/install-lavapipe.sh)',
  wasm: 'reinstall with `npm install` (it ships @tensorflow/tfjs-backend-wasm)',
  cpu: 'reinstall with `npm install`',
};

/** Picks and starts a backend. `auto` walks the ladder; a named one must load. */
export async function selectBackend(choice: string = process.env['NNC_BACKEND'] || 'auto'): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(choice)) throw fault('backend', `unknown backend '${choice}' (choose ${BACKENDS.join(', ')})`);
  // PROD silences tfjs's console warnings (the cpu backend's banner urging tfjs-node among
  // them); the CLI says what it picked instead.
  tf.env().set('PROD', true);
  quietOrthogonalWarning();
  if (choice !== 'auto') {
    const got = await LOADERS[choice as keyof typeof LOADERS]();
    if (typeof got === 'string') throw fault('backend', `backend '${choice}' cannot load (${got}); ${INSTALL_HINT[choice]}`);
    return got;
  }
  const passedOver: string[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    // auto never takes a software GPU adapter: lavapipe trains slower than wasm. Nor does it
    // start Dawn (a second, and lavapipe's warnings on stderr) where Linux shows no GPU device.
    const got = name === 'webgpu' && process.platform === 'linux' && !gpuFacts().devices.length ? noHardware() : await (name === 'webgpu' ? loadWebgpu(false) : LOADERS[name]());
    if (typeof got !== 'string') return { ...got, passedOver };
    passedOver.push(`${name} (${name === 'tensorflow' && /^([^;]* is not installed(; |$))+$/.test(got) ? 'not installed' : got})`);
  }
  throw fault('backend', 'no tfjs backend could start');
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.replace(/^Cannot find (package|module) '([^']+)'.*/, '$2 is not installed');
}

let quieted = false;

/** tfjs-layers warns "Orthogonal initializer is being called on a matrix with more than
 *  2000 elements: Slowness may result" with console.warn, bypassing PROD, for every LSTM/GRU
 *  of 32+ units; the cost is milliseconds at build time, so it only alarms users. */
function quietOrthogonalWarning() {
  if (quieted) return;
  quieted = true;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer is being called')) return;
    warn(...args);
  };
}
