// The `vae` task (std.vae): a custom training loop for a variational autoencoder. Each step
// encodes a batch to z_mean and z_log_var, draws z with the reparameterisation trick,
// decodes it, and descends reconstruction + kl_weight × KL. After every epoch: both models
// are saved (atomically, so an interrupt or NaN keeps the last good epoch) and a picture of
// the latent space is written.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { Column, RuntimeData } from '../data/column.js';
import { writePng } from '../io/png.js';
import { sampleLatent } from '../model/custom.js';
import { fmt } from '../progress.js';
import { floatsOf } from '../readback.js';
import { permutation } from '../random.js';
import type { Session } from '../session.js';
import { attachOptimizer, beginGenerative, gridOf, loadModels, optimizeStep, saveModels, trainableVariables, writeSummary } from './generative.js';
import type { TaskOutcome } from './outcome.js';
import { makeOptimizer, type OptimizerSpec } from './vocab.js';

export interface VaeFields {
  reconstruction: 'binary_crossentropy' | 'mse';
  klWeight: number;
  /** Epochs over which the KL weight rises linearly from 0 to klWeight (0: none). */
  klWarmup: number;
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize: number;
  grid: number;
  /** Where a 2-D latent's picture lattice lies: over the prior's quantiles, the encoded
   *  images' quantiles, or evenly over [-1, 1] (the Keras example's plot_latent_space). */
  lattice: 'prior' | 'encoded' | 'linear';
  seed?: number;
  save: string;
}

export interface VaeTask {
  name: string;
  baseDir: string;
  data: RuntimeData;
  fields: VaeFields;
  encoder: () => tf.LayersModel;
  decoder: () => tf.LayersModel;
}

/** The KL weight after `epochs` (fractional) epochs: rising linearly over klWarmup epochs. */
export const klWeightAt = (f: Pick<VaeFields, 'klWeight' | 'klWarmup'>, epochs: number): number =>
  f.klWarmup > 0 ? f.klWeight * Math.min(1, epochs / f.klWarmup) : f.klWeight;

export interface VaeEpoch { epoch: number; loss: number; reconstruction: number; kl: number }
export interface VaeResult extends TaskOutcome { history: VaeEpoch[]; encoder: tf.LayersModel; decoder: tf.LayersModel }

/** The VAE loss of a batch, each term a mean over the batch of a per-image sum:
 *  reconstruction (binary cross-entropy or squared error over the pixels) and
 *  KL(N(mean, exp(logVar)) ‖ N(0, 1)) = -½ Σ (1 + logVar − mean² − exp(logVar)). */
export function vaeLoss(x: tf.Tensor, decoded: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor, reconstruction: VaeFields['reconstruction'], klWeight: number): { total: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const flat = (t: tf.Tensor) => t.reshape([n, -1]);
    const [xs, ps] = [flat(x), flat(decoded)];
    let perPixel: tf.Tensor;
    if (reconstruction === 'mse') perPixel = tf.squaredDifference(xs, ps);
    else {
      const p = tf.clipByValue(ps, 1e-7, 1 - 1e-7);
      perPixel = tf.neg(tf.add(tf.mul(xs, tf.log(p)), tf.mul(tf.sub(1, xs), tf.log(tf.sub(1, p)))));
    }
    const rec = tf.mean(tf.sum(perPixel, 1)) as tf.Scalar;
    const kl = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1))) as tf.Scalar;
    return { total: tf.add(rec, tf.mul(klWeight, kl)) as tf.Scalar, reconstruction: rec, kl };
  });
}

/** The inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The lattice's coordinates along one latent axis: the quantiles 0.05…0.95 of the unit
 *  normal (the prior), or of `values` (the encoded images' z_mean along that axis). */
export function axisQuantiles(grid: number, values?: ArrayLike<number>): number[] {
  const ps = Array.from({ length: grid }, (_, i) => 0.05 + (0.9 * i) / Math.max(1, grid - 1));
  if (!values?.length) return ps.map(normalQuantile);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.round(p * (sorted.length - 1))]!);
}

