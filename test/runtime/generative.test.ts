// The vae and gan procedures (std.vae, std.gan): their losses against hand-computed values,
// the latent lattice, image grids, and a few deterministic training steps on tiny generated
// images with checkpoints, pictures and resume.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { DenseColumn, type RuntimeData } from '../../runtime/data/column.js';
import { loadCheckpoint } from '../../runtime/io/checkpoint.js';
import { gridCells, imageGrid, readPicture } from '../../runtime/io/png.js';
import { silentReporter } from '../../runtime/progress.js';
import type { Session } from '../../runtime/session.js';
import { gridOf } from '../../runtime/tasks/generative.js';
import { binaryCrossentropy, classCodes, noisyLabels, runGanTask, updateAverage, type GanFields } from '../../runtime/tasks/gan.js';
import { categoricalCrossentropyOfBatch } from '../../runtime/tasks/vocab.js';
import { axisLinear, axisQuantiles, klWeightAt, latentPoints, normalQuantile, runVaeTask, vaeLoss, type VaeFields } from '../../runtime/tasks/vae.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

const value = (t: tf.Tensor) => t.dataSync()[0]!;
/** The largest |a − b| over all elements. */
const largestDifference = (a: tf.TensorLike | tf.Tensor, b: tf.Tensor) => value(tf.max(tf.abs(tf.sub(a, b))));
const adam = (lr: number) => ({ name: 'adam', params: { lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });

/** The step count of the optimizer saved in a checkpoint folder. */
async function optimizerSteps(dir: string): Promise<number> {
  const ckpt = await loadCheckpoint(dir);
  const weights = await ckpt!.model.optimizer!.getWeights();
  return weights[0]!.tensor.dataSync()[0]!;
}

function session(out: string, resume = false): Session {
  return { flags: { resume, out, seed: 5 }, reporter: silentReporter, interrupt: { requested: false }, report: () => 0, loading: async (load) => load(), close: () => {} };
}

/** 64 images of 6×6: a bright bar, vertical for even rows and horizontal for odd ones, at one of four places. */
function barImages(): DenseColumn {
  const n = 64, x = new Float32Array(n * 36);
  for (let i = 0; i < n; i++) {
    const at = 1 + (i % 4), vertical = i % 2 === 0;
    for (let k = 0; k < 6; k++) x[i * 36 + (vertical ? k * 6 + at : at * 6 + k)] = 1;
  }
  return new DenseColumn(x, [6, 6, 1]);
}

function bars(): RuntimeData {
  return { kind: 'array', column: barImages() };
}

function denseModel(inShape: number[], units: number[], outShape: number[], heads = 1): tf.LayersModel {
  const input = tf.input({ shape: inShape });
  let h = inShape.length > 1 ? tf.layers.flatten().apply(input) as tf.SymbolicTensor : input;
  for (const u of units.slice(0, -1)) h = tf.layers.dense({ units: u, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const last = units[units.length - 1]!;
  const outs = Array.from({ length: heads }, () => tf.layers.reshape({ targetShape: outShape }).apply(
    tf.layers.dense({ units: last, activation: outShape.length > 1 || heads === 1 ? 'sigmoid' : 'linear' }).apply(h)) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: heads === 1 ? outs[0]! : outs });
}

const vaeFields = (over: Partial<VaeFields> = {}): VaeFields => ({
  reconstruction: 'binary_crossentropy', klWeight: 1, klWarmup: 0, optimizer: adam(0.01), epochs: 4, batchSize: 16, grid: 3, lattice: 'prior', save: 'unused', ...over,
});

function vaeTask(fields: VaeFields) {
  return {
    name: 'Bars', baseDir: '.', data: bars(), fields,
    encoder: () => denseModel([6, 6, 1], [16, 2], [2], 2),
    decoder: () => denseModel([2], [16, 36], [6, 6, 1]),
  };
}

describe('vae', () => {
  it('loss: binary cross-entropy or squared error summed over pixels, plus weighted KL, as computed by hand', () => {
    const x = tf.tensor4d([1, 0], [1, 1, 2, 1]), decoded = tf.tensor4d([0.8, 0.3], [1, 1, 2, 1]);
    const mean = tf.tensor2d([[0.5, -1]]), logVar = tf.tensor2d([[0, 0.2]]);
    const kl = -0.5 * ((1 + 0 - 0.25 - 1) + (1 + 0.2 - 1 - Math.exp(0.2)));
    const bce = vaeLoss(x, decoded, mean, logVar, 'binary_crossentropy', 2);
    expect(value(bce.reconstruction)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)), 5);
    expect(value(bce.kl)).toBeCloseTo(kl, 5);
    expect(value(bce.total)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) + 2 * kl, 5);
    expect(value(vaeLoss(x, decoded, mean, logVar, 'mse', 0).total)).toBeCloseTo(0.2 ** 2 + 0.3 ** 2, 5);
  });

  it('KL warm-up: the weight rises linearly over kl_warmup epochs, then stays; 0 means none', () => {
    expect([0.5, 1, 2, 4, 9].map((e) => klWeightAt({ klWeight: 2, klWarmup: 4 }, e))).toEqual([0.25, 0.5, 1, 2, 2]);
    expect(klWeightAt({ klWeight: 2, klWarmup: 0 }, 0.1)).toBe(2);
  });

  it('latent lattice: normal quantiles 0.05…0.95, first coordinate along rows, second falling down the columns', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    const pts = latentPoints(3, 2).arraySync();
    expect(pts.length).toBe(9);
    expect(pts[0]![0]).toBeCloseTo(-1.644854, 5); // top left: low x, high y
    expect(pts[0]![1]).toBeCloseTo(1.644854, 5);
    expect(pts[4]).toEqual([0, 0].map((v) => expect.closeTo(v, 6)));
    expect(latentPoints(4, 8).shape).toEqual([16, 8]);
  });

  it('lattice: encoded puts the lattice over the quantiles 0.05…0.95 of the encoded images', async () => {
    // 101 values 0…100: the quantiles at 0.05, 0.5 and 0.95 are the values 5, 50 and 95.
    expect(axisQuantiles(3, Array.from({ length: 101 }, (_, i) => 100 - i))).toEqual([5, 50, 95]);
    expect(axisQuantiles(3)[2]).toBeCloseTo(1.644854, 5);
    const pts = latentPoints(3, 2, [[1, 2, 3], [10, 20, 30]]).arraySync();
    expect([pts[0], pts[8]]).toEqual([[1, 30], [3, 10]]);
    const [a, b] = [mkdtempSync(join(tmpdir(), 'nnc-vae-')), mkdtempSync(join(tmpdir(), 'nnc-vae-'))];
    const prior = await runVaeTask(vaeTask(vaeFields({ epochs: 2 })), session(a));
    const data = await runVaeTask(vaeTask(vaeFields({ epochs: 2, lattice: 'encoded' })), session(b));
    expect(data.history).toEqual(prior.history); // the picture only
    const [onPrior, onData] = [a, b].map((d) => gridCells(readPicture(join(d, 'grid.png'), 1), 6, 6)) as [ReturnType<typeof gridCells>, ReturnType<typeof gridCells>];
    expect(onData.n).toBe(9);
    expect(onData.images).not.toEqual(onPrior.images);
  });

  it('lattice: linear spans [-1, 1] evenly on both axes, as the Keras example\'s figure; training is the same', async () => {
    expect(axisLinear(5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(axisLinear(1)).toEqual([0]);
    const [a, b] = [mkdtempSync(join(tmpdir(), 'nnc-vae-')), mkdtempSync(join(tmpdir(), 'nnc-vae-'))];
    const prior = await runVaeTask(vaeTask(vaeFields({ epochs: 1 })), session(a));
    const linear = await runVaeTask(vaeTask(vaeFields({ epochs: 1, lattice: 'linear' })), session(b));
    expect(linear.history).toEqual(prior.history);
    const onLinear = readPicture(join(b, 'grid.png'), 1);
    const expected = await gridOf(linear.decoder, latentPoints(3, 2, [[-1, 0, 1], [-1, 0, 1]]), 3);
    const bytes = (p: { data: Float32Array }) => Array.from(p.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    expect(bytes(onLinear)).toEqual(bytes(expected));
    expect(onLinear.data).not.toEqual(readPicture(join(a, 'grid.png'), 1).data);
  });

  it('trains deterministically with a seed: the loss falls; both models, the grid, metrics and curve are written', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'nnc-vae-')), mkdtempSync(join(tmpdir(), 'nnc-vae-'))];
    const r1 = await runVaeTask(vaeTask(vaeFields()), session(a));
    const r2 = await runVaeTask(vaeTask(vaeFields()), session(b));
    expect(r1.message).toMatch(/^trained/);
    expect(r1.history.map((h) => h.loss)).toEqual(r2.history.map((h) => h.loss));
    expect(r1.history[3]!.loss).toBeLessThan(r1.history[0]!.loss * 0.8);
    for (const f of ['encoder/model.json', 'decoder/model.json', 'grid.png', 'metrics.json', 'loss.svg']) expect(existsSync(join(a, f)), f).toBe(true);
    const grid = readPicture(join(a, 'grid.png'), 1);
    expect([grid.width, grid.height]).toEqual([3 * 6 + 4 * 2, 3 * 6 + 4 * 2]);
    expect(JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8')).epochs).toBe(4);
  });

  it('an interrupt saves both models; --resume repeats the cut epoch and finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-vae-'));
    const s = session(dir);
    let steps = 0;
    s.reporter = { ...silentReporter, step: () => { if (++steps === 6) s.interrupt.requested = true; } }; // in epoch 2
    const cut = await runVaeTask(vaeTask(vaeFields({ epochs: 3 })), s);
    expect(cut.status).toBe('interrupted');
    expect(cut.history.length).toBe(1);
    for (const f of ['encoder/model.json', 'decoder/model.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(await optimizerSteps(join(dir, 'encoder'))).toBe(6);
    const resumed = await runVaeTask(vaeTask(vaeFields({ epochs: 3 })), session(dir, true));
    expect(resumed.status).toBe('done');
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(resumed.history[0]).toEqual(cut.history[0]);
    // The optimizer's state came back with the encoder: 6 steps before, 8 after (epochs 2, 3).
    expect(await optimizerSteps(join(dir, 'encoder'))).toBe(14);
  });

  it('a NaN loss stops with the last good checkpoint kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-vae-'));
    const r = await runVaeTask(vaeTask(vaeFields({ epochs: 3, optimizer: { name: 'sgd', params: { lr: 1e9, momentum: 0 } } })), session(dir));
    expect(r.status).toBe('nan');
    expect(r.message).toMatch(/became (NaN|Infinity)/);
  });
});

