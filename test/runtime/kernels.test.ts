// The kernels we supply for wasm give the cpu backend's gradients, on random shapes.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { teamRuns } from '../../runtime/kernels/native/team.js';
import { WASM_SUPPLIED_KERNELS } from '../../runtime/kernels/wasm.js';
import { winogradBackpropFilter, winogradBackpropInput, winogradFits, winogradForward } from '../../runtime/kernels/winograd.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Runs `f` on cpu and on wasm with the same inputs; returns both results as arrays. */
async function onBoth(inputs: { shape: number[]; seed: number; dtype?: 'int32'; max?: number }[], f: (...xs: tf.Tensor[]) => tf.Tensor[]) {
  const values = inputs.map((s) => tf.tidy(() => (s.dtype === 'int32'
    ? tf.randomUniform(s.shape, 0, s.max!, 'int32', s.seed)
    : tf.randomNormal(s.shape, 0, 1, 'float32', s.seed)).arraySync()));
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => f(...values.map((v, i) => tf.tensor(v as number[], inputs[i]!.shape, inputs[i]!.dtype))).map((t) => t.arraySync()));
  };
  const cpu = await run('cpu');
  const before = tf.memory().numTensors;
  const wasm = await run('wasm');
  expect(tf.memory().numTensors).toBe(before); // no leaks from our kernels
  return { cpu, wasm };
}

/** onBoth for kernels long enough to share with our worker threads: a first call on wasm
 *  starts the workers, which take part once they are up; then it checks that the compared
 *  call shared a kernel (where there are cores to share). */
async function sharedOnBoth(inputs: { shape: number[]; seed: number }[], f: (...xs: tf.Tensor[]) => tf.Tensor[]) {
  tf.tidy(() => f(...inputs.map((s) => tf.ones(s.shape))));
  await new Promise((r) => setTimeout(r, 500));
  const before = teamRuns.shared;
  const both = await onBoth(inputs, f);
  if (os.availableParallelism() > 1) expect(teamRuns.shared).toBeGreaterThan(before);
  return both;
}

function expectClose(a: unknown, b: unknown, tol = 1e-3) {
  const fa = [a].flat(Infinity as 1) as number[];
  const fb = [b].flat(Infinity as 1) as number[];
  expect(fa.length).toBe(fb.length);
  const scale = fa.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  for (let i = 0; i < fa.length; i++) expect(Math.abs(fa[i]! - fb[i]!)).toBeLessThan(tol * scale);
}

const convCase = fc.record({
  b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 4, max: 9 }), w: fc.integer({ min: 4, max: 9 }),
  cin: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 3 }),
  pad: fc.constantFrom('same' as const, 'valid' as const), seed: fc.integer({ min: 0, max: 1000 }),
});

