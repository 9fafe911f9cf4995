// The `style_transfer` task (std.style), after Gatys et al.: an optimizer changes the pixels
// of the content image so that a deep layer still sees the content while the Gram matrices
// of several layers match the style image's, with total variation against noise. The targets
// (content activations, style Grams) are computed once; each step differentiates the loss
// with respect to the image only.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RuntimeData } from '../data/column.js';
import { writeFileAtomic } from '../io/atomic.js';
import { lossCurveSvg } from '../io/plot.js';
import { writePng } from '../io/png.js';
import { FeatureExtractor } from '../features/extract.js';
import { loadNetwork, type NetworkSpec } from '../features/network.js';
import type { Session } from '../session.js';
import { floatsOf, scalarOf, scalarsOf } from '../readback.js';
import { imagesOf } from './generative.js';
import type { TaskOutcome } from './outcome.js';
import { taskSetup } from './setup.js';
import { makeOptimizer, type OptimizerSpec } from './vocab.js';
import { fault } from '../errors.js';

export interface StyleFields {
  network: NetworkSpec; contentLayer: string; styleLayers: string[]; contentWeight: number; styleWeight: number; tvWeight: number;
  optimizer: OptimizerSpec; iterations: number; saveEvery: number; save: string;
}

export interface StyleTask { name: string; baseDir: string; data: RuntimeData; style: RuntimeData; fields: StyleFields }

export interface StyleLosses { total: number; content: number; style: number; tv: number }
export interface StyleResult extends TaskOutcome {
  start: StyleLosses; end: StyleLosses; history: StyleLosses[]; seconds: number;
  /** The content loss of the style image itself, resized to the content's size: what a
   *  picture that has nothing of the photograph scores, the bound for "content kept". */
  contentOfStyle: number;
}

/** Channel correlations of feature maps [1, h, w, c], normalised by h × w: [c, c]. */
export function gram(features: tf.Tensor): tf.Tensor2D {
  const [, h, w, c] = features.shape as number[];
  const flat = tf.reshape(features, [h! * w!, c!]) as tf.Tensor2D;
  return tf.div(tf.matMul(flat, flat, true, false), h! * w!) as tf.Tensor2D;
}

/** Mean squared difference of neighbouring pixels, down and across. */
export function totalVariation(x: tf.Tensor4D): tf.Scalar {
  const [, h, w] = x.shape;
  const down = tf.sub(tf.slice(x, [0, 1, 0, 0], [-1, h - 1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, h - 1, -1, -1]));
  const across = tf.sub(tf.slice(x, [0, 0, 1, 0], [-1, -1, w - 1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, -1, w - 1, -1]));
  return tf.add(tf.mean(tf.square(down)), tf.mean(tf.square(across))) as tf.Scalar;
}

/** The three losses of an image against fixed targets, as tensors (for the gradient). */
export function styleLosses(features: FeatureExtractor, contentTarget: tf.Tensor, styleTargets: tf.Tensor2D[], x: tf.Tensor4D) {
  const [content, ...styles] = features.apply(x);
  const contentLoss = tf.mean(tf.square(tf.sub(content!, contentTarget))) as tf.Scalar;
  const styleLoss = tf.div(tf.addN(styles.map((f, i) => tf.mean(tf.square(tf.sub(gram(f), styleTargets[i]!))))), styles.length) as tf.Scalar;
  return { content: contentLoss, style: styleLoss, tv: totalVariation(x) };
}

function firstImage(d: RuntimeData, what: string): tf.Tensor4D {
  const images = imagesOf(d, what);
  if (images.n < 1) throw fault('data', `${what} has no image`);
  return images.gather([0]) as tf.Tensor4D;
}