const ganFields = (over: Partial<GanFields> = {}): GanFields => ({
  steps: 20, batchSize: 8, dOptimizer: adam(0.005), gOptimizer: adam(0.005),
  clipValue: 1, pixels: 'unit', realLabel: 1, dSteps: 1, labelNoise: 0.05, ema: 0, classWeight: 1, sampleEvery: 10, grid: 2, save: 'unused', ...over,
});

function ganTask(fields: GanFields) {
  return {
    name: 'Bars', baseDir: '.', data: bars(), fields,
    generator: () => denseModel([4], [16, 36], [6, 6, 1]),
    discriminator: () => denseModel([6, 6, 1], [16, 1], [1]),
  };
}

describe('gan', () => {
  it('binary cross-entropy and noisy labels, by hand', () => {
    expect(value(binaryCrossentropy(tf.tensor2d([[1], [0]]), tf.tensor2d([[0.9], [0.2]])))).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 5);
    const clean = noisyLabels(2, 3, 0).dataSync();
    expect([...clean]).toEqual([1, 1, 0, 0, 0]);
    const noisy = noisyLabels(50, 50, 0.1).dataSync();
    expect(noisy.slice(0, 50).every((v) => v > 0.9 && v <= 1)).toBe(true);
    expect(noisy.slice(50).every((v) => v >= 0 && v < 0.1)).toBe(true);
    const smoothed = noisyLabels(50, 50, 0.05, 0.9).dataSync();
    expect(smoothed.slice(0, 50).every((v) => v > 0.85 - 1e-6 && v <= 0.9 + 1e-6)).toBe(true);
    expect(smoothed.slice(50).every((v) => v >= 0 && v < 0.05)).toBe(true);
  });

  it('trains deterministically with a seed; sample grids every sample_every steps and both checkpoints', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'nnc-gan-')), mkdtempSync(join(tmpdir(), 'nnc-gan-'))];
    const r1 = await runGanTask(ganTask(ganFields()), session(a));
    const r2 = await runGanTask(ganTask(ganFields()), session(b));
    expect(r1.message).toMatch(/^trained/);
    expect(r1.history.map((h) => h.step)).toEqual([10, 20]);
    expect(r1.history).toEqual(r2.history);
    for (const f of ['generator/model.json', 'discriminator/model.json', 'samples-000010.png', 'samples-000020.png', 'samples.png', 'metrics.json', 'loss.svg']) expect(existsSync(join(a, f)), f).toBe(true);
    const cells = gridCells(readPicture(join(a, 'samples.png'), 1), 6, 6);
    expect(cells.n).toBe(4);
    // --resume with more steps continues from step 20, with both optimizers' state.
    const more = await runGanTask(ganTask(ganFields({ steps: 30 })), session(a, true));
    expect(more.history.map((h) => h.step)).toEqual([10, 20, 30]);
    expect([await optimizerSteps(join(a, 'generator')), await optimizerSteps(join(a, 'discriminator'))]).toEqual([30, 30]);
  });

  it('d_steps updates the discriminator that many times a step, the generator once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-gan-'));
    const r = await runGanTask(ganTask(ganFields({ steps: 10, dSteps: 3, realLabel: 0.9 })), session(dir));
    expect(r.status).toBe('done');
    expect([await optimizerSteps(join(dir, 'generator')), await optimizerSteps(join(dir, 'discriminator'))]).toEqual([10, 30]);
  });
});

