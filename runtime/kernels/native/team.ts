// heap.c kernels shared out over worker threads of ours. XNNPACK runs its own operators on
// its pthreads, but a heap.c kernel ran on the main thread alone while the other cores
// idled. On the threaded build the backend's memory is shared, so a worker that
// instantiates heap.c over that same memory can compute part of a kernel in place: the
// kernel takes a range of rows [r0, r1) of its output, each thread one range, and no two
// threads write the same float. Hand-off is through a small SharedArrayBuffer of ours
// (Atomics.wait/notify, some 10–50 µs), so only kernels of milliseconds are shared.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { SHARED_BASE64 } from './heap.wasm.js';

/** The kernels a team runs: each takes its row range as its last two arguments. */
const SHARED_KERNELS = ['patches_filter_grad', 'conv_filter_grad', 'max_pool_grad', 'wino_dy', 'wino_products', 'wino_dx', 'wino_x', 'wino_y', 'wino_filter_products'] as const;
export type SharedKernel = (typeof SHARED_KERNELS)[number];
/** heap.ts's kernels as a team sees them: functions of numbers, by name. */
type RowKernels = Record<SharedKernel, (...args: number[]) => void>;

/** Kernels estimated to take at least this many microseconds on one thread are shared: a
 *  hand-off costs some 20–50 µs. */
export const SHARED_MICROSECONDS = 300;

/** One worker's slot in the control array (Int32): job generation, the generation done, a
 *  failure flag, whether it started, the kernel's index, its argument count and arguments. */
const SLOT = 32, GEN = 0, DONE = 1, FAILED = 2, READY = 3, KERNEL = 4, COUNT = 5, ARGS = 6;
const MAX_ARGS = SLOT - ARGS;

/** Runs in each worker (CommonJS, eval'd, so that `nnc compile`'s copy of the runtime needs
 *  no file of its own). It waits for a new generation, runs the kernel on its rows, and
 *  publishes the generation as done, failed or not. */
const WORKER = String.raw`
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
const at = slot * ${SLOT};
// Generations start at 0 and only the main thread counts them up, once this one says it is
// ready: a job posted before the loop below starts is then seen at its first wait.
let seen = 0;
Atomics.store(ctl, at + ${READY}, 1);
for (;;) {
  Atomics.wait(ctl, at + ${GEN}, seen);
  seen = Atomics.load(ctl, at + ${GEN});
  try {
    const args = Array.from(ctl.subarray(at + ${ARGS}, at + ${ARGS} + ctl[at + ${COUNT}]));
    kernels[names[ctl[at + ${KERNEL}]]](...args);
  } catch {
    Atomics.store(ctl, at + ${FAILED}, 1);
  }
  Atomics.store(ctl, at + ${DONE}, seen);
  Atomics.notify(ctl, at + ${DONE});
}`;

export interface WasmMemory { buffer: ArrayBuffer | SharedArrayBuffer }
const WA = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

class Team {
  private readonly control = new Int32Array(new SharedArrayBuffer(SLOT * 4 * 8));
  private readonly workers: Worker[] = [];
  private module: object | undefined;

  constructor(private readonly memory: WasmMemory) {}

  /** Starts workers up to `count` (at most 7); they take part once they are up. */
  grow(count: number): void {
    this.module ??= new WA.Module(Buffer.from(SHARED_BASE64, 'base64'));
    while (this.workers.length < Math.min(count, 7)) {
      const slot = this.workers.length;
      const worker = new Worker(WORKER, { eval: true, workerData: { module: this.module, memory: this.memory, control: this.control.buffer, slot, names: SHARED_KERNELS } });
      // An idle worker waits on the control array for good; it must not keep a finished
      // process alive.
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** The workers that have started, in slot order. */
  private ready(): number {
    let n = 0;
    while (n < this.workers.length && Atomics.load(this.control, n * SLOT + READY) === 1) n++;
    return n;
  }

  run(kernels: RowKernels, kernel: SharedKernel, args: number[], rows: number, threads: number): void {
    const parts = Math.max(1, Math.min(threads, this.ready() + 1, rows));
    const bound = (p: number) => Math.round((rows * p) / parts);
    const ctl = this.control;
    if (parts > 1) teamRuns.shared++;
    for (let p = 1; p < parts; p++) {
      const at = (p - 1) * SLOT;
      const full = [...args, bound(p), bound(p + 1)];
      ctl[at + KERNEL] = SHARED_KERNELS.indexOf(kernel);
      ctl[at + COUNT] = full.length;
      ctl.set(full, at + ARGS);
      Atomics.add(ctl, at + GEN, 1);
      Atomics.notify(ctl, at + GEN);
    }
    let failed = false;
    try {
      kernels[kernel](...args, 0, bound(1));
    } finally {
      // The workers' rows are done before anything returns or throws: the caller may free
      // the buffers they write.
      for (let p = 1; p < parts; p++) {
        const at = (p - 1) * SLOT;
        const gen = Atomics.load(ctl, at + GEN);
        for (let done = Atomics.load(ctl, at + DONE); done !== gen; done = Atomics.load(ctl, at + DONE)) Atomics.wait(ctl, at + DONE, done);
        if (Atomics.exchange(ctl, at + FAILED, 0)) failed = true;
      }
    }
    if (failed) throw new Error(`${kernel} failed on a worker thread`);
  }
}

const teams = new WeakMap<WasmMemory, Team>();

/** Kernel calls that ran on more than one thread so far (for tests and diagnostics). */
export const teamRuns = { shared: 0 };

/** Runs heap.c's `kernel(...args, r0, r1)` over the rows [0, rows), split between this thread
 *  and up to threads − 1 workers of ours where the memory is shared (the threaded build);
 *  on this thread alone otherwise. */
export function runShared(kernels: RowKernels, memory: WasmMemory, kernel: SharedKernel, args: number[], rows: number, threads: number): void {
  if (args.length + 2 > MAX_ARGS) throw new Error(`${kernel}: too many arguments for a team`);
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  if (!shared || threads <= 1) {
    kernels[kernel](...args, 0, rows);
    return;
  }
  let team = teams.get(memory);
  if (!team) teams.set(memory, (team = new Team(memory)));
  team.grow(Math.min(threads, os.availableParallelism?.() ?? os.cpus().length) - 1);
  team.run(kernels, kernel, args, rows, threads);
}