export async function runStyleTask(t: StyleTask, s: Session): Promise<StyleResult> {
  const f = t.fields;
  const started = Date.now();
  const { outDir } = taskSetup(s, t.baseDir, f.save, undefined);
  const contentImage = firstImage(t.data, `style_transfer ${t.name} (content)`);
  const styleImage = firstImage(t.style, `style_transfer ${t.name} (style)`);
  const network = await loadNetwork(f.network, t.baseDir);
  const features = new FeatureExtractor(network, [f.contentLayer, ...f.styleLayers], f.network.pixels);
  const contentTarget = tf.tidy(() => features.apply(contentImage)[0]!);
  const contentOfStyle = await scalarOf(tf.tidy(() => {
    const painting = tf.image.resizeBilinear(styleImage, [contentImage.shape[1], contentImage.shape[2]], false, true);
    return tf.mean(tf.square(tf.sub(features.apply(painting)[0]!, contentTarget)));
  }));
  const styleTargets = tf.tidy(() => features.apply(styleImage).slice(1).map(gram));
  const [, h, w] = contentImage.shape;
  s.reporter.line(`style_transfer ${t.name}: content ${h}x${w}, style ${styleImage.shape[1]}x${styleImage.shape[2]}, content layer ${f.contentLayer}, style layers ${f.styleLayers.join(', ')}, saving to ${outDir}`);
  const image = tf.variable(contentImage.clone());
  const optimizer = makeOptimizer(f.optimizer);
  const weighted = (l: ReturnType<typeof styleLosses>) =>
    tf.addN([tf.mul(l.content, f.contentWeight), tf.mul(l.style, f.styleWeight), tf.mul(l.tv, f.tvWeight)]) as tf.Scalar;
  const measure = async (): Promise<StyleLosses> => {
    const [content, style, tv, total] = await scalarsOf(tf.tidy(() => {
      const l = styleLosses(features, contentTarget, styleTargets, image);
      return [l.content, l.style, l.tv, weighted(l)];
    }));
    return { total: total!, content: content!, style: style!, tv: tv! };
  };
  const save = async (file: string) => writePng(join(outDir, file), { data: await floatsOf(image.clone()), height: h, width: w, channels: 3 });
  const start = await measure();
  const history: StyleLosses[] = [start];
  s.reporter.epochStart(1, 1, f.iterations);
  for (let i = 1; i <= f.iterations; i++) {
    tf.tidy(() => {
      optimizer.minimize(() => weighted(styleLosses(features, contentTarget, styleTargets, image)), false, [image]);
      image.assign(tf.clipByValue(image, 0, 1));
    });
    const l = await measure();
    if (!Number.isFinite(l.total)) {
      s.reporter.epochEnd();
      return { status: 'nan', message: `the loss became ${l.total} at step ${i}; style.png holds the last picture saved`, start, end: l, history, seconds: (Date.now() - started) / 1000, contentOfStyle };
    }
    history.push(l);
    s.reporter.step(i, { loss: l.total, content: l.content, style: l.style });
    if (f.saveEvery > 0 && i % f.saveEvery === 0) {
      await save('style.png');
      s.reporter.line(`  step ${i}: loss ${l.total.toFixed(4)} (content ${l.content.toFixed(4)}, style ${l.style.toExponential(3)}, tv ${l.tv.toFixed(5)})`);
    }
    await new Promise((r) => setImmediate(r));
    if (s.interrupt.requested) break;
  }
  s.reporter.epochEnd();
  await save('style.png');
  const end = history[history.length - 1]!;
  const seconds = (Date.now() - started) / 1000;
  writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify({ task: t.name, start, end, contentOfStyle, seconds, history }, null, 2) + '\n');
  writeFileAtomic(join(outDir, 'loss.svg'), lossCurveSvg(`style_transfer ${t.name}`, [
    { name: 'total', color: '#1f77b4', values: history.map((l) => l.total) },
    { name: 'content × weight', color: '#2ca02c', values: history.map((l) => l.content * f.contentWeight) },
    { name: 'style × weight', color: '#d62728', values: history.map((l) => l.style * f.styleWeight) },
  ], 640, 360, 'step'));
  tf.dispose([contentImage, styleImage, contentTarget, ...styleTargets, image]);
  network.dispose();
  const status = s.interrupt.requested ? 'interrupted' : 'done';
  const ratio = start.style / Math.max(end.style, 1e-12);
  return {
    status, start, end, history, seconds, contentOfStyle,
    message: `${status === 'done' ? 'wrote' : 'interrupted; wrote'} ${join(outDir, 'style.png')}: style loss ${start.style.toExponential(3)} → ${end.style.toExponential(3)} (${ratio.toFixed(1)}x lower), content loss 0 → ${end.content.toFixed(4)} (the painting itself scores ${contentOfStyle.toFixed(4)}), in ${seconds.toFixed(0)} s`,
  };
}
