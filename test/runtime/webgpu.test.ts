// The webgpu backend against cpu, on the seed's models: the same initial weights and batches
// give the same losses and weights after a few training steps, within float32 tolerance
// (GPU reductions add in another order); likewise a dream, the program `nnc compile` emits,
// and one tiny model per family of our fused kernels, which webgpu must run as stock tfjs ops
// and on webgpu alone. The group skips, with one line, where no WebGPU adapter exists
// (bin/install-lavapipe.sh provides a software one).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoScratch } from '../helpers.js';
import { check } from '../../compiler/check/checker.js';
import { Dim } from '../../compiler/shapes/dim.js';
import { nodeHost } from '../../driver/host.js';
import { selectBackend } from '../../runtime/backend.js';
import { buildModel } from '../../runtime/interpret/build.js';
import { floatsOf } from '../../runtime/readback.js';
import { optimizeStep, trainableVariables } from '../../runtime/tasks/generative.js';
import { DenseColumn } from '../../runtime/data/column.js';
import { FeatureExtractor } from '../../runtime/features/extract.js';
import { silentReporter } from '../../runtime/progress.js';
import type { Session } from '../../runtime/session.js';
import { dream, type DreamFields } from '../../runtime/tasks/dream.js';
import { train, trainStep } from '../../runtime/tasks/train.js';
import { makeOptimizer, type OptimizerSpec } from '../../runtime/tasks/vocab.js';

const scratch = repoScratch();
afterAll(scratch.removeAll);

/** Why webgpu cannot run here, or undefined when it can. */
async function webgpuMissing(): Promise<string | undefined> {
  try {
    await selectBackend('webgpu');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await selectBackend('cpu');
  }
}
const missing = await webgpuMissing();
if (missing) console.log(`webgpu tests skipped: ${missing}`);

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

function seedModel(file: string, name: string, dims: Record<string, number> = {}): () => tf.LayersModel {
  const r = check(file, nodeHost, readFileSync(file, 'utf8'));
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const ir = r.program.models.get(name)!;
  return () => buildModel(ir, new Map(Object.entries(dims).map(([k, v]) => [k, Dim.const(v)])));
}

interface Run { losses: number[]; weights: Float32Array[] }

/** The model built on the current backend, holding the given weights. */
function withWeights(make: () => tf.LayersModel, weights: Float32Array[]): tf.LayersModel {
  const model = make();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
  return model;
}

/** The losses and the model's weights after training; disposes the model. */
async function ended(model: tf.LayersModel, losses: number[]): Promise<Run> {
  const weights = await Promise.all(model.getWeights().map((w) => floatsOf(w.clone())));
  model.dispose();
  return { losses, weights };
}

/** Builds the model on the current backend with the given weights and trains `steps` steps. */
const RMSPROP: OptimizerSpec = { name: 'rmsprop', params: { lr: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7 } };

async function trainOn(make: () => tf.LayersModel, weights: Float32Array[], batch: (i: number) => [tf.Tensor, tf.Tensor], loss: 'mse' | 'categorical_crossentropy', steps: number, optimizer = RMSPROP): Promise<Run> {
  const model = withWeights(make, weights);
  model.compile({ optimizer: makeOptimizer(optimizer), loss: loss === 'mse' ? 'meanSquaredError' : 'categoricalCrossentropy' });
  const step = trainStep(model, loss);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [x, y] = batch(i);
    losses.push((await step(x, y))[0]!);
    tf.dispose([x, y]);
  }
  return ended(model, losses);
}

/** `run` on cpu (which also draws the initial weights), then on webgpu from the same weights. */
async function onBoth(make: () => tf.LayersModel, run: (weights: Float32Array[]) => Promise<Run>): Promise<[Run, Run]> {
  await selectBackend('cpu');
  const init = make();
  const weights = init.getWeights().map((w) => w.dataSync() as Float32Array);
  init.dispose();
  const cpu = await run(weights);
  await selectBackend('webgpu');
  try {
    return [cpu, await run(weights)];
  } finally {
    await selectBackend('cpu');
  }
}

