// XNNPACK on two threads (runtime/kernels/threads.ts) and heap.c kernels shared with our
// workers (native/team.ts): the backend starts, says so, trains to exactly the weights one
// thread gives, and lets the process exit.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';

function train(threads: number) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/threads-child.ts'], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, NNC_THREADS: String(threads) },
  });
  expect(r.signal, `the child did not exit by itself: ${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { detail: string; weights: number[][]; shared: number };
}

describe('wasm threads', () => {
  it('two threads (XNNPACK\'s and our workers\') train to the same weights as one, and the process exits', () => {
    const one = train(1), two = train(2);
    expect(one.detail).toBe('XNNPACK, SIMD, 1 thread');
    expect(two.detail).toBe('XNNPACK, SIMD, 2 threads');
    expect(one.shared).toBe(0);
    // Our workers: one per core beyond the first.
    if (os.availableParallelism() > 1) expect(two.shared).toBeGreaterThan(0);
    expect(two.weights).toEqual(one.weights);
  });

  it.skipIf(os.availableParallelism() < 2)('a small task narrows the pool to one thread, a large one widens it again, results unchanged', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NNC_THREADS'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/threads-fit-child.ts'], { encoding: 'utf8', timeout: 60_000, env });
    expect(r.status, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({ afterSmall: 1, again: null, afterLarge: seen['started'], same: true });
    expect(seen['small']).toMatch(/^wasm: 1 thread for this task \(0\.1M multiply-adds a step/);
    expect(seen['large']).toBe(`wasm: ${seen['started']} threads for this task (1000M multiply-adds a step)`);
  });

  it('a bad NNC_THREADS is a one-line error', () => {
    const r = spawnSync(process.execPath, ['bin/nnc.js', 'run', 'examples/seed/lstm.nn'], { encoding: 'utf8', env: { ...process.env, NNC_THREADS: 'many' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("nnc: NNC_THREADS must be a whole number ≥ 1 (got 'many')");
  });
});
