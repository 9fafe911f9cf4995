// The SIMD kernels (runtime/kernels/native): the committed modules are what their C sources
// build to, and the activations' sigmoid and tanh agree with Math's to float32 precision
// (heap.c's kernels are checked against the cpu backend in test/kernels.test.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratch, sigmoidInPlace, tanhInPlace } from '../../runtime/kernels/native/activations.js';
import { SOURCE_SHA256 } from '../../runtime/kernels/native/activations.wasm.js';
import { SOURCE_SHA256 as HEAP_SOURCE_SHA256 } from '../../runtime/kernels/native/heap.wasm.js';

const hasClang = spawnSync('clang-14', ['--version']).status === 0 && spawnSync('wasm-ld-14', ['--version']).status === 0;

describe('native activations', () => {
  it('the committed modules were built from the committed sources', () => {
    const sha = (file: string) => createHash('sha256').update(readFileSync(`runtime/kernels/native/${file}`)).digest('hex');
    expect(sha('activations.c')).toBe(SOURCE_SHA256);
    expect(sha('heap.c')).toBe(HEAP_SOURCE_SHA256);
  });

  it.skipIf(!hasClang)('and rebuilding the source gives the same module (clang-14 and lld-14 present)', () => {
    const r = spawnSync('bash', ['runtime/kernels/native/build.sh', '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toContain('matches');
    expect(r.status).toBe(0);
  });

  it('sigmoid and tanh match Math within 3e-7 over a wide range, odd lengths and the extremes', () => {
    const xs = Float32Array.from({ length: 10_007 }, (_, i) => (i - 5003) / 100);
    xs.set([-1e30, 1e30, -100, 100, 0, -0], 0);
    for (const [apply, reference] of [[sigmoidInPlace, (x: number) => 1 / (1 + Math.exp(-x))], [tanhInPlace, Math.tanh]] as const) {
      const s = scratch(xs.length + 8);
      s.set(xs, 3);
      apply(3, xs.length);
      let err = 0;
      xs.forEach((x, i) => { err = Math.max(err, Math.abs(s[i + 3]! - reference(x))); });
      expect(err).toBeLessThan(3e-7);
    }
  });
});
