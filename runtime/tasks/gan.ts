// The `gan` task (std.gan): the adversarial loop. Each step trains the discriminator on a
// batch of real images (label 1) and as many generated ones (label 0), both labels blurred
// by uniform noise, then the generator through the discriminator (whose weights are not
// updated) towards label 1. Every `sample_every` steps: a grid of samples from fixed latent
// points, checkpoints of both models, and a line of averaged losses. With `ema`, a second
// generator holds a running average of the trained one's weights: it draws the grids and is
// saved as generator/ (the trained weights, with their optimizer, as generator-training/).
// A conditional gan (AC-GAN) has a generator with a second input, the one-hot class to draw,
// and a discriminator with a second output, its class probabilities: the discriminator also
// learns to classify real images (by the data's labels) and generated ones (by the class
// they were drawn as), and the generator to draw images of the class it was given.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeData } from '../data/column.js';
import { writePng } from '../io/png.js';
import { fault } from '../errors.js';
import { fmt } from '../progress.js';
import type { Session } from '../session.js';
import { attachOptimizer, beginGenerative, gridOf, loadModels, optimizeStep, saveModels, trainableVariables, writeSummary } from './generative.js';
import type { TaskOutcome } from './outcome.js';
import { categoricalCrossentropyOfBatch, makeOptimizer, type OptimizerSpec } from './vocab.js';

export interface GanFields {
  steps: number;
  batchSize: number;
  dOptimizer: OptimizerSpec;
  gOptimizer: OptimizerSpec;
  clipValue: number;
  /** signed: data scaled to [-1, 1] for both networks (tanh generator); unit: [0, 1]. */
  pixels: 'signed' | 'unit';
  /** The discriminator's label for real images (one-sided smoothing below 1). */
  realLabel: number;
  /** Discriminator updates per step. */
  dSteps: number;
  labelNoise: number;
  /** Momentum of the running average of the generator's weights (0: none). */
  ema: number;
  /** Weight of the class cross-entropy in both losses of a conditional gan. */
  classWeight: number;
  sampleEvery: number;
  grid: number;
  seed?: number;
  save: string;
}

export interface GanTask {
  name: string;
  baseDir: string;
  data: RuntimeData;
  fields: GanFields;
  generator: () => tf.LayersModel;
  discriminator: () => tf.LayersModel;
}

/** Losses averaged over the `sample_every` steps ending at `step`; d_real/d_fake are the
 *  discriminator's mean scores of real and generated images. */
export interface GanLog { step: number; d_loss: number; g_loss: number; d_real: number; d_fake: number }
/** What a conditional gan logs besides: the share of real and of generated images whose
 *  most probable class (by the discriminator) is their label or the class they were drawn as. */
export interface ConditionalGanLog extends GanLog { class_real: number; class_fake: number }
export interface GanResult extends TaskOutcome { history: (GanLog | ConditionalGanLog)[]; generator: tf.LayersModel; discriminator: tf.LayersModel }

/** Mean binary cross-entropy of probabilities `p` against `labels`. */
export function binaryCrossentropy(labels: tf.Tensor, p: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.add(tf.mul(labels, tf.log(q)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, q)))))) as tf.Scalar;
  });
}

/** Discriminator labels: `realLabel` for the `real` first rows, 0 for the rest, each moved
 *  towards the other class by uniform noise of size `noise`. */
export function noisyLabels(real: number, fake: number, noise: number, realLabel = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const isReal = tf.concat([tf.ones([real, 1]), tf.zeros([fake, 1])]);
    const jitter = tf.randomUniform([real + fake, 1], 0, noise);
    return tf.add(tf.mul(isReal, realLabel), tf.mul(tf.sub(1, tf.mul(isReal, 2)), jitter)) as tf.Tensor2D;
  });
}

/** One-hot classes for `n` images: class i mod `classes` for the i-th (the sample grids
 *  show every class in turn), or uniformly random ones. */
export function classCodes(n: number, classes: number, random: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const ids = random ? tf.randomUniform([n], 0, classes, 'int32') : tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32');
    return tf.oneHot(ids, classes).toFloat() as tf.Tensor2D;
  });
}

/** The share of rows whose most probable class is the one-hot label's. */
const hits = (labels: tf.Tensor, p: tf.Tensor) => tf.tidy(() => tf.metrics.categoricalAccuracy(labels, p).mean());

/** Pixels as the networks see them, from the data's [0, 1], and back. */
const fromUnit = (t: tf.Tensor, pixels: GanFields['pixels']) => (pixels === 'signed' ? tf.tidy(() => t.mul(2).sub(1)) : t);
const toUnit = (t: tf.Tensor, pixels: GanFields['pixels']) => (pixels === 'signed' ? t.add(1).div(2) : t);

async function writeSamples(outDir: string, step: number, generator: tf.LayersModel, points: tf.Tensor | tf.Tensor[], grid: number, pixels: GanFields['pixels']): Promise<string> {
  const picture = await gridOf(generator, points, grid, (t) => toUnit(t, pixels));
  const path = join(outDir, `samples-${String(step).padStart(6, '0')}.png`);
  writePng(path, picture);
  writePng(join(outDir, 'samples.png'), picture);
  return path;
}