describe('image grids', () => {
  it('tiles n images in rows of cols with a 2-pixel border, and gridCells inverts it', () => {
    const n = 5, h = 3, w = 4;
    const images = Float32Array.from({ length: n * h * w }, (_, i) => (i % 7) / 7);
    const p = imageGrid(images, n, h, w, 1, 3);
    expect([p.height, p.width]).toEqual([2 * h + 3 * 2, 3 * w + 4 * 2]);
    const back = gridCells(p, h, w);
    expect(back.n).toBe(6); // the sixth cell is the white filler
    expect([...back.images.subarray(0, n * h * w)]).toEqual([...images]);
    expect(() => imageGrid(images, n, h, w, 2, 3)).toThrow(/1 or 3 channels/);
  });

  it('ema: a running average of the generator draws the grids and is saved as generator/', async () => {
    const model = denseModel([2], [3], [3]), average = denseModel([2], [3], [3]);
    const before = average.getWeights().map((w) => w.arraySync());
    updateAverage(average, model, 0.5, 100);
    average.getWeights().forEach((a, i) => {
      const want = tf.add(tf.mul(before[i]!, 0.5), tf.mul(model.getWeights()[i]!, 0.5));
      expect(largestDifference(a, want)).toBeLessThan(1e-6);
    });
    // The first updates weigh the trained weights most: 1 − 1/10 at the first.
    updateAverage(average, model, 0.999, 0);
    const first = largestDifference(average.getWeights()[0]!, model.getWeights()[0]!);
    expect(first).toBeLessThan(0.1 * largestDifference(tf.tensor(before[0]!), model.getWeights()[0]!) + 1e-6);

    const dir = mkdtempSync(join(tmpdir(), 'nnc-gan-'));
    const r = await runGanTask(ganTask(ganFields({ ema: 0.9 })), session(dir));
    expect(r.status).toBe('done');
    const saved = (await loadCheckpoint(join(dir, 'generator')))!.model.getWeights(), trained = (await loadCheckpoint(join(dir, 'generator-training')))!.model.getWeights();
    expect(saved.map((w) => w.shape)).toEqual(trained.map((w) => w.shape));
    expect(largestDifference(saved[0]!, trained[0]!)).toBeGreaterThan(0);
    expect(largestDifference(saved[0]!, r.generator.getWeights()[0]!)).toBe(0);
    // --resume continues both: the trained weights with their optimizer, and the average.
    const more = await runGanTask(ganTask(ganFields({ ema: 0.9, steps: 30 })), session(dir, true));
    expect(more.history.map((h) => h.step)).toEqual([10, 20, 30]);
    expect([await optimizerSteps(join(dir, 'generator-training')), await optimizerSteps(join(dir, 'discriminator'))]).toEqual([30, 30]);
    // Without ema now: training continues from generator-training/, which stays current.
    await runGanTask(ganTask(ganFields({ steps: 40 })), session(dir, true));
    expect([await optimizerSteps(join(dir, 'generator-training')), await optimizerSteps(join(dir, 'generator'))]).toEqual([40, 40]);
  });

  it('ema can be turned on when resuming a run without it: the average starts from the trained weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-gan-'));
    await runGanTask(ganTask(ganFields({ steps: 10 })), session(dir));
    const r = await runGanTask(ganTask(ganFields({ ema: 0.9 })), session(dir, true));
    expect(r.history.map((h) => h.step)).toEqual([10, 20]);
    expect([await optimizerSteps(join(dir, 'generator-training')), await optimizerSteps(join(dir, 'discriminator'))]).toEqual([20, 20]);
  });
});

