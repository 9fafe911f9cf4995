// XNNPACK on several threads under Node. tfjs-backend-wasm 4.22 ships a threaded build
// (tfjs-backend-wasm-threaded-simd.wasm) but never starts it under Node, for three reasons,
// each answered here while the backend initialises:
//  1. its WASM_HAS_MULTITHREAD_SUPPORT flag answers false on Node (tfjs issue #3830): we
//     set it where the runtime supports shared memory;
//  2. its Emscripten glue starts each pthread worker from a `blob:` URL, which Node's Worker
//     cannot load, and the worker then importScripts() the module's source from a second
//     Blob: the glue's `Worker` becomes BlobWorker, which boots a small script of ours that
//     reads both Blobs (they are structured-cloneable) and hands the glue what it expects;
//  3. its C side caps the pool at half the logical cores (it assumes two hyper-threads per
//     core), so a 2-core machine gets 1 thread: the cores the glue sees are reported as
//     twice the threads asked for, only while the module starts.
// The threaded build computes exactly what the single-threaded one does (XNNPACK splits
// output tiles, never a reduction), which test/runtime/threads.test.ts checks.
import * as tf from '@tensorflow/tfjs';
import { resolveObjectURL } from 'node:buffer';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

/** Runs in each pthread worker (CommonJS, eval'd). The glue's worker script registers its
 *  message handler through `parentPort.on`; it gets a port of ours instead, so that every
 *  message passes through one queue that first reads any Blob the glue sent. The node
 *  bundle's module source names the bundle's own imports (require$$N, commonjsGlobal);
 *  they are provided as globals. */
const BOOTSTRAP = String.raw`
const realRequire = require;
const threads = realRequire('worker_threads');
Object.assign(globalThis, { require$$0: realRequire('fs'), require$$1: realRequire('path'), require$$3: realRequire('perf_hooks'), require$$4: realRequire('os'), commonjsGlobal: globalThis });
let deliver = () => {};
const port = { on: (_event, handler) => { deliver = handler; }, postMessage: (m, t) => threads.parentPort.postMessage(m, t) };
const glueRequire = (id) => (id === 'worker_threads' ? { ...threads, parentPort: port } : realRequire(id));
let queue = threads.workerData.script.text().then((source) => {
  new Function('require', '__filename', source)(glueRequire, __filename);
  const importScripts = globalThis.importScripts;
  globalThis.importScripts = (file) => { if (file !== 'nnc:preloaded') importScripts(file); };
});
threads.parentPort.on('message', (data) => {
  queue = queue.then(async () => {
    if (data && data.cmd === 'load' && typeof data.urlOrBlob !== 'string') {
      (0, eval)(await data.urlOrBlob.text());
      data.urlOrBlob = 'nnc:preloaded';
    }
    deliver(data);
  });
});
`;

/** Node's Worker, except that a `blob:` script URL boots BOOTSTRAP with that Blob, and
 *  that it never keeps the process alive: the glue ref()s a worker when it starts a pthread
 *  on it, and XNNPACK's pool threads live for good, so a finished `nnc run` would hang. The
 *  main thread only ever waits for them synchronously, inside a kernel. */
class BlobWorker extends NodeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    const blob = typeof url === 'string' && url.startsWith('blob:') ? resolveObjectURL(url) : undefined;
    if (blob) super(BOOTSTRAP, { eval: true, workerData: { script: blob } });
    else super(url, options);
    this.unref();
  }

  override ref(): void {}
}

/** Whether this runtime can run wasm threads (shared memory and atomics). */
function wasmThreadsSupported(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

/** Threads XNNPACK should use by default: one per core, at most the glue's pool of 8. */
export const defaultThreads = () => Math.min(os.availableParallelism?.() ?? os.cpus().length, 8);

/** Starts the wasm backend (`start`, i.e. tf.setBackend('wasm')) with `threads` XNNPACK
 *  threads; 1 starts the single-threaded build as before. */
export async function withWasmThreads<T>(threads: number, setThreadsCount: (n: number) => void, start: () => Promise<T>): Promise<T> {
  if (threads <= 1 || !wasmThreadsSupported()) return start();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const g = globalThis as { Worker?: unknown };
  const cpus = os.cpus;
  // The glue assigns its Worker class to the global at start; the accessor keeps ours.
  Object.defineProperty(g, 'Worker', { configurable: true, get: () => BlobWorker, set: () => {} });
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus()[i % cpus().length]!);
  try {
    return await start();
  } finally {
    os.cpus = cpus;
    // Later workers (if the pool ever runs dry) must boot the same way.
    Object.defineProperty(g, 'Worker', { configurable: true, writable: true, value: BlobWorker });
  }
}