/** Moves each of `average`'s weights towards `model`'s: a ← m·a + (1 − m)·w. The momentum
 *  ramps up over the first steps (as tf.train.ExponentialMovingAverage's num_updates), so
 *  the average does not remember the random initial weights. */
export function updateAverage(average: tf.LayersModel, model: tf.LayersModel, momentum: number, updates: number): void {
  const m = Math.min(momentum, (1 + updates) / (10 + updates));
  tf.tidy(() => {
    model.weights.forEach((w, i) => {
      const a = average.weights[i]!.read() as tf.Variable;
      a.assign(tf.add(tf.mul(a, m), tf.mul(w.read(), 1 - m)));
    });
  });
}

export async function runGanTask(t: GanTask, s: Session): Promise<GanResult> {
  const f = t.fields;
  const { images, outDir } = beginGenerative('gan', t.name, t.data, t.baseDir, f.save, f.seed, s);
  const generator = t.generator(), discriminator = t.discriminator();
  const average = f.ema > 0 ? t.generator() : undefined;
  average?.setWeights(generator.getWeights());
  /** The generator that draws the grids and is saved as generator/. */
  const drawing = average ?? generator;
  const latent = generator.inputs[0]!.shape[1]!;
  const classes = generator.inputs[1]?.shape[1] ?? 0;
  const labels = t.data.kind === 'dataset' ? t.data.y : undefined;
  // The checker lets a two-input generator through only with one-hot labels of its classes.
  if (classes && labels?.sampleShape.join() !== String(classes)) throw fault('data', `gan ${t.name}: the conditional generator draws ${classes} classes, but the data has ${labels ? `labels of [${labels.sampleShape.join(', ')}]` : 'no labels'}`);
  const cells = f.grid * f.grid;
  const points = classes ? [tf.randomNormal([cells, latent]), classCodes(cells, classes, false)] : tf.randomNormal([cells, latent]);
  /** `n` generated images, and the classes they were drawn as (conditional gan). */
  const generate = (n: number): [tf.Tensor, tf.Tensor | undefined] => {
    const z = tf.randomNormal([n, latent]);
    if (!classes) return [generator.apply(z, { training: true }) as tf.Tensor, undefined];
    const drawn = classCodes(n, classes, true);
    return [generator.apply([z, drawn], { training: true }) as tf.Tensor, drawn];
  };
  /** The discriminator's scores, and its class probabilities (conditional gan). */
  const judge = (images: tf.Tensor): [tf.Tensor, tf.Tensor | undefined] => {
    const out = discriminator.apply(images, { training: true }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? [out[0]!, out[1]] : [out, undefined];
  };
  // What each checkpoint saves. generator-training/ is kept current once it exists, so a
  // later --resume never picks up stale trained weights.
  const hadTrainingFolder = existsSync(join(outDir, 'generator-training'));
  const models: Record<string, tf.LayersModel> = average || hadTrainingFolder ? { generator: drawing, discriminator, 'generator-training': generator } : { generator, discriminator };
  let history: GanLog[] = [];
  let done = 0;
  let dRestored: tf.Optimizer | undefined, gRestored: tf.Optimizer | undefined;
  if (s.flags.resume) {
    // The trained weights are in generator-training/ after a run with `ema`, in generator/
    // after one without: resume from whichever the checkpoint holds, whatever `ema` is now.
    const savedName = hadTrainingFolder ? 'generator-training' : 'generator';
    const saved: Record<string, tf.LayersModel> = { [savedName]: generator, discriminator };
    if (average && savedName === 'generator-training') saved['generator'] = average;
    const loaded = await loadModels(outDir, saved, 'step');
    if (loaded) {
      if (average && savedName === 'generator') average.setWeights(generator.getWeights());
      done = Number(loaded.state['step'] ?? 0);
      history = (loaded.state['history'] as GanLog[] | undefined) ?? [];
      dRestored = loaded.optimizers.get('discriminator');
      gRestored = loaded.optimizers.get(savedName);
      s.reporter.line(`resuming gan ${t.name} from ${outDir} after step ${done} (${dRestored && gRestored ? 'with the optimizers\' state' : 'the optimizers start afresh'})`);
    } else s.reporter.line(`no checkpoint in ${outDir}; starting gan ${t.name} from scratch`);
  }
  // Each optimizer is saved with the model it trains.
  const dOpt = dRestored ?? makeOptimizer(f.dOptimizer);
  const gOpt = gRestored ?? makeOptimizer(f.gOptimizer);
  attachOptimizer(discriminator, dOpt);
  attachOptimizer(generator, gOpt);
  const dVars = trainableVariables(discriminator), gVars = trainableVariables(generator);
  const b = f.batchSize;
  const finish = (status: TaskOutcome['status'], message: string): GanResult => {
    writeSummary(outDir, `gan ${t.name}: losses per ${f.sampleEvery} steps`, `${f.sampleEvery} steps`, { task: t.name, kind: 'gan', status, message, steps: done, final: history[history.length - 1] ?? null, history }, [
      { name: 'd_loss', values: history.map((h) => h.d_loss) },
      { name: 'g_loss', values: history.map((h) => h.g_loss) },
    ]);
    tf.dispose(points);
    return { status, message, history, generator: drawing, discriminator };
  };
  const chunks = Math.ceil(f.steps / f.sampleEvery);
  while (done < f.steps) {
    const chunkSteps = Math.min(f.sampleEvery, f.steps - done);
    const sums = { d_loss: 0, g_loss: 0, d_real: 0, d_fake: 0, class_real: 0, class_fake: 0 };
    const t0 = performance.now();
    s.reporter.epochStart(Math.floor(done / f.sampleEvery) + 1, chunks, chunkSteps);
    for (let k = 0; k < chunkSteps; k++) {
      let dLoss = NaN, scores: number[] = [];
      for (let d = 0; d < f.dSteps; d++) {
        const rows = Int32Array.from({ length: b }, () => Math.floor(Math.random() * images.n));
        const gathered = images.gather(rows);
        const real = fromUnit(gathered, f.pixels);
        if (real !== gathered) gathered.dispose();
        const realClasses = classes ? labels?.gather(rows) : undefined;
        [dLoss = NaN, ...scores] = await optimizeStep(dOpt, dVars, (watch) => {
          const [fake, drawn] = generate(b);
          // Real and fake images in separate passes, as D sees fakes alone in the G step: a
          // batch-normalised D fed a mixed batch wins on the mix's statistics while G fools
          // the fake-only ones (the samples stay noise).
          const [pReal, classesReal] = judge(real), [pFake, classesFake] = judge(fake);
          watch(pReal.mean());
          watch(pFake.mean());
          const loss = binaryCrossentropy(noisyLabels(b, b, f.labelNoise, f.realLabel), tf.concat([pReal, pFake]));
          if (!realClasses || !classesReal || !drawn || !classesFake) return loss;
          watch(hits(realClasses, classesReal));
          watch(hits(drawn, classesFake));
          return loss.add(categoricalCrossentropyOfBatch(realClasses, classesReal).add(categoricalCrossentropyOfBatch(drawn, classesFake)).mul(f.classWeight)) as tf.Scalar;
        }, f.clipValue);
        real.dispose();
        realClasses?.dispose();
      }
      const [gLoss = NaN] = await optimizeStep(gOpt, gVars, () => {
        const [fake, drawn] = generate(b);
        const [p, classesFake] = judge(fake);
        const loss = binaryCrossentropy(tf.ones([b, 1]), p);
        return drawn && classesFake ? loss.add(categoricalCrossentropyOfBatch(drawn, classesFake).mul(f.classWeight)) as tf.Scalar : loss;
      }, f.clipValue);
      if (!Number.isFinite(dLoss) || !Number.isFinite(gLoss)) {
        s.reporter.epochEnd();
        const kept = history.length ? `the last good checkpoint (step ${done - k}) is in ${outDir}` : 'no checkpoint was written yet';
        return finish('nan', `gan ${t.name} stopped: a loss became NaN/Inf at step ${done + 1}; ${kept}. Try smaller learning rates or clip_value.`);
      }
      if (average) updateAverage(average, generator, f.ema, done);
      sums.d_loss += dLoss; sums.g_loss += gLoss; sums.d_real += scores[0]!; sums.d_fake += scores[1]!;
      sums.class_real += scores[2] ?? 0; sums.class_fake += scores[3] ?? 0;
      done++;
      s.reporter.step(k + 1, { d_loss: sums.d_loss / (k + 1), g_loss: sums.g_loss / (k + 1) });
      await new Promise((resolve) => setImmediate(resolve));
      if (s.interrupt.requested) {
        s.reporter.epochEnd();
        await saveModels(outDir, models, `s${done}-interrupted`, { step: done, history });
        return finish('interrupted', `interrupted at step ${done}; both models are saved in ${outDir} (nnc run --resume continues from there)`);
      }
    }
    s.reporter.epochEnd();
    const mean = (sum: number) => sum / chunkSteps;
    const log: GanLog | ConditionalGanLog = { step: done, d_loss: mean(sums.d_loss), g_loss: mean(sums.g_loss), d_real: mean(sums.d_real), d_fake: mean(sums.d_fake),
      ...(classes ? { class_real: mean(sums.class_real), class_fake: mean(sums.class_fake) } : {}) };
    history.push(log);
    await saveModels(outDir, models, `s${done}`, { step: done, history });
    const picture = await writeSamples(outDir, done, drawing, points, f.grid, f.pixels);
    const seconds = (performance.now() - t0) / 1000;
    const { step: _, ...figures } = log;
    s.reporter.line(`step ${done}/${f.steps}  ${fmt(figures)}  (${seconds.toFixed(1)} s, ${(chunkSteps / seconds).toFixed(2)} steps/s) ${picture}`);
  }
  return finish('done', `trained gan ${t.name} for ${done} steps; samples in ${join(outDir, 'samples.png')}`);
}
