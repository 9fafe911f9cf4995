// The emitted PyTorch modules against nnc's tfjs models: for the seed examples and a set of
// layer configurations, the module with the tfjs weights copied in (nnc_weights.load_tfjs)
// gives the tfjs outputs, and its weights written back (save_tfjs) load in tfjs and give
// them again. Skips when /usr/bin/python3 has no torch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { modelClasses } from '../../compiler/emit/pytorch/emit.js';
import { nodeHost } from '../../driver/host.js';
import { selectBackend } from '../../runtime/backend.js';
import { readModelArtifacts } from '../../runtime/io/checkpoint.js';
import { checkText } from '../helpers.js';
import { emitInto, HAS_TORCH, NO_TORCH, python, random, tfjsReference } from './harness.js';

const SEED = join(import.meta.dirname, '..', '..', 'examples', 'seed');

/** Layer configurations beyond the seeds: every mapped layer at least once, the Keras
 *  conventions that differ from torch's (even kernels and strides under same, causal,
 *  GRU's reset gate, bidirectional's reversed half, channels-last flattening). */
const LAYER_CASES = `
model Dense {
  input x: [batch, 8]
  dense(16, activation: relu)
  dropout(0.3)
  batch_norm(momentum: 0.9, epsilon: 0.01)
  dense(5, activation: softmax)
}
model Grus {
  input x: [batch, 7, 3]
  gru(6, return_sequences: true)
  gru(5, go_backwards: true, recurrent_activation: hard_sigmoid)
}
model Wrapped {
  input x: [batch, 6, 3]
  bidirectional(lstm(4, return_sequences: true))
  bidirectional(gru(3, return_sequences: true), merge: sum)
  time_distributed(dense(2, activation: tanh))
  bidirectional(simple_rnn(3, activation: relu), merge: ave)
}
model Conv1 {
  input x: [batch, 17, 3]
  conv1d(4, 4, strides: 2, padding: same, activation: elu)
  conv1d(5, 3, padding: causal, dilation_rate: 2)
  average_pooling1d(3, strides: 2, padding: same)
  max_pooling1d(2, padding: same)
  conv1d(3, 2)
  global_average_pooling1d
}
model Conv2 {
  input x: [batch, 9, 10, 2]
  conv2d(4, 4, strides: 2, padding: same, activation: relu)
  zero_padding2d(1)
  max_pooling2d(3, strides: 2, padding: same)
  separable_conv2d(5, 3, padding: same, depth_multiplier: 2)
  conv2d_transpose(3, 4, strides: 2, padding: same)
  conv2d_transpose(2, 1, strides: 2, padding: same)
  conv2d_transpose(2, 3, strides: 2)
  upsampling2d(2)
  average_pooling2d(2)
  layer_norm
  flatten
  dense(3)
}
model Graph {
  input a: [batch, 5]
  input ids: int32[batch, 4]
  e = ids -> embedding(6, 3) -> simple_rnn(5)
  h = a -> dense(5, activation: gelu)
  s = concat(e, h) -> dense(5, activation: selu)
  t = (s + h) * e
  m = average(t, e) - subtract(s, h)
  m -> repeat_vector(4) -> permute(2, 1) -> reshape(-1, 2) -> flatten -> leaky_relu(0.1)
    -> activation(hard_sigmoid) -> dense(3, activation: softplus) -> dense(3, activation: softsign)
    -> dense(3, activation: swish) -> dense(2, activation: sigmoid) -> relu -> tanh -> softmax
}
model Transposed {
  input x: [batch, 5, 4, 2]
  conv2d_transpose(2, 5, strides: 2, padding: same, activation: relu)
  conv2d_transpose(2, 3, strides: [3, 2], padding: same)
  time_distributed(flatten)
}
model RnnVariants {
  input x: [batch, 6, 3]
  lstm(4, return_sequences: true, activation: relu, recurrent_activation: hard_sigmoid, dropout: 0.2, recurrent_dropout: 0.3)
  simple_rnn(3, return_sequences: true, activation: sigmoid, go_backwards: true)
  gru(3, dropout: 0.1, recurrent_dropout: 0.2)
}
model Global2 {
  input x: [batch, 6, 6, 3]
  a = x -> global_max_pooling2d
  b = x -> global_average_pooling2d
  concat(a, b) -> dense(2, use_bias: false)
}
`;

/** Random convolution and pooling stacks (seeded): the padding arithmetic of Keras and torch
 *  differs most there. A stack the checker rejects (too short for its windows) is skipped. */
function randomStacks(count: number, seed: number): string {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  const out: string[] = [];
  for (let i = 0; out.length < count && i < count * 10; i++) {
    const two = rand() < 0.5;
    const lines = [two ? `input x: [batch, ${int(6, 12)}, ${int(5, 12)}, ${int(1, 3)}]` : `input x: [batch, ${int(8, 24)}, ${int(1, 4)}]`];
    for (let k = int(1, 3); k > 0; k--) {
      const kernel = int(1, 5), strides = int(1, 3);
      const padding = pick(two ? ['valid', 'same'] : ['valid', 'same', 'causal']);
      const dilation = strides === 1 && !two ? int(1, 2) : 1;
      lines.push(`${two ? 'conv2d' : 'conv1d'}(${int(1, 4)}, ${kernel}, strides: ${strides}, padding: ${padding}, dilation_rate: ${dilation}, activation: ${pick(['relu', 'tanh', 'linear'])})`);
      if (rand() < 0.6) lines.push(`${pick(['max', 'average'])}_pooling${two ? '2d' : '1d'}(${int(1, 3)}, strides: ${int(1, 3)}, padding: ${pick(['valid', 'same'])})`);
      if (two && rand() < 0.3) lines.push(`conv2d_transpose(${int(1, 3)}, ${int(1, 4)}, strides: ${int(1, 3)}, padding: ${pick(['valid', 'same'])})`);
    }
    lines.push('flatten', 'dense(2)');
    const text = `model Random${out.length} {\n  ${lines.join('\n  ')}\n}\n`;
    if (checkText(text).diagnostics.length === 0) out.push(text);
  }
  return out.join('');
}

