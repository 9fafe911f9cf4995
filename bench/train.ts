// Training speed, measured side by side in one run:
//  1. nnc (IR → model with its fused recurrent layers, nnc's train loop) vs the same model
//     hand-written with stock tfjs-layers and model.fit, on the same backend;
//  2. wasm (with nnc's kernels) vs the pure-JS cpu backend on the seed models and an MNIST
//     convnet (goal: ≥ 10x on conv training);
//  3. PyTorch at the same batch size, where python3 has torch (skipped cleanly otherwise).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { check } from '../compiler/check/checker.js';
import { nodeHost } from '../driver/host.js';
import { selectBackend } from '../runtime/backend.js';
import { DenseColumn } from '../runtime/data/column.js';
import { buildModel } from '../runtime/interpret/build.js';
import { silentReporter } from '../runtime/progress.js';
import { train } from '../runtime/tasks/train.js';
import { makeOptimizer } from '../runtime/tasks/vocab.js';

/** `heavy`: slow enough that a few batches give its rate (and one on the cpu backend). */
export interface Case { name: string; source: string; input: number[]; output: number; batch: number; loss: 'mse' | 'categorical_crossentropy'; torch: string; heavy?: boolean; hand?: () => tf.LayersModel }

export const CASES: Case[] = [
  { name: 'SimpleRNN(32) [10,1] → Dense(1)', source: 'simple_rnn(32)\n  dense(1)', input: [10, 1], output: 1, batch: 32, loss: 'mse', torch: 'rnn',
    hand: () => tf.sequential({ layers: [tf.layers.simpleRNN({ units: 32, inputShape: [10, 1] }), tf.layers.dense({ units: 1 })] }) },
  { name: 'LSTM(32) [10,1] → Dense(1)', source: 'lstm(32)\n  dense(1)', input: [10, 1], output: 1, batch: 32, loss: 'mse', torch: 'lstm',
    hand: () => tf.sequential({ layers: [tf.layers.lstm({ units: 32, inputShape: [10, 1], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] }) },
  { name: 'GRU(32) [10,1] → Dense(1)', source: 'gru(32)\n  dense(1)', input: [10, 1], output: 1, batch: 32, loss: 'mse', torch: 'gru',
    hand: () => tf.sequential({ layers: [tf.layers.gru({ units: 32, inputShape: [10, 1], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 1 })] }) },
  { name: 'Conv1D stack [10,1] → Dense(1)', source: 'conv1d(32, 3, activation: relu)\n  max_pooling1d(2)\n  conv1d(32, 3, activation: relu)\n  global_max_pooling1d\n  dense(1)', input: [10, 1], output: 1, batch: 32, loss: 'mse', torch: 'conv1d' },
  { name: 'char LSTM(128) [60,57] → Dense(57, softmax)', source: 'lstm(128)\n  dense(57, activation: softmax)', input: [60, 57], output: 57, batch: 128, loss: 'categorical_crossentropy', torch: 'charlstm', heavy: true,
    hand: () => tf.sequential({ layers: [tf.layers.lstm({ units: 128, inputShape: [60, 57], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 57, activation: 'softmax' })] }) },
  {
    name: 'MNIST conv (32, pool, 64, pool, dense)', input: [28, 28, 1], output: 10, batch: 64, loss: 'categorical_crossentropy', torch: 'mnist', heavy: true,
    source: 'conv2d(32, 3, activation: relu)\n  max_pooling2d(2)\n  conv2d(64, 3, activation: relu)\n  max_pooling2d(2)\n  flatten\n  dense(10, activation: softmax)',
  },
];

function ir(c: Case) {
  const text = `model M {\n  input x: [batch, ${c.input.join(', ')}]\n  ${c.source}\n}\n`;
  const r = check('bench.nn', nodeHost, text);
  if (r.diagnostics.length) throw new Error(r.diagnostics[0]!.message);
  return r.program.models.get('M')!;
}

function randomData(c: Case, n: number) {
  const x = new Float32Array(n * c.input.reduce((a, b) => a * b, 1)).map(() => Math.random());
  const y = new Float32Array(n * c.output).map(() => Math.random());
  return { x: new DenseColumn(x, c.input), y: new DenseColumn(y, [c.output]), info: {} };
}

/** Samples/s of nnc's train procedure on the model built from IR, with the optimizer `nnc run`
 *  makes (its fused RMSProp). */
export async function nncRate(c: Case, n: number, epochs: number): Promise<number> {
  const r = await train({
    name: c.name, build: () => buildModel(ir(c)), data: randomData(c, n), validationSplit: 0, loss: c.loss,
    optimizer: () => makeOptimizer({ name: 'rmsprop', params: { lr: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7 } }), metrics: [], epochs, batchSize: c.batch, shuffle: true, restoreBest: false, seed: 1,
    outDir: mkdtempSync(join(tmpdir(), 'nnc-bench-')), resume: false, reporter: silentReporter,
  });
  r.model.dispose();
  return r.samplesPerSecond;
}

/** Samples/s of the same model written by hand with tfjs-layers and model.fit. */
async function handRate(c: Case, n: number, epochs: number): Promise<number> {
  const model = c.hand!();
  model.compile({ optimizer: tf.train.rmsprop(1e-3), loss: c.loss === 'mse' ? 'meanSquaredError' : 'categoricalCrossentropy' });
  const d = randomData(c, n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const x = d.x.gather(all), y = d.y.gather(all);
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: c.batch, shuffle: true, verbose: 0 });
  const rate = (n * epochs) / ((performance.now() - t0) / 1000);
  tf.dispose([x, y]);
  model.dispose();
  return rate;
}

/** The first Python that has torch: $PYTHON, python3 on the PATH, then Debian's own (a
 *  pyenv python3 on the PATH does not see Debian's python3-torch). `threads`: torch's
 *  default when absent. */
function torchRates(threads?: number): Map<string, number> | undefined {
  for (const python of [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(python, [join(import.meta.dirname, 'torch_models.py'), ...(threads ? [String(threads)] : [])], { encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0) return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, number>));
  }
  return undefined;
}

const fmt = (x: number) => x.toFixed(0).padStart(7);

export async function benchTrain(): Promise<void> {
  console.log('\n## training samples/s (higher is better)');
  await selectBackend('wasm');
  console.log('\n### nnc (IR → model, fused recurrent layers, its train loop) vs the same model hand-written with stock tfjs-layers and model.fit, wasm backend');
  console.log('| model | nnc | stock tfjs | speed-up |\n|---|---|---|---|');
  for (const c of CASES.filter((x) => x.hand)) {
    const n = c.heavy ? c.batch * 6 : 2048;
    // Warm up as long as a measured run: V8 needs some 200 steps of a small model to reach
    // its steady speed (the first 64 steps ran at a third of it).
    await nncRate(c, c.heavy ? c.batch : n, 1);
    await handRate(c, c.heavy ? c.batch : n, 1);
    const a = [await nncRate(c, n, 2), await nncRate(c, n, 2)];
    const b = [await handRate(c, n, 2), await handRate(c, n, 2)];
    const nnc = Math.max(...a), hand = Math.max(...b);
    console.log(`| ${c.name} | ${fmt(nnc)} | ${fmt(hand)} | ${(nnc / hand).toFixed(2)}x |`);
  }

  console.log('\n### wasm (with nnc kernels) vs cpu backend (goal: ≥ 10x on conv training) vs PyTorch (its default threads, and one per core)');
  const torch = torchRates();
  const cores = availableParallelism();
  const torchAll = torch && cores > 1 ? torchRates(cores) : undefined;
  const extra = torchAll ? ` PyTorch ×${cores} threads | wasm/that |` : '';
  console.log(`| model, batch | wasm | cpu | wasm/cpu |${torch ? ' PyTorch | wasm/PyTorch |' : ''}${extra}\n|---|---|---|---|${torch ? '---|---|' : ''}${torchAll ? '---|---|' : ''}`);
  for (const c of CASES) {
    // 256 steps a run for the small models: runs of 64 steps (some 30 ms) moved by up to 1.6x
    // from one run of the bench to the next.
    const n = c.heavy ? c.batch * 8 : 8192;
    await selectBackend('wasm');
    await nncRate(c, c.heavy ? c.batch * 2 : n, 1);
    await nncRate(c, c.heavy ? c.batch * 2 : n, 1);
    // Best of two: one run moves by up to 2x on this shared machine.
    const wasm = Math.max(await nncRate(c, n, 1), await nncRate(c, n, 1));
    await selectBackend('cpu');
    // The cpu backend is slow; a few batches give its rate.
    const cpu = await nncRate(c, c.batch * (c.heavy ? 1 : 16), 1);
    const t = torch?.get(c.torch), t2 = torchAll?.get(c.torch);
    console.log(`| ${c.name}, ${c.batch} | ${fmt(wasm)} | ${fmt(cpu)} | ${(wasm / cpu).toFixed(1)}x |${t ? ` ${fmt(t)} | ${(wasm / t).toFixed(2)}x |` : ''}${t2 ? ` ${fmt(t2)} | ${(wasm / t2).toFixed(2)}x |` : ''}`);
  }
  if (!torch) console.log('(PyTorch: python3 has no torch here; install Debian\'s python3-torch to add the column)');
}