/** 64 labelled bars of 6×6: class 0 vertical, class 1 horizontal, one-hot. */
function labelledBars(): RuntimeData {
  const y = Float32Array.from({ length: 64 * 2 }, (_, k) => Number(k % 2 === Math.floor(k / 2) % 2));
  return { kind: 'dataset', x: barImages(), y: new DenseColumn(y, [2]), info: {} };
}

/** A generator of [z, one-hot class] and a discriminator with a score and class probabilities. */
function conditionalTask(fields: GanFields) {
  return {
    name: 'Bars', baseDir: '.', data: labelledBars(), fields,
    generator: () => {
      const z = tf.input({ shape: [4] }), kind = tf.input({ shape: [2] });
      const h = tf.layers.dense({ units: 16, activation: 'relu' }).apply(tf.layers.concatenate().apply([z, kind])) as tf.SymbolicTensor;
      const image = tf.layers.reshape({ targetShape: [6, 6, 1] }).apply(tf.layers.dense({ units: 36, activation: 'sigmoid' }).apply(h)) as tf.SymbolicTensor;
      return tf.model({ inputs: [z, kind], outputs: image });
    },
    discriminator: () => {
      const image = tf.input({ shape: [6, 6, 1] });
      const h = tf.layers.dense({ units: 16, activation: 'relu' }).apply(tf.layers.flatten().apply(image)) as tf.SymbolicTensor;
      const score = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(h) as tf.SymbolicTensor;
      const kind = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
      return tf.model({ inputs: image, outputs: [score, kind] });
    },
  };
}