/** The same training steps on cpu and on webgpu. */
const bothBackends = (make: () => tf.LayersModel, batch: (i: number) => [tf.Tensor, tf.Tensor], loss: 'mse' | 'categorical_crossentropy', steps = 3) =>
  onBoth(make, (weights) => trainOn(make, weights, batch, loss, steps));

function expectClose(a: Run, b: Run, tolerance: number) {
  a.losses.forEach((l, i) => expect(Math.abs(l - b.losses[i]!), `loss of step ${i + 1}: ${l} vs ${b.losses[i]}`).toBeLessThan(tolerance * Math.max(1, Math.abs(l))));
  a.weights.forEach((w, i) => {
    let worst = 0;
    w.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - b.weights[i]![j]!)); });
    expect(worst, `weight ${i}`).toBeLessThan(tolerance);
  });
}

const TOLERANCE = 1e-3;

describe.skipIf(missing !== undefined)('webgpu equals cpu', () => {
  const forecast = (lookback: number) => (i: number): [tf.Tensor, tf.Tensor] =>
    [tf.tensor3d(values(8 * lookback, 11 + i), [8, lookback, 1]), tf.tensor2d(values(8, 101 + i), [8, 1])];

  it.each([
    ['examples/seed/simple_rnn.nn', 'RnnForecaster'],
    ['examples/seed/lstm.nn', 'LstmForecaster'],
    ['examples/seed/conv1d.nn', 'ConvForecaster'],
  ])('%s (%s): three training steps', async (file, name) => {
    const [cpu, gpu] = await bothBackends(seedModel(file, name), forecast(10), 'mse');
    expectClose(cpu, gpu, TOLERANCE);
  });

  // 60 recurrent steps of 128 units, each a few shader dispatches: some 100 s on lavapipe, too
  // long for CI's budget; `npm run test:webgpu` runs it.
  it.runIf(process.env['NNC_WEBGPU_SLOW'] === '1')('the char LSTM: a step of categorical cross-entropy over a 20-character vocabulary, 2 windows a batch', async () => {
    const oneHot = (n: number, seed: number) => tf.oneHot(tf.tensor1d(Array.from(values(n, seed), (v) => Math.floor((v + 1) * 10)), 'int32'), 20, 1, 0, 'float32');
    const batch = (i: number): [tf.Tensor, tf.Tensor] => [oneHot(2 * 60, 7 + i).reshape([2, 60, 20]), oneHot(2, 70 + i)];
    const [cpu, gpu] = await bothBackends(seedModel('examples/seed/char_lstm.nn', 'CharLstm', { vocab: 20 }), batch, 'categorical_crossentropy', 1);
    expectClose(cpu, gpu, TOLERANCE);
  }, 240_000);

  // The seed's DCGAN generator (256-channel 5×5 convolutions at 28×28: some 10 GFLOP a step)
  // takes minutes on a software adapter; its layers are covered by the others here.
  it.each([
    ['examples/seed/vae.nn', 'Encoder', [4, 28, 28, 1]],
    ['examples/seed/vae.nn', 'Decoder', [4, 2]],
    ['examples/seed/gan.nn', 'Discriminator', [1, 28, 28, 1]],
  ] as const)('%s %s: one custom-loop step (the generative tasks\' optimizeStep)', async (file, name, inShape) => {
    const make = seedModel(file, name);
    const run = async (weights: Float32Array[]): Promise<Run> => {
      const model = withWeights(make, weights);
      const x = tf.tensor(values((inShape as readonly number[]).reduce((a, b) => a * b, 1), 5), [...inShape]);
      const optimizer = makeOptimizer({ name: 'adam', params: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });
      // Not in training mode: the discriminator's dropout would draw other masks on each backend.
      const losses = await optimizeStep(optimizer, trainableVariables(model), () =>
        tf.addN([model.apply(x, { training: false })].flat().map((o) => tf.mean(tf.square(o as tf.Tensor)))) as tf.Scalar);
      x.dispose();
      return ended(model, losses);
    };
    const [cpu, gpu] = await onBoth(make, run);
    expectClose(cpu, gpu, TOLERANCE);
  });

  // A feature network of the shape dream meets (conv, batch norm folded, relu, max pooling, two
  // branches concatenated), a 12×16 picture, two octaves of three steps: the image gradient
  // through every rule of FeatureExtractor, the pyramid's bilinear resizes and the normalised
  // ascent, all on the backend.
  it('a dream: two octaves of three gradient-ascent steps give the same picture and losses', async () => {
    const convnet = () => {
      const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
      const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'conv1' }).apply(input);
      const b1 = tf.layers.batchNormalization({ scale: false, name: 'bn1' }).apply(c1);
      const r1 = tf.layers.activation({ activation: 'relu', name: 'block1' }).apply(b1);
      const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(r1);
      const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'branch_a' }).apply(p1);
      const b = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'branch_b' }).apply(p1);
      const mixed = tf.layers.concatenate({ name: 'block2' }).apply([a, b] as tf.SymbolicTensor[]);
      return tf.model({ inputs: input, outputs: mixed as tf.SymbolicTensor });
    };
    const fields: DreamFields = {
      network: { kind: 'file', path: 'unused', weights: null, pixels: 'unit' },
      layers: { block1: 0.5, block2: 1.0 }, octaves: 2, octaveScale: 1.4, iterations: 3, step: 0.01,
      maxLoss: 0, normalizeGradient: true, detail: true, save: 'unused',
    };
    const session: Session = { flags: { resume: false, seed: 1 }, reporter: silentReporter, interrupt: { requested: false }, report: () => 0, loading: async (load) => load(), close: () => {} };
    const picture = Float32Array.from(values(12 * 16 * 3, 9), (v) => (v + 1) / 2);
    const run = async (weights: Float32Array[]): Promise<Run> => {
      const model = withWeights(convnet, weights);
      const original = tf.tensor4d(picture, [1, 12, 16, 3]);
      const { image, octaves } = await dream(original, new FeatureExtractor(model, Object.keys(fields.layers), 'unit'), fields, session);
      expect(octaves.map((o) => o.size)).toEqual([[9, 11], [12, 16]]);
      original.dispose();
      model.dispose();
      return { losses: octaves.flatMap((o) => [o.lossStart, o.lossEnd]), weights: [await floatsOf(image)] };
    };
    const [cpu, gpu] = await onBoth(convnet, run);
    // The ascent raised the activation: the test compares a dream, not a still picture.
    expect(cpu.losses[3]!).toBeGreaterThan(cpu.losses[0]!);
    expectClose(cpu, gpu, TOLERANCE);
  });

  it('a checkpoint trained on webgpu resumes on wasm, and the loss goes on falling', async () => {
    const n = 128, x = values(n * 10, 3), y = Float32Array.from({ length: n }, (_, i) => x[i * 10 + 9]! * 0.5);
    const make = seedModel('examples/seed/simple_rnn.nn', 'RnnForecaster');
    const o = {
      name: 'Rnn', build: make, data: { x: new DenseColumn(x, [10, 1]), y: new DenseColumn(y, [1]), info: {} }, validationSplit: 0, loss: 'mse' as const,
      optimizer: () => makeOptimizer({ name: 'rmsprop', params: { lr: 1e-2, rho: 0.9, momentum: 0, epsilon: 1e-7 } }), metrics: [], restoreBest: false, batchSize: 32,
      shuffle: false, seed: 1, outDir: mkdtempSync(join(tmpdir(), 'nnc-webgpu-')), reporter: silentReporter,
    };
    await selectBackend('webgpu');
    const first = await train({ ...o, epochs: 2, resume: false });
    first.model.dispose();
    await selectBackend('wasm');
    try {
      const resumed = await train({ ...o, epochs: 4, resume: true });
      resumed.model.dispose();
      expect(resumed.status).toBe('done');
      expect(resumed.history.map((h) => h['epoch'])).toEqual([1, 2, 3, 4]);
      expect(resumed.history[3]!['loss']!).toBeLessThan(first.history[0]!['loss']!);
    } finally {
      await selectBackend('cpu');
    }
  }, 120_000);
});