/** The lattice's coordinates along one latent axis for `lattice: linear`: `grid` evenly
 *  spaced values from -1 to 1, the span of the Keras VAE example's latent-space figure. */
export function axisLinear(grid: number): number[] {
  return Array.from({ length: grid }, (_, i) => (grid > 1 ? -1 + (2 * i) / (grid - 1) : 0));
}

/** Latent points for the picture: for a 2-D latent, a grid×grid lattice over `axes` (by
 *  default the normal quantiles 0.05…0.95, the classic figure; row = second coordinate, top =
 *  high); otherwise grid² random normal points. */
export function latentPoints(grid: number, latent: number, axes: [number[], number[]] = [axisQuantiles(grid), axisQuantiles(grid)]): tf.Tensor2D {
  if (latent !== 2) return tf.randomNormal([grid * grid, latent]);
  const [qx, qy] = axes;
  const pts: number[] = [];
  for (let r = 0; r < grid; r++) for (let c = 0; c < grid; c++) pts.push(qx[c]!, qy[grid - 1 - r]!);
  return tf.tensor2d(pts, [grid * grid, 2]);
}

/** Each latent axis's z_mean over all the images, encoded a batch at a time. */
async function encodedMeans(encoder: tf.LayersModel, images: Column, batch: number, latent: number): Promise<Float32Array[]> {
  const axes = Array.from({ length: latent }, () => new Float32Array(images.n));
  for (let start = 0; start < images.n; start += batch) {
    const x = images.gather(Int32Array.from({ length: Math.min(batch, images.n - start) }, (_, k) => start + k));
    const mean = tf.tidy(() => (encoder.predict(x) as tf.Tensor[])[0]!);
    x.dispose();
    const values = await floatsOf(mean);
    mean.dispose();
    for (let i = 0; i < values.length; i++) axes[i % latent]![start + Math.floor(i / latent)] = values[i]!;
  }
  return axes;
}

/** The latent points of the picture drawn on every epoch: the lattice over the prior's
 *  quantiles or over [-1, 1] (`lattice: linear`) for a 2-D latent, else random normal points. */
function fixedPoints(f: VaeFields, latent: number): tf.Tensor2D {
  if (latent === 2 && f.lattice === 'linear') return latentPoints(f.grid, 2, [axisLinear(f.grid), axisLinear(f.grid)]);
  return latentPoints(f.grid, latent);
}

/** The picture of the latent space: the decoder's images on the lattice (over the encoded
 *  images' quantiles with `lattice: encoded`), or at `points`. */
async function latentPicture(f: VaeFields, encoder: tf.LayersModel, decoder: tf.LayersModel, images: Column, latent: number, points: tf.Tensor) {
  if (f.lattice !== 'encoded' || latent !== 2) return gridOf(decoder, points, f.grid);
  const [xs, ys] = await encodedMeans(encoder, images, f.batchSize, latent);
  const onData = latentPoints(f.grid, 2, [axisQuantiles(f.grid, xs), axisQuantiles(f.grid, ys)]);
  try {
    return await gridOf(decoder, onData, f.grid);
  } finally {
    onData.dispose();
  }
}

