// The `dream` task (std.dream): DeepDream as in the classic Keras example. Gradient ascent on
// the weighted mean squared activations of chosen layers (borders excluded), over a pyramid
// of sizes from small to the image's own; before each larger size the detail that shrinking
// lost is put back. The result's gain is its weighted activation over the original's.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RuntimeData } from '../data/column.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writePng } from '../io/png.js';
import { FeatureExtractor } from '../features/extract.js';
import { loadNetwork, type NetworkSpec } from '../features/network.js';
import type { Session } from '../session.js';
import { floatsOf, scalarOf, scalarsOf } from '../readback.js';
import { imagesOf } from './generative.js';
import type { TaskOutcome } from './outcome.js';
import { taskSetup } from './setup.js';

export interface DreamFields {
  network: NetworkSpec; layers: Record<string, number>; octaves: number; octaveScale: number; iterations: number;
  step: number; maxLoss: number; normalizeGradient: boolean; detail: boolean; save: string;
}

export interface DreamTask { name: string; baseDir: string; data: RuntimeData; fields: DreamFields }

export interface OctaveRecord { size: [number, number]; lossStart: number; lossEnd: number; iterations: number }
export interface DreamRecord { image: string; octaves: OctaveRecord[]; originalLoss: number; dreamLoss: number; gain: number; seconds: number }
export interface DreamResult extends TaskOutcome { dreams: DreamRecord[] }

/** The weighted sum over layers of the mean squared activation, 2-pixel borders left out
 *  where the map is large enough (they only see padding); `layers` weighs each of the
 *  extractor's layers. */
export function dreamLoss(features: FeatureExtractor, layers: Readonly<Record<string, number>>, image: tf.Tensor4D): tf.Scalar {
  const weights = features.names.map((n) => layers[n]!);
  const acts = features.apply(image);
  return tf.addN(acts.map((a, i) => {
    const [, h, w] = a.shape as number[];
    const inner = a.rank === 4 && h! > 4 && w! > 4 ? tf.slice(a, [0, 2, 2, 0], [-1, h! - 4, w! - 4, -1]) : a;
    return tf.mul(tf.mean(tf.square(inner)), weights[i]!);
  })) as tf.Scalar;
}

const resize = (x: tf.Tensor4D, [h, w]: [number, number]) => tf.image.resizeBilinear(x, [h, w], false, true);

/** The sizes of the pyramid, smallest first, the last the image's own. */
export function octaveSizes(h: number, w: number, octaves: number, scale: number): [number, number][] {
  return Array.from({ length: octaves }, (_, i) => {
    const f = scale ** (octaves - 1 - i);
    return [Math.max(1, Math.round(h / f)), Math.max(1, Math.round(w / f))] as [number, number];
  });
}

