// The `generate_text` task (std.text): sampling from a trained character model. The model
// and its vocabulary come from a checkpoint (train saves the vocabulary of char_sequences
// with the weights), the seed window from the corpus or the user, and each temperature
// reweights the predicted distribution as in the classic recipe: p_i^(1/T), renormalised.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RuntimeData } from '../data/column.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadCheckpoint } from '../io/checkpoint.js';
import type { Session } from '../session.js';
import type { TaskOutcome } from './outcome.js';
import { checkpointFolder, taskSetup } from './setup.js';
import { fault } from '../errors.js';
import { floatsOf, intsOf } from '../readback.js';

export interface GenerateFields {
  checkpoint: string;
  temperatures: number[];
  length: number;
  seedText: string | null;
  seed?: number;
  save: string;
}

export interface GenerateTask { name: string; baseDir: string; data: RuntimeData; fields: GenerateFields }

export interface Sample { temperature: number; seed: string; text: string }
export interface GenerateResult extends TaskOutcome { samples: Sample[] }

/** The distribution p reweighted by temperature T: exp(log(p) / T), normalised (computed in
 *  float64; p_i = 0 stays 0). */
export function reweight(p: ArrayLike<number>, temperature: number): Float64Array {
  const logs = Float64Array.from(p, (x) => (x > 0 ? Math.log(x) / temperature : -Infinity));
  const max = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - max));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/** One draw from a distribution (the multinomial of one trial), with `random` in [0, 1). */
export function draw(p: ArrayLike<number>, random: () => number): number {
  let u = random();
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u < 0) return i;
  }
  for (let i = p.length - 1; i >= 0; i--) if (p[i]! > 0) return i; // rounding left u ≥ 0
  return 0;
}

/** The characters of window `row` of char_sequences data. */
async function windowText(d: RuntimeData, row: number, vocab: readonly string[]): Promise<string> {
  if (d.kind !== 'dataset') throw fault('data', 'generate_text needs char_sequences data');
  const ids = await intsOf(tf.tidy(() => (d.x.gather(Int32Array.of(row)) as tf.Tensor).argMax(-1)));
  return Array.from(ids, (i) => vocab[i]!).join('');
}

/** Generates `length` characters after `seed` at one temperature. */
export async function generate(model: tf.LayersModel, vocab: readonly string[], seed: string, length: number, temperature: number, random: () => number): Promise<string> {
  const maxlen = model.inputs[0]!.shape[1]!;
  const index = new Map(vocab.map((c, i) => [c, i]));
  const window = [...seed].slice(-maxlen).map((c) => index.get(c)!);
  let out = '';
  for (let k = 0; k < length; k++) {
    // float32 one-hot, as the model was trained on (tfjs-backend-webgpu's transpose of an
    // int32 input, inside the recurrent layers, compiles to an invalid shader).
    const probs = await floatsOf(tf.tidy(() => model.predict(tf.oneHot(tf.tensor1d(window, 'int32'), vocab.length, 1, 0, 'float32').expandDims(0)) as tf.Tensor));
    const next = draw(reweight(probs, temperature), random);
    out += vocab[next]!;
    window.shift();
    window.push(next);
  }
  return out;
}

export async function runGenerateTask(t: GenerateTask, s: Session): Promise<GenerateResult> {
  const f = t.fields;
  const { outDir, seed } = taskSetup(s, t.baseDir, f.save, f.seed);
  const from = checkpointFolder(s, t.baseDir, f.checkpoint);
  const ckpt = await loadCheckpoint(from);
  if (!ckpt) throw fault('checkpoint', `no trained model in ${from}: run the train task first (or set checkpoint:)`);
  const vocab = ckpt.state['vocab'] as string[] | undefined;
  if (!Array.isArray(vocab)) throw fault('checkpoint', `${from} has no vocabulary: train the model on char_sequences(...) with nnc`);
  const shape = ckpt.model.inputs[0]!.shape;
  if (shape.length !== 3 || shape[2] !== vocab.length) throw fault('checkpoint', `the model in ${from} takes ${JSON.stringify(shape)}, not one-hot windows of its ${vocab.length}-character vocabulary`);
  const maxlen = shape[1]!;
  const dataVocab = t.data.kind === 'dataset' ? t.data.info.vocab : undefined;
  if (!dataVocab) throw fault('data', `generate_text ${t.name} needs char_sequences data`);
  let start: string;
  if (f.seedText !== null) {
    const unknown = [...new Set([...f.seedText].filter((c) => !vocab.includes(c)))];
    if (unknown.length) throw fault('data', `seed_text has characters the model never saw: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`);
    if ([...f.seedText].length < maxlen) throw fault('data', `seed_text needs at least ${maxlen} characters (the model's window); it has ${[...f.seedText].length}`);
    start = [...f.seedText].slice(-maxlen).join('');
  } else {
    const n = t.data.kind === 'dataset' ? t.data.x.n : 0;
    start = await windowText(t.data, Math.floor(Math.random() * n), dataVocab);
    if ([...start].some((c) => !vocab.includes(c))) throw fault('data', `the data's characters differ from the checkpoint's vocabulary in ${from}: sample from the data the model was trained on`);
  }
  s.reporter.line(`generate_text ${t.name}: model from ${from} (window ${maxlen}, ${vocab.length} characters), seed ${seed}, saving to ${outDir}`);
  const samples: Sample[] = [];
  for (const temperature of f.temperatures) {
    const text = await generate(ckpt.model, vocab, start, f.length, temperature, Math.random);
    samples.push({ temperature, seed: start, text });
    writeFileAtomic(join(outDir, `sample-${temperature}.txt`), start + text + '\n');
    s.reporter.line(`--- temperature ${temperature} ---\n${start}|${text}`);
    await new Promise((r) => setImmediate(r));
    if (s.interrupt.requested) break;
  }
  writeFileAtomic(join(outDir, 'samples.json'), JSON.stringify({ task: t.name, checkpoint: from, seed, samples }, null, 2) + '\n');
  ckpt.model.dispose();
  const status = s.interrupt.requested ? 'interrupted' : 'done';
  return { status, message: `${status === 'done' ? 'wrote' : 'interrupted after'} ${samples.length} sample(s) to ${outDir} (| marks the end of the seed)`, samples };
}