describe('wasm kernels we supply', () => {
  it('lists the kernels tfjs-backend-wasm 4.22 lacks and registers them', () => {
    expect(WASM_SUPPLIED_KERNELS).toEqual(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    for (const k of WASM_SUPPLIED_KERNELS) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  it('Conv2DBackpropFilter equals cpu on random small shapes (few taps: heap.c patches; others: conv_filter_grad)', async () => {
    await fc.assert(fc.asyncProperty(convCase, fc.integer({ min: 1, max: 5 }), async (c, cout) => {
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [c.k, c.k, c.cin, cout], seed: c.seed + 1 }],
        (x, f) => {
          const g = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad).square().sum());
          return g([x!, f!]);
        });
      expectClose(cpu[0], wasm[0]);
      expectClose(cpu[1], wasm[1]);
    }), { numRuns: 25 });
  });

  it('conv2d_transpose (our Conv2DBackpropInput; small products: heap.c col2im) and its gradients equal cpu, even kernels and strides up to 3', async () => {
    const transposeCase = fc.record({
      b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), cin: fc.integer({ min: 1, max: 3 }),
      cout: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 5 }), stride: fc.integer({ min: 1, max: 3 }),
      pad: fc.constantFrom('same' as const, 'valid' as const), seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(fc.asyncProperty(transposeCase, async (c) => {
      // The output size conv2d_transpose layers use: h·s for same, h·s + max(k − s, 0) for valid.
      const out = (n: number) => (c.pad === 'same' ? n * c.stride : n * c.stride + Math.max(c.k - c.stride, 0));
      const shape: [number, number, number, number] = [c.b, out(c.h), out(c.w), c.cout];
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [c.k, c.k, c.cout, c.cin], seed: c.seed + 1 }], (x, f) => {
        const y = (x: tf.Tensor, f: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, shape, c.stride, c.pad);
        return [y(x!, f!), ...tf.grads((x: tf.Tensor, f: tf.Tensor) => y(x, f).square().sum())([x!, f!])];
      });
      cpu.forEach((r, i) => expectClose(r, wasm[i]));
    }), { numRuns: 40 });
  });

  it('a DCGAN\'s stride-2 conv2d_transpose layers (by phases: one convolution, a transpose) and their gradients equal cpu', async () => {
    for (const [k, pad, cin, cout] of [[4, 'same', 16, 8], [5, 'same', 8, 12], [3, 'valid', 12, 6], [2, 'valid', 8, 8]] as const) {
      const out = (n: number) => (pad === 'same' ? n * 2 : n * 2 + Math.max(k - 2, 0));
      const shape: [number, number, number, number] = [3, out(7), out(6), cout];
      const { cpu, wasm } = await onBoth([{ shape: [3, 7, 6, cin], seed: k }, { shape: [k, k, cout, cin], seed: k + 1 }], (x, f) => {
        const y = (x: tf.Tensor, f: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, shape, 2, pad);
        return [y(x!, f!), ...tf.grads((x: tf.Tensor, f: tf.Tensor) => y(x, f).square().sum())([x!, f!])];
      });
      cpu.forEach((r, i) => expectClose(r, wasm[i]));
    }
  });

  it('Tile (block copies where rows are long, else native) equals cpu on random shapes, reps and dtypes', async () => {
    const tileCase = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), seed: fc.integer({ min: 0, max: 1000 }),
      reps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }), dtype: fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
    });
    await fc.assert(fc.asyncProperty(tileCase, async (c) => {
      const reps = c.reps.slice(0, c.shape.length);
      const { cpu, wasm } = await onBoth([{ shape: c.shape, seed: c.seed }], (x) => [tf.tile(c.dtype === 'bool' ? tf.greater(x!, 0) : tf.cast(x!.mul(3), c.dtype), reps)]);
      expect(wasm[0]).toEqual(cpu[0]);
    }), { numRuns: 60, examples: [[{ shape: [1, 1, 1, 32], reps: [4, 3, 2, 1], seed: 1, dtype: 'float32' }]] });
  });

  it('conv gradients past the small-product paths (filter: conv_filter_grad; input: XNNPACK convolutions) equal cpu', async () => {
    const mediumCase = fc.record({
      // Channel counts around the filter gradient's tiles of 4 inputs × 8 outputs and their
      // remainders; strides and same padding clip taps at the borders.
      b: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 6, max: 14 }), w: fc.integer({ min: 6, max: 14 }), cin: fc.integer({ min: 4, max: 20 }),
      cout: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 2, max: 5 }), stride: fc.integer({ min: 1, max: 3 }),
      pad: fc.constantFrom('same' as const, 'valid' as const), seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(fc.asyncProperty(mediumCase, async (c) => {
      const info = tf.backend_util.computeConv2DInfo([c.b, c.h, c.w, c.cin], [c.k, c.k, c.cin, c.cout], c.stride, 1, c.pad);
      fc.pre(c.b * info.outHeight * info.outWidth * c.cout * c.k * c.k * c.cin > 1 << 18);
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [c.k, c.k, c.cin, c.cout], seed: c.seed + 1 }],
        (x, f) => tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad).square().sum())([x!, f!]));
      expectClose(cpu[0], wasm[0]);
      expectClose(cpu[1], wasm[1]);
    }), { numRuns: 16, examples: [[{ b: 4, h: 12, w: 11, cin: 16, cout: 12, k: 3, stride: 1, pad: 'same', seed: 1 }], [{ b: 2, h: 9, w: 13, cin: 7, cout: 19, k: 5, stride: 2, pad: 'same', seed: 2 }]] });
  });

  it('a filter gradient long enough to share (MNIST\'s second layer, 4 images) is shared with our worker threads, and equals cpu', async () => {
    const grad = (x: tf.Tensor, dy: tf.Tensor) => [tf.grad((f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').mul(dy).sum())(tf.zeros([3, 3, 32, 64]))];
    const { cpu, wasm } = await sharedOnBoth([{ shape: [4, 13, 13, 32], seed: 1 }, { shape: [4, 11, 11, 64], seed: 3 }], grad);
    expectClose(cpu[0], wasm[0], 1e-5);
  });

  it('a first layer\'s filter gradient (few taps: patches) long enough to share is shared with our worker threads, and equals cpu', async () => {
    const grad = (x: tf.Tensor, dy: tf.Tensor) => [tf.grad((f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').mul(dy).sum())(tf.zeros([3, 3, 1, 32]))];
    const { cpu, wasm } = await sharedOnBoth([{ shape: [16, 28, 28, 1], seed: 5 }, { shape: [16, 28, 28, 32], seed: 6 }], grad);
    expectClose(cpu[0], wasm[0], 1e-5);
  });

  it('the Winograd input and filter gradients of 3×3 convolutions equal cpu: odd and even sizes, same and valid padding', async () => {
    const winogradCase = fc.record({
      b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 12 }), w: fc.integer({ min: 3, max: 12 }),
      cin: fc.integer({ min: 1, max: 5 }).map((q) => 4 * q), cout: fc.integer({ min: 1, max: 5 }).map((q) => 4 * q),
      pad: fc.constantFrom('same' as const, 'valid' as const), seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(fc.asyncProperty(winogradCase, async (c) => {
      const info = tf.backend_util.computeConv2DInfo([c.b, c.h, c.w, c.cin], [3, 3, c.cin, c.cout], 1, 1, c.pad);
      // Called directly: these shapes are below the size where the kernel picks this path.
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [3, 3, c.cin, c.cout], seed: c.seed + 1 }, { shape: [c.b, info.outHeight, info.outWidth, c.cout], seed: c.seed + 2 }],
        (x, f, dy) => (tf.getBackend() === 'cpu'
          ? tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, c.pad).mul(dy!).sum())([x!, f!])
          : [winogradBackpropInput(tf.backend(), dy!, f!, info), winogradBackpropFilter(tf.backend(), x!, dy!, info)].map((t) => tf.engine().makeTensorFromTensorInfo(t))));
      expectClose(cpu[0], wasm[0], 1e-5);
      expectClose(cpu[1], wasm[1], 1e-5);
    }), { numRuns: 30 });
  });

  it('Conv2DBackpropInput and Conv2DBackpropFilter take the Winograd paths on a layer the size of the MNIST convnet\'s second, and equal cpu', async () => {
    const info = tf.backend_util.computeConv2DInfo([64, 13, 13, 32], [3, 3, 32, 64], 1, 1, 'valid');
    expect(winogradFits(info)).toBe(true);
    // Not where its buffers would pass 256 MB (a 1024 × 1024 image of 64 channels: 2 GB).
    expect(winogradFits(tf.backend_util.computeConv2DInfo([1, 1024, 1024, 64], [3, 3, 64, 64], 1, 1, 'same'))).toBe(false);
    // 8 images: the least that fits, where the cpu backend's filter gradient takes seconds.
    expect(winogradFits(tf.backend_util.computeConv2DInfo([8, 13, 13, 32], [3, 3, 32, 64], 1, 1, 'valid'))).toBe(true);
    const { cpu, wasm } = await onBoth([{ shape: [8, 13, 13, 32], seed: 1 }, { shape: [3, 3, 32, 64], seed: 2 }, { shape: [8, 11, 11, 64], seed: 3 }],
      (x, f, dy) => tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').mul(dy!).sum())([x!, f!]));
    expectClose(cpu[0], wasm[0], 1e-5);
    expectClose(cpu[1], wasm[1], 1e-5);
  });

  it('the Winograd forward convolution equals cpu: odd and even sizes, same and valid padding, bias or none, relu or linear', async () => {
    const forwardCase = fc.record({
      b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 12 }), w: fc.integer({ min: 3, max: 12 }),
      cin: fc.integer({ min: 1, max: 5 }).map((q) => 4 * q), cout: fc.integer({ min: 1, max: 5 }).map((q) => 4 * q),
      pad: fc.constantFrom('same' as const, 'valid' as const), bias: fc.boolean(), relu: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(fc.asyncProperty(forwardCase, async (c) => {
      const info = tf.backend_util.computeConv2DInfo([c.b, c.h, c.w, c.cin], [3, 3, c.cin, c.cout], 1, 1, c.pad);
      // Called directly: these shapes are below the size where FusedConv2D picks this path.
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [3, 3, c.cin, c.cout], seed: c.seed + 1 }, { shape: [c.cout], seed: c.seed + 2 }],
        (x, f, bias) => [tf.getBackend() === 'cpu'
          ? tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: c.pad, ...(c.bias && { bias }), activation: c.relu ? 'relu' : 'linear' })
          : tf.engine().makeTensorFromTensorInfo(winogradForward(tf.backend(), x!, f!, c.bias ? bias : undefined, info, c.relu))]);
      expectClose(cpu[0], wasm[0], 1e-5);
    }), { numRuns: 30 });
  });

  it('conv2d layers\' forward pass (FusedConv2D) takes the Winograd path on the MNIST convnet\'s second layer and equals cpu; small ones stay native', async () => {
    expect(winogradFits(tf.backend_util.computeConv2DInfo([64, 13, 13, 32], [3, 3, 32, 64], 1, 1, 'valid'))).toBe(true);
    expect(winogradFits(tf.backend_util.computeConv2DInfo([4, 13, 13, 32], [3, 3, 32, 64], 1, 1, 'valid'))).toBe(false);
    expect(winogradFits(tf.backend_util.computeConv2DInfo([64, 13, 13, 32], [3, 3, 32, 64], 2, 1, 'valid'))).toBe(false);
    const { cpu, wasm } = await onBoth([{ shape: [16, 13, 13, 32], seed: 1 }, { shape: [3, 3, 32, 64], seed: 2 }, { shape: [64], seed: 3 }],
      (x, f, bias) => [tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'valid', bias, activation: 'relu' })]);
    expect(winogradFits(tf.backend_util.computeConv2DInfo([16, 13, 13, 32], [3, 3, 32, 64], 1, 1, 'valid'))).toBe(true);
    expectClose(cpu[0], wasm[0], 1e-5);
  });

  it('depthwise conv gradients (filter and input) equal cpu on random shapes', async () => {
    await fc.assert(fc.asyncProperty(convCase, fc.integer({ min: 1, max: 3 }), async (c, mult) => {
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.cin], seed: c.seed }, { shape: [c.k, c.k, c.cin, mult], seed: c.seed + 1 }],
        (x, f) => tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad).square().sum())([x!, f!]));
      expectClose(cpu[0], wasm[0]);
      expectClose(cpu[1], wasm[1]);
    }), { numRuns: 25 });
  });

  it('UnsortedSegmentSum (the gradient of gather) equals cpu', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }),
      async (vocab, n, d, seed) => {
        const { cpu, wasm } = await onBoth([{ shape: [vocab, d], seed }, { shape: [n], seed: seed + 1, dtype: 'int32', max: vocab }],
          (table, ids) => [tf.grad((t: tf.Tensor) => tf.gather(t, ids!).square().sum())(table!)]);
        expectClose(cpu[0], wasm[0]);
      }), { numRuns: 25 });
  });

  it('Identity shares the buffer: a clone outlives its original, and the buffer goes with the last of them', async () => {
    await tf.setBackend('wasm');
    const before = tf.backend().numDataIds();
    const a = tf.tensor([1, 2, 3]);
    const b = tf.clone(a);
    expect(tf.backend().numDataIds()).toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
  });

  it('comparisons with broadcasting (our loop) and without (native) equal cpu', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 1000 }),
      async (shape, mask, seed) => {
        // b is a broadcast of a's shape (dims set to 1 by the mask, some leading ones dropped).
        const bShape = shape.map((d, i) => (mask & (1 << i) ? 1 : d)).slice(mask % 2);
        const { cpu, wasm } = await onBoth([{ shape, seed }, { shape: bShape.length ? bShape : [1], seed: seed + 1 }], (a, b) => {
          const q = (t: tf.Tensor) => t.mul(2).round(); // small integers, so some are equal
          const [x, y] = [q(a!), q(b!)];
          return [tf.equal(x, y), tf.notEqual(y, x), tf.greater(x, y), tf.greaterEqual(y, x), tf.less(x, y), tf.lessEqual(x, y), tf.equal(x, x)].map((t) => t.cast('float32'));
        });
        cpu.forEach((r, i) => expectClose(r, wasm[i], 1e-9));
      }), { numRuns: 40 });
  });

  it('leaky ReLU (x · step(x, alpha)) and its gradient give tfjs\' values bit for bit, zeros and both signs included', async () => {
    const { cpu, wasm } = await onBoth([{ shape: [3, 5, 5, 4], seed: 3 }, { shape: [3, 5, 5, 4], seed: 4 }], (a, dy) => {
      const x = a!.round(); // many exact zeros
      return [0.2, 0.01].flatMap((alpha) => {
        const grad = tf.grad((v: tf.Tensor) => tf.leakyRelu(v, alpha).mul(dy!).sum())(x);
        return [tf.leakyRelu(x, alpha).sub(tf.where(tf.greater(x, 0), x, x.mul(alpha))), grad.sub(tf.where(tf.greater(x, 0), dy!, dy!.mul(alpha)))];
      });
    });
    expect(wasm).toHaveLength(4);
    for (const r of [...cpu, ...wasm]) expect((r as number[][][][]).flat(3).every((v) => v === 0)).toBe(true);
  });

  it('Mean (our Sum / count) equals cpu over leading, inner and all axes; its gradient (a broadcast dy / count) gives tfjs\' values', async () => {
    const { cpu, wasm } = await onBoth([{ shape: [4, 3, 5, 6], seed: 5 }, { shape: [6], seed: 6 }], (x, w) => {
      const means = [[0, 1, 2], [0], [1, 3], [0, 1, 2, 3]].map((axes) => tf.mean(x!, axes, axes.length === 2));
      const dx = tf.grad((v: tf.Tensor) => tf.mean(v, [0, 1, 2]).mul(w!).sum())(x!);
      const tfjsDx = tf.div(tf.mul(w!.reshape([1, 1, 1, 6]), tf.ones(x!.shape)), 4 * 3 * 5);
      return [...means, dx.sub(tfjsDx)];
    });
    cpu.slice(0, 4).forEach((r, i) => expectClose(r, wasm[i], 1e-5));
    for (const r of [cpu[4], wasm[4]]) expect((r as number[][][][]).flat(3).every((v) => v === 0)).toBe(true);
  });

  it('Multiply and Add with the smaller operand first (swapped to broadcast the second) equal cpu bit for bit', async () => {
    const { cpu, wasm } = await onBoth([{ shape: [2, 5, 5, 8], seed: 7 }, { shape: [8], seed: 8 }, { shape: [1, 5, 1, 8], seed: 9 }], (x, c, m) =>
      [tf.mul(c!, x!), tf.add(c!, x!), tf.mul(m!, x!), tf.add(x!, m!), tf.mul(tf.scalar(3), x!), tf.mul(c!, c!)]);
    expect(wasm).toEqual(cpu);
  });

  it('MaxPoolGrad (our loop) equals cpu: tiling and overlapping windows, padding and ties included', async () => {
    await fc.assert(fc.asyncProperty(fc.record({
      b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), c: fc.constantFrom(1, 2, 3, 4, 5, 8),
      size: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 3 }), pad: fc.constantFrom('same' as const, 'valid' as const),
      tile: fc.boolean(), ties: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }),
    }).filter((c) => c.pad === 'same' || (c.size <= c.h && c.size <= c.w)), async (c) => {
      const stride = c.tile ? c.size : c.stride;
      const { cpu, wasm } = await onBoth([{ shape: [c.b, c.h, c.w, c.c], seed: c.seed }], (x) => {
        // Rounded inputs make windows with several largest values: the gradient goes to the first.
        const q = c.ties ? x!.mul(1.5).round() : x!;
        return [tf.grad((q: tf.Tensor) => tf.maxPool(q as tf.Tensor4D, c.size, stride, c.pad).square().sum())(q)];
      });
      expectClose(cpu[0], wasm[0], 1e-6);
    }), { numRuns: 80 });
  });

  it('MaxPoolGrad long enough to share gives each thread whole images, and equals cpu', async () => {
    const grad = (x: tf.Tensor) => [tf.grad((q: tf.Tensor) => tf.maxPool(q as tf.Tensor4D, 3, 2, 'same').square().sum())(x.mul(1.5).round())];
    const { cpu, wasm } = await sharedOnBoth([{ shape: [5, 48, 40, 16], seed: 4 }], grad);
    expectClose(cpu[0], wasm[0], 1e-6);
  });

  it('sums over leading axes (our loop) and over other axes (native) equal cpu', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 15 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }),
      async (shape, mask, keepDims, seed) => {
        const axes = shape.map((_, i) => i).filter((i) => mask & (1 << i));
        const { cpu, wasm } = await onBoth([{ shape, seed }], (x) => [x!.sum(axes, keepDims), x!.sum(0), x!.sum(undefined, keepDims)]);
        // Up to 1,296 float32 values summed in another order than cpu's: a whole [6, 6, 6, 6]
        // sum once differed by 2.4e-5 of its size, past 1e-5.
        cpu.forEach((r, i) => expectClose(r, wasm[i], 1e-4));
      }), { numRuns: 40 });
  });

  it('transposed and small matmuls (wrapped to transpose explicitly; heap.c) equal cpu, batched and fused with each activation, on random shapes', async () => {
    await fc.assert(fc.asyncProperty(fc.record({
      batch: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }),
      ta: fc.boolean(), tb: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }),
      activation: fc.constantFrom('linear' as const, 'relu' as const, 'relu6' as const, 'elu' as const, 'sigmoid' as const, 'leakyrelu' as const),
    }), async (c) => {
      const aShape = [c.batch, ...(c.ta ? [c.k, c.m] : [c.m, c.k])], bShape = [c.batch, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
      const { cpu, wasm } = await onBoth([{ shape: aShape, seed: c.seed }, { shape: bShape, seed: c.seed + 1 }, { shape: [c.n], seed: c.seed + 2 }], (a, b, bias) => [
        tf.matMul(a!, b!, c.ta, c.tb),
        // Fused as a dense layer uses it: one matrix (tfjs-backend-wasm's own batched fused
        // matmul adds the bias wrongly for batch > 1, with or without transposes).
        tf.fused.matMul({ a: a!.slice(0, 1) as tf.Tensor3D, b: b!.slice(0, 1) as tf.Tensor3D, transposeA: c.ta, transposeB: c.tb, bias, activation: c.activation }),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.ta, c.tb).square().sum())([a!, b!]),
      ]);
      cpu.forEach((r, i) => expectClose(r, wasm[i]));
    }), { numRuns: 40 });
  });
});