/** Dreams one image [1, h, w, 3] in [0, 1]; returns the result and the loss per octave. */
export async function dream(original: tf.Tensor4D, features: FeatureExtractor, f: DreamFields, s: Session): Promise<{ image: tf.Tensor4D; octaves: OctaveRecord[] }> {
  const lossOf = (x: tf.Tensor4D) => dreamLoss(features, f.layers, x);
  const gradOf = tf.valueAndGrad(lossOf);
  const [, h, w] = original.shape;
  const sizes = octaveSizes(h, w, f.octaves, f.octaveScale);
  let img = resize(original, sizes[0]!);
  let shrunk = img.clone();
  const octaves: OctaveRecord[] = [];
  for (const [k, size] of sizes.entries()) {
    if (k > 0) {
      // Upscale the dream; put back the detail the original lost by shrinking.
      const next = tf.tidy(() => {
        const up = resize(img, size);
        if (!f.detail) return up;
        const lost = tf.sub(resize(original, size), resize(shrunk, size));
        return tf.add(up, lost) as tf.Tensor4D;
      });
      img.dispose();
      img = next;
      shrunk.dispose();
      shrunk = resize(original, size);
    }
    let lossStart = NaN, loss = NaN, done = 0;
    for (let i = 0; i < f.iterations; i++) {
      const [next, value] = tf.tidy(() => {
        const { value, grad } = gradOf(img);
        const g = f.normalizeGradient ? tf.div(grad, tf.maximum(tf.mean(tf.abs(grad)), 1e-7)) : grad;
        return [tf.add(img, tf.mul(g, f.step)) as tf.Tensor4D, value];
      });
      loss = await scalarOf(value);
      if (i === 0) lossStart = loss;
      if (!Number.isFinite(loss) || (f.maxLoss > 0 && loss > f.maxLoss)) { next.dispose(); break; }
      img.dispose();
      img = next;
      done++;
      s.reporter.step(i + 1, { loss });
      await new Promise((r) => setImmediate(r));
      if (s.interrupt.requested) break;
    }
    const lossEnd = await scalarOf(tf.tidy(() => lossOf(img)));
    if (!Number.isFinite(loss)) throw new DreamNaN(`the loss became ${loss} in octave ${k + 1}`);
    octaves.push({ size, lossStart, lossEnd, iterations: done });
    s.reporter.epochEnd();
    s.reporter.line(`  octave ${k + 1}/${sizes.length} ${size[0]}x${size[1]}: loss ${lossStart.toFixed(4)} → ${lossEnd.toFixed(4)} in ${done} steps`);
    if (s.interrupt.requested) break;
  }
  shrunk.dispose();
  const out = tf.tidy(() => tf.clipByValue(img.shape[1] === h && img.shape[2] === w ? img : resize(img, [h, w]), 0, 1) as tf.Tensor4D);
  img.dispose();
  return { image: out, octaves };
}

class DreamNaN extends Error {}

export async function runDreamTask(t: DreamTask, s: Session): Promise<DreamResult> {
  const f = t.fields;
  const images = imagesOf(t.data, `dream ${t.name}`);
  const { outDir } = taskSetup(s, t.baseDir, f.save, undefined);
  const network = await loadNetwork(f.network, t.baseDir);
  const names = Object.keys(f.layers);
  const features = new FeatureExtractor(network, names, f.network.pixels);
  s.reporter.line(`dream ${t.name}: ${images.n} image(s) of [${images.sampleShape.join(', ')}], layers ${names.map((n) => `${n}×${f.layers[n]}`).join(', ')}, saving to ${outDir}`);
  const dreams: DreamRecord[] = [];
  for (let i = 0; i < images.n && !s.interrupt.requested; i++) {
    const started = Date.now();
    const original = images.gather([i]) as tf.Tensor4D;
    let dreamt: Awaited<ReturnType<typeof dream>>;
    try {
      dreamt = await dream(original, features, f, s);
    } catch (err) {
      if (!(err instanceof DreamNaN)) throw err;
      original.dispose();
      network.dispose();
      return { status: 'nan', message: `${err.message} while dreaming image ${i + 1}; ${dreams.length} dream(s) written to ${outDir}`, dreams };
    }
    const { image, octaves } = dreamt;
    const [before, after] = await scalarsOf(tf.tidy(() => [original, image].map((x) => dreamLoss(features, f.layers, x))));
    const file = images.n === 1 ? 'dream.png' : `dream-${i}.png`;
    const [, h, w] = image.shape;
    writePng(join(outDir, file), { data: await floatsOf(image.clone()), height: h, width: w, channels: 3 });
    const rec: DreamRecord = { image: file, octaves, originalLoss: before!, dreamLoss: after!, gain: after! / before!, seconds: (Date.now() - started) / 1000 };
    dreams.push(rec);
    s.reporter.line(`  ${file}: weighted activation ${before!.toFixed(4)} → ${after!.toFixed(4)} (${rec.gain.toFixed(1)}x) in ${rec.seconds.toFixed(0)} s`);
    tf.dispose([original, image]);
  }
  writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify({ task: t.name, layers: f.layers, dreams }, null, 2) + '\n');
  network.dispose();
  const status = s.interrupt.requested ? 'interrupted' : 'done';
  return { status, message: `${status === 'done' ? 'wrote' : 'interrupted after'} ${dreams.length} dream(s) to ${outDir}`, dreams };
}