/** `node ARGS` in `cwd`: exit code and output. */
function node(args: string[], cwd = '.') {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The float32 weights a train task saved in `dir`. */
function savedWeights(dir: string): Float32Array {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const bytes = readFileSync(join(dir, json.weightsManifest[0]!.paths[0]!));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

describe.skipIf(missing !== undefined)('the emitted program on webgpu', () => {
  // A recurrent layer, a dense one and RMSProp (the fused families wasm and cpu run as kernels
  // of ours, stock tfjs ops here), two epochs of three batches: the program `nnc compile`
  // writes, run as its user runs it, on cpu and on webgpu with the same seed.
  it('trains a couple of epochs with --backend webgpu, to the weights it reaches on cpu', () => {
    const dir = scratch.make('webgpu-compile-');
    writeFileSync(join(dir, 'm.nn'), `
model Net {
  input x: [batch, 6, 1]
  simple_rnn(4)
  dense(1)
}
data waves = windows(csv("series.csv", columns: ["value"]), lookback: 6, horizon: 1)
train Net on waves {
  loss: mse
  optimizer: rmsprop(lr: 0.01)
  epochs: 2
  batch_size: 16
  shuffle: false
  save: "ckpt"
}
`);
    expect(node(['bin/nnc.js', 'compile', join(dir, 'm.nn'), '-o', join(dir, 'e')]).code).toBe(0);
    writeFileSync(join(dir, 'e', 'series.csv'), `value\n${Array.from({ length: 54 }, (_, i) => Math.sin(i / 5).toFixed(4)).join('\n')}\n`);
    const tsx = resolve('node_modules/tsx/dist/cli.mjs');
    const run = (backend: string) => node([tsx, 'main.ts', '--backend', backend, '--seed', '4', '--out', join(dir, backend)], join(dir, 'e'));
    const cpu = run('cpu');
    expect(cpu.stderr).toBe('');
    const gpu = run('webgpu');
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(gpu.stdout).toMatch(/^backend: webgpu \(.+, Vulkan(, software)?\)$/m);
    expect(gpu.stdout).toMatch(/epoch 2\/2/);
    const [a, b] = [savedWeights(join(dir, 'cpu')), savedWeights(join(dir, 'webgpu'))];
    expect(b.length).toBe(a.length);
    let worst = 0;
    a.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - b[i]!)); });
    expect(worst).toBeLessThan(TOLERANCE);
  }, 60_000);
});

