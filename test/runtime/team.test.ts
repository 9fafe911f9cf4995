// heap.c kernels shared with our worker threads (runtime/kernels/native/team.ts): a kernel
// that fails on a worker is an error here, after every thread has stopped, and the team
// keeps working.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { memoryOf } from '../../runtime/kernels/memory.js';
import { heapShared } from '../../runtime/kernels/native/heap.js';
import { teamRuns } from '../../runtime/kernels/native/team.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe.skipIf(os.availableParallelism() < 2)('worker threads of ours', () => {
  it('a kernel that traps on a worker throws here, and the next shared call still works', async () => {
    const backend = tf.backend();
    const mem = memoryOf(backend, 'wasm');
    const [b, h, w, c] = [2, 4, 4, 4];
    const x = tf.randomNormal([b, h, w, c]), dy = tf.randomNormal([b, h / 2, w / 2, c]);
    const out = mem.alloc([b, h, w, c]);
    const pool = (input: number) => heapShared(backend, 'max_pool_grad', [input, mem.at(dy), mem.at(out), b, h, w, c, h / 2, w / 2, 2, 2, 2, 2, 0, 0], b, Infinity);
    pool(mem.at(x));
    await new Promise((r) => setTimeout(r, 500));
    const before = teamRuns.shared;
    // An input whose second image lies past the end of the heap (reading only): the
    // worker's rows trap, this thread's read the heap's last bytes and write to `out`.
    const heapEnd = (backend as unknown as { wasm: { wasmMemory: { buffer: SharedArrayBuffer } } }).wasm.wasmMemory.buffer.byteLength;
    expect(() => pool(heapEnd - h * w * c * 4)).toThrow('max_pool_grad failed on a worker thread');
    expect(teamRuns.shared).toBe(before + 1);
    pool(mem.at(x));
    expect(teamRuns.shared).toBe(before + 2);
    const want = tf.grad((q: tf.Tensor) => tf.maxPool(q as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(x);
    expect(Array.from(mem.view(out))).toEqual(Array.from(want.dataSync()));
    mem.free(out);
    tf.dispose([x, dy, want]);
  });
});