describe('conditional gan', () => {
  it('the class loss (the train task\'s categorical cross-entropy) and class codes, by hand', () => {
    expect(value(categoricalCrossentropyOfBatch(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0.2, 0.8], [0.6, 0.4]])))).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 5);
    expect(classCodes(5, 3, false).arraySync()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    const random = classCodes(300, 3, true);
    expect(random.sum(1).arraySync()).toEqual(Array(300).fill(1));
    expect((random.sum(0).arraySync() as number[]).every((count) => count > 60)).toBe(true);
  });

  it('the generator learns to draw the class it is asked for; the discriminator classifies real and generated images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-gan-'));
    const r = await runGanTask(conditionalTask(ganFields({ steps: 300, sampleEvery: 100, batchSize: 16, ema: 0.9 })), session(dir));
    expect(r.status).toBe('done');
    const last = r.history[r.history.length - 1]!;
    expect(last).toMatchObject({ class_real: expect.any(Number), class_fake: expect.any(Number) });
    expect('class_real' in last && last.class_real).toBeGreaterThan(0.9);
    expect('class_fake' in last && last.class_fake).toBeGreaterThan(0.9);
    // Asked for 32 of each class, the saved generator's images lean the way of the class:
    // (brightest column − brightest row) is higher for every one asked for class 0 (vertical
    // bars) than for any asked for class 1 (horizontal).
    const generator = (await loadCheckpoint(join(dir, 'generator')))!.model;
    const images = tf.tidy(() => generator.predict([tf.randomNormal([64, 4]), classCodes(64, 2, false)]) as tf.Tensor4D);
    const brightest = (axis: number) => images.mean(axis).max(1).reshape([64]).arraySync() as number[];
    const columns = brightest(1), rows = brightest(2);
    const lean = (kind: number) => columns.map((c, i) => c - rows[i]!).filter((_, i) => i % 2 === kind);
    expect(Math.min(...lean(0))).toBeGreaterThan(Math.max(...lean(1)));
    expect(existsSync(join(dir, 'samples-000300.png'))).toBe(true);
  });

  it('--resume continues a conditional gan with ema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-gan-'));
    await runGanTask(conditionalTask(ganFields({ steps: 20, ema: 0.9 })), session(dir));
    const more = await runGanTask(conditionalTask(ganFields({ steps: 40, ema: 0.9 })), session(dir, true));
    expect(more.history.map((h) => h.step)).toEqual([10, 20, 30, 40]);
    expect(more.history.every((h) => 'class_real' in h && 'class_fake' in h)).toBe(true);
    expect([await optimizerSteps(join(dir, 'generator-training')), await optimizerSteps(join(dir, 'discriminator'))]).toEqual([40, 40]);
  });

  it('a step leaks no tensor: a run of 30 steps keeps as many as one of 10 (its models and optimizers)', async () => {
    const kept = async (steps: number) => {
      const before = tf.memory().numTensors;
      await runGanTask(conditionalTask(ganFields({ steps, ema: 0.9 })), session(mkdtempSync(join(tmpdir(), 'nnc-gan-'))));
      return tf.memory().numTensors - before;
    };
    expect(await kept(30)).toBe(await kept(10));
  });
});