/** A model of a .nn source written here. */
function inlineModel(source: string, name: string): () => tf.LayersModel {
  const r = check('inline.nn', nodeHost, source);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const ir = r.program.models.get(name)!;
  return () => buildModel(ir);
}

/** The kernels the engine runs while `f` runs (by name; a custom gradient's forward pass as
 *  'customGrad'), each with the backend it ran on, and how many tensors the cpu backend
 *  came to hold meanwhile. Kernels of ours call some backend kernels directly (not listed). */
async function kernelsOf<T>(f: () => Promise<T>): Promise<{ result: T; kernels: Set<string>; backends: Set<string>; cpuTensors: number }> {
  // runKernelFunc is private in tfjs-core's types: every kernel, and every custom gradient's
  // forward pass, goes through it.
  type KernelParams = { kernelName?: string };
  const engine = tf.engine() as unknown as { backendName: string; runKernelFunc(params: KernelParams): unknown };
  const kernels = new Set<string>(), backends = new Set<string>();
  const original = engine.runKernelFunc;
  engine.runKernelFunc = function (this: typeof engine, params: KernelParams) {
    kernels.add(params.kernelName ?? 'customGrad');
    backends.add(this.backendName);
    return original.call(this, params);
  };
  const cpu = tf.findBackend('cpu')!;
  const before = cpu.numDataIds();
  try {
    const result = await f();
    return { result, kernels, backends, cpuTensors: cpu.numDataIds() - before };
  } finally {
    engine.runKernelFunc = original;
  }
}