export async function runVaeTask(t: VaeTask, s: Session): Promise<VaeResult> {
  const f = t.fields;
  const { images, outDir } = beginGenerative('vae', t.name, t.data, t.baseDir, f.save, f.seed, s);
  const encoder = t.encoder(), decoder = t.decoder();
  const latent = decoder.inputs[0]!.shape[1]!;
  const points = fixedPoints(f, latent);
  const models = { encoder, decoder };
  let history: VaeEpoch[] = [];
  let restored: tf.Optimizer | undefined;
  if (s.flags.resume) {
    const loaded = await loadModels(outDir, models, 'epoch');
    if (loaded) {
      history = (loaded.state['history'] as VaeEpoch[] | undefined) ?? [];
      restored = loaded.optimizers.get('encoder');
      s.reporter.line(`resuming vae ${t.name} from ${outDir} after epoch ${history.length} (${restored ? 'with the optimizer\'s state' : 'the optimizer starts afresh'})`);
    } else s.reporter.line(`no checkpoint in ${outDir}; starting vae ${t.name} from scratch`);
  }
  // One optimizer for both models; it is saved with the encoder.
  const optimizer = restored ?? makeOptimizer(f.optimizer);
  attachOptimizer(encoder, optimizer);
  const vars = trainableVariables(encoder, decoder);
  const steps = Math.ceil(images.n / f.batchSize);
  const finish = (status: TaskOutcome['status'], message: string): VaeResult => {
    writeSummary(outDir, `vae ${t.name}: loss per epoch`, 'epoch', { task: t.name, kind: 'vae', status, message, epochs: history.length, final: history[history.length - 1] ?? null, history }, [
      { name: 'loss', values: history.map((h) => h.loss) },
      { name: 'reconstruction', values: history.map((h) => h.reconstruction) },
      { name: 'kl', values: history.map((h) => h.kl) },
    ]);
    points.dispose();
    return { status, message, history, encoder, decoder };
  };
  for (let epoch = history.length; epoch < f.epochs; epoch++) {
    const order = permutation(images.n);
    const sums = { loss: 0, reconstruction: 0, kl: 0 };
    let count = 0;
    const t0 = performance.now();
    s.reporter.epochStart(epoch + 1, f.epochs, steps);
    for (let step = 0; step < steps; step++) {
      const rows = order.subarray(step * f.batchSize, Math.min(images.n, (step + 1) * f.batchSize));
      const x = images.gather(rows);
      const [loss = NaN, reconstruction = NaN, kl = NaN] = await optimizeStep(optimizer, vars, (watch) => {
        const [mean, logVar] = encoder.apply(x, { training: true }) as tf.Tensor[];
        const decoded = decoder.apply(sampleLatent(mean!, logVar!), { training: true }) as tf.Tensor;
        const l = vaeLoss(x, decoded, mean!, logVar!, f.reconstruction, klWeightAt(f, epoch + (step + 1) / steps));
        watch(l.reconstruction);
        watch(l.kl);
        return l.total;
      });
      x.dispose();
      if (!Number.isFinite(loss)) {
        s.reporter.epochEnd();
        const kept = history.length ? `the last good checkpoint (epoch ${history.length}) is in ${outDir}` : 'no epoch finished, so there is no checkpoint';
        return finish('nan', `vae ${t.name} stopped: the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}; ${kept}. Try a smaller learning rate.`);
      }
      sums.loss += loss * rows.length;
      sums.reconstruction += reconstruction * rows.length;
      sums.kl += kl * rows.length;
      count += rows.length;
      s.reporter.step(step + 1, { loss: sums.loss / count, reconstruction: sums.reconstruction / count, kl: sums.kl / count });
      await new Promise((done) => setImmediate(done));
      if (s.interrupt.requested) {
        s.reporter.epochEnd();
        await saveModels(outDir, models, `e${epoch + 1}-interrupted`, { epoch: history.length, history });
        return finish('interrupted', `interrupted in epoch ${epoch + 1}; the weights so far are saved in ${outDir} (nnc run --resume repeats epoch ${epoch + 1})`);
      }
    }
    s.reporter.epochEnd();
    const log: VaeEpoch = { epoch: epoch + 1, loss: sums.loss / count, reconstruction: sums.reconstruction / count, kl: sums.kl / count };
    history.push(log);
    await saveModels(outDir, models, `e${epoch + 1}`, { epoch: epoch + 1, history });
    writePng(join(outDir, 'grid.png'), await latentPicture(f, encoder, decoder, images, latent, points));
    s.reporter.line(`epoch ${epoch + 1}/${f.epochs}  ${fmt({ loss: log.loss, reconstruction: log.reconstruction, kl: log.kl })}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return finish('done', `trained vae ${t.name} for ${history.length} epochs; the latent space is pictured in ${join(outDir, 'grid.png')}`);
}
