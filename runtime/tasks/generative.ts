// Pieces shared by the custom training loops of the generative tasks (vae, gan): the images
// of the data, the trainable variables of models, gradient clipping, checkpoints of several
// models at once, and the closing metrics and loss plot.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { Column, RuntimeData } from '../data/column.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { lossCurveSvg } from '../io/plot.js';
import type { Session } from '../session.js';
import { taskSetup } from './setup.js';
import { imageGrid, type Picture } from '../io/png.js';
import { fault } from '../errors.js';
import { floatsOf, scalarsOf } from '../readback.js';

/** What a generative task does first: its images, output folder and seed, announced. */
export function beginGenerative(kind: string, name: string, data: RuntimeData, baseDir: string, save: string, seedField: number | undefined, s: Session) {
  const images = imagesOf(data, `${kind} ${name}`);
  const { outDir, seed } = taskSetup(s, baseDir, save, seedField);
  s.reporter.line(`${kind} ${name}: ${images.n} images of [${images.sampleShape.join(', ')}], seed ${seed}, saving to ${outDir}`);
  return { images, outDir };
}

/** The images of a data set (its x; targets, if any, are not used). */
export function imagesOf(d: RuntimeData, task: string): Column {
  if (d.kind === 'text' || d.kind === 'texts') throw fault('data', `${task} needs images, not text`);
  const x = d.kind === 'array' ? d.column : d.x;
  if (x.sampleShape.length !== 3) throw fault('data', `${task} needs images [n, height, width, channels], found samples of [${x.sampleShape.join(', ')}]`);
  return x;
}

export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  // LayerVariable.read() returns the backing tf.Variable itself.
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** One optimizer step on `loss` over `vars`, each gradient element clipped to ±clip (0: off),
 *  as Keras' clipvalue. Returns the loss value, then the value of each scalar the loss
 *  function passed to `watch` (read after the step, as every backend can). */
export async function optimizeStep(optimizer: tf.Optimizer, vars: tf.Variable[], loss: (watch: (t: tf.Tensor) => void) => tf.Scalar, clip = 0): Promise<number[]> {
  const watched: tf.Tensor[] = [];
  const value = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => loss((t) => watched.push(tf.keep(t))), vars);
    const clipped = clip > 0 ? Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clipByValue(g, -clip, clip)])) : grads;
    optimizer.applyGradients(clipped);
    return value;
  });
  return scalarsOf([value, ...watched]);
}

/** Saves each model in `dir/NAME/` (the tfjs layers format), all with the same state. */
export async function saveModels(dir: string, models: Record<string, tf.LayersModel>, tag: string, state: Record<string, unknown>): Promise<void> {
  for (const [name, model] of Object.entries(models)) await saveCheckpoint(model, join(dir, name), tag, state);
}

/** Makes `model`'s checkpoints carry `optimizer`'s state (tfjs saves the optimizer of a
 *  compiled model with it); the loss is a placeholder, the loops compute their own. */
export function attachOptimizer(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  model.compile({ optimizer, loss: 'meanSquaredError' });
}

export interface LoadedModels { state: Record<string, unknown>; optimizers: Map<string, tf.Optimizer> }

/** Loads the weights saved by saveModels into `models`; returns the saved state and the
 *  optimizers that travelled with them, or undefined when there is no checkpoint. The
 *  models must agree on where they stopped. */
export async function loadModels(dir: string, models: Record<string, tf.LayersModel>, counter: string): Promise<LoadedModels | undefined> {
  let state: Record<string, unknown> | undefined;
  const optimizers = new Map<string, tf.Optimizer>();
  for (const [name, model] of Object.entries(models)) {
    const ckpt = await loadCheckpoint(join(dir, name));
    if (!ckpt) {
      if (state) throw fault('checkpoint', `${join(dir, name)} has no checkpoint but the other models do; delete ${dir} or run without --resume`);
      continue;
    }
    const want = model.getWeights(), have = ckpt.model.getWeights();
    const bad = want.findIndex((w, i) => !have[i] || w.shape.join() !== have[i]!.shape.join());
    if (bad >= 0 || want.length !== have.length) throw fault('checkpoint', `the checkpoint in ${join(dir, name)} does not fit the ${name} model; delete it or run without --resume`);
    model.setWeights(have);
    if (ckpt.model.optimizer) optimizers.set(name, ckpt.model.optimizer);
    if (state && state[counter] !== ckpt.state[counter]) {
      throw fault('checkpoint', `the checkpoints in ${dir} stop at different points (${counter} ${String(state[counter])} and ${String(ckpt.state[counter])}); delete the folder or run without --resume`);
    }
    state = ckpt.state;
  }
  return state && { state, optimizers };
}

/** The images a generator or decoder makes from latent `points`, in [0, 1] after `toUnit`,
 *  tiled `grid` to a row. */
export async function gridOf(model: tf.LayersModel, points: tf.Tensor | tf.Tensor[], grid: number, toUnit: (t: tf.Tensor) => tf.Tensor = (t) => t): Promise<Picture> {
  const images = tf.tidy(() => toUnit(model.predict(points) as tf.Tensor));
  const [n, h, w, c] = images.shape as number[];
  return imageGrid(await floatsOf(images), n!, h!, w!, c!, grid);
}

export interface LossSeries { name: string; values: number[] }

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

/** metrics.json and loss.svg of a finished (or stopped) loop. */
export function writeSummary(outDir: string, title: string, xLabel: string, summary: Record<string, unknown>, series: LossSeries[]): void {
  writeFileAtomic(join(outDir, 'loss.svg'), lossCurveSvg(title, series.map((s, i) => ({ ...s, color: COLORS[i % COLORS.length]! })), 640, 360, xLabel));
  writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 2) + '\n');
}