describe.skipIf(missing !== undefined)('fused layers, losses and optimizers fall back to stock tfjs ops on webgpu', () => {
  // Each family's kernels of ours run on cpu (`fused`); on webgpu the same model trains
  // through tfjs's own ops, every kernel on webgpu, no tensor on the cpu backend, to the same
  // losses and weights. Tiny sizes: two steps each. (The fused losses are custom gradients,
  // which stock tfjs records too, so they are told apart by their values alone; the
  // cross-entropy one reads the batch synchronously, which webgpu cannot.)
  const families = [
    {
      family: 'recurrent layers (lstm, gru, simple_rnn, bidirectional), dense, mse, RMSProp',
      source: `model M {
  input x: [batch, 5, 2]
  lstm(3, return_sequences: true)
  gru(3, return_sequences: true)
  bidirectional(simple_rnn(2))
  dense(1)
}`,
      x: [4, 5, 2], y: [4, 1], loss: 'mse', optimizer: RMSPROP,
      fused: ['NncRecurrentSequenceFromZero', 'NncRecurrentSequenceGrad', 'NncLastStep', 'NncDense', 'NncOptimizerUpdate'],
    },
    {
      family: 'conv2d (relu, strided linear), dense softmax, categorical cross-entropy, Adam',
      source: `model M {
  input x: [batch, 6, 6, 2]
  conv2d(3, 3, padding: same, activation: relu)
  conv2d(3, 2, strides: 2)
  flatten
  dense(3, activation: softmax)
}`,
      x: [4, 6, 6, 2], y: [4, 3], loss: 'categorical_crossentropy', optimizer: { name: 'adam', params: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      fused: ['NncFusedConv2D', 'NncDense', 'NncOptimizerUpdate'],
    },
    {
      family: 'conv1d (relu; causal dilated, the runtime\'s taps), dense relu, mse, RMSProp with momentum',
      source: `model M {
  input x: [batch, 8, 2]
  conv1d(3, 3, activation: relu)
  conv1d(3, 2, padding: causal, dilation_rate: 2)
  flatten
  dense(4, activation: relu)
  dense(1)
}`,
      x: [4, 8, 2], y: [4, 1], loss: 'mse', optimizer: { name: 'rmsprop', params: { lr: 1e-3, rho: 0.9, momentum: 0.9, epsilon: 1e-7 } },
      fused: ['NncFusedConv2D', 'NncDense', 'NncOptimizerUpdate'],
    },
  ] as const;

  it.each(families)('$family', async ({ source, x, y, loss, optimizer, fused }) => {
    const make = inlineModel(source, 'M');
    const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
    const batch = (i: number): [tf.Tensor, tf.Tensor] => {
      const target = loss === 'mse' ? tf.tensor(values(size(y), 31 + i), [...y]) : tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), y[1]!).toFloat();
      return [tf.tensor(values(size(x), 17 + i), [...x]), target];
    };
    const seen: Awaited<ReturnType<typeof kernelsOf>>[] = [];
    const [cpu, gpu] = await onBoth(make, async (weights) => {
      const watched = await kernelsOf(() => trainOn(make, weights, batch, loss, 2, optimizer));
      seen.push(watched);
      return watched.result;
    });
    const [onCpu, onGpu] = seen as [typeof seen[0], typeof seen[0]];
    for (const k of fused) expect(onCpu.kernels, `${k} on cpu`).toContain(k);
    expect([...onGpu.backends]).toEqual(['webgpu']);
    expect([...onGpu.kernels].filter((k) => k.startsWith('Nnc'))).toEqual([]);
    expect(onGpu.cpuTensors, 'tensors the cpu backend came to hold during the webgpu steps').toBe(0);
    expectClose(cpu, gpu, TOLERANCE);
  });
});