const RANDOM_CASES = randomStacks(10, 7);

interface Case { name: string; file: string; model: string; dims?: Record<string, number> }

const SEED_CASES: Case[] = [
  { name: 'seed simple_rnn', file: join(SEED, 'simple_rnn.nn'), model: 'RnnForecaster' },
  { name: 'seed lstm', file: join(SEED, 'lstm.nn'), model: 'LstmForecaster' },
  { name: 'seed conv1d', file: join(SEED, 'conv1d.nn'), model: 'ConvForecaster' },
  { name: 'seed char_lstm', file: join(SEED, 'char_lstm.nn'), model: 'CharLstm', dims: { vocab: 57 } },
  { name: 'seed vae encoder', file: join(SEED, 'vae.nn'), model: 'Encoder' },
];

const EXAMPLES = join(SEED, '..');
/** Examples whose models nest std models (one class per instantiation). */
const NESTED_CASES: Case[] = ['GruForecaster', 'CausalForecaster', 'HybridForecaster', 'OneShot']
  .map((model) => ({ name: `sensor_blocks ${model}`, file: join(EXAMPLES, 'sensor_blocks.nn'), model }))
  .concat([{ name: 'spam_conv1d SpamConv', file: join(EXAMPLES, 'spam_conv1d.nn'), model: 'SpamConv' },
    { name: 'spam_bilstm SpamBiLstm', file: join(EXAMPLES, 'spam_bilstm.nn'), model: 'SpamBiLstm' }]);

describe.skipIf(!HAS_TORCH)('emitted PyTorch modules equal the tfjs models', () => {
  const layerNames = [...(LAYER_CASES + RANDOM_CASES).matchAll(/^model (\w+)/gm)].map((m) => m[1]!);
  let root = '', cases: Case[] = [], errors: Record<string, number> = {};
  const refs = new Map<string, { model: tf.LayersModel; dir: string; outputs: number }>();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'nnc-torch-'));
    const layersFile = join(root, 'layers.nn');
    writeFileSync(layersFile, LAYER_CASES + RANDOM_CASES);
    cases = [...SEED_CASES, ...NESTED_CASES, ...layerNames.map((model) => ({ name: `layers ${model}`, file: layersFile, model }))];
    await selectBackend('cpu');
    const list = [];
    for (const [i, c] of cases.entries()) {
      const r = check(c.file, nodeHost);
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), c.name).toEqual([]);
      const dir = join(root, `case${i}`);
      emitInto(r.program, dir, c.dims);
      const ref = await tfjsReference(r.program, c.model, dir, c.dims ?? {}, i + 1);
      refs.set(c.name, { model: ref.model, dir, outputs: ref.outputs });
      const cls = modelClasses(r.program).get(r.program.models.get(c.model)!)!;
      list.push({ name: c.name, dir, cls, inputs: ref.inputs });
    }
    writeFileSync(join(root, 'cases.json'), JSON.stringify(list));
    const run = python([join(import.meta.dirname, 'compare.py'), join(root, 'cases.json')]);
    expect(run.code, run.stderr).toBe(0);
    errors = JSON.parse(run.stdout) as Record<string, number>;
    console.log(`largest |torch - tfjs| / largest |tfjs|: ${Math.max(...Object.values(errors)).toExponential(1)}`);
  }, 600_000);

  for (const c of [...SEED_CASES, ...NESTED_CASES].map((s) => s.name).concat(layerNames.map((m) => `layers ${m}`))) {
    it(`${c}: same outputs within 1e-5 of the largest, and its weights load back into tfjs`, async () => {
      expect(errors[c], c).toBeLessThan(1e-5);
      const ref = refs.get(c)!;
      // Read as named tensors: tfjs 4.22 cannot reload a separable_conv2d with a depth
      // multiplier from its own model.json, whoever wrote the weights.
      const back = readModelArtifacts(join(ref.dir, 'ckpt-back', 'model.json'));
      const named = tf.io.decodeWeights(back.weightData!, back.weightSpecs!);
      for (const w of ref.model.weights) expect(tf.max(tf.abs(tf.sub(w.read(), named[w.originalName]!))).dataSync()[0], w.originalName).toBeLessThan(1e-6);
    });
  }

  it('py_compile accepts every emitted file', () => {
    const r = python(['-m', 'py_compile', ...cases.map((_, i) => join(root, `case${i}`, 'model.py')), join(root, 'case0', 'train.py'), join(root, 'case0', 'weights.py')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe.skipIf(HAS_TORCH)('PyTorch back end', () => {
  it(NO_TORCH, () => {});
});
