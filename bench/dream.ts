// Image-gradient speed of the feature networks (dream and style steps), side by side in one
// run: nnc's extractor (plain ops, frozen weights, batch norm folded) against the same
// network run through tf-layers (fused convolutions, whose gradient also computes every
// filter gradient), on the packaged InceptionV3 up to mixed5, one 299 × 299 image on wasm
// (149 × 149 on cpu) (tf-layers needs unit gammas in its batch norms to differentiate at all).
// Goal: the extractor's step ≥ 1.5x faster on the default backend.
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { PACKAGED_MODELS } from '../compiler/pretrained/packaged.js';
import { selectBackend } from '../runtime/backend.js';
import { FeatureExtractor } from '../runtime/features/extract.js';
import { loadNetwork } from '../runtime/features/network.js';

const LAYERS = ['mixed2', 'mixed3', 'mixed4', 'mixed5'];

/** The same network with scale: true and unit gammas in every batch norm: tf.grad through
 *  tf-layers' BatchNormalization with scale: false crashes in tfjs 4.22, so this is the
 *  tf-layers path that runs at all. */
async function unitGammaTwin(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = JSON.parse(JSON.stringify(model.toJSON(null, false))) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  for (const l of topology.config.layers) if (l.class_name === 'BatchNormalization') l.config['scale'] = true;
  const twin = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as tf.io.ModelJSON);
  for (const layer of model.layers) {
    const w = layer.getWeights();
    if (!w.length) continue;
    const scaled = layer.getClassName() === 'BatchNormalization' && (layer.getConfig() as { scale?: boolean }).scale === false;
    twin.getLayer(layer.name).setWeights(scaled ? [tf.onesLike(w[0]!), ...w] : w);
  }
  return twin;
}

/** Mean seconds of one value-and-gradient step after a warm-up, over `steps`. */
async function stepSeconds(objective: (x: tf.Tensor4D) => tf.Scalar, x: tf.Tensor4D, steps: number): Promise<number> {
  const step = tf.valueAndGrad(objective);
  const once = async () => {
    const { value, grad } = step(x);
    await grad.data();
    tf.dispose([value, grad]);
  };
  await once();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await once();
  return (performance.now() - t0) / 1000 / steps;
}

export async function benchDream(): Promise<void> {
  console.log('\n## Image gradients: InceptionV3 to mixed5 (s per step)\n');
  console.log('| backend, image | nnc extractor | tf-layers | speed-up |');
  console.log('|---|---|---|---|');
  const m = PACKAGED_MODELS.get('inception_v3')!;
  for (const backend of (process.env['BENCH_BACKENDS']?.split(',') ?? ['wasm', 'cpu']) as ('wasm' | 'cpu')[]) {
    await selectBackend(backend);
    const model = await loadNetwork({ kind: 'package', npm: m.npm, folder: m.folder, label: 'inception_v3()', pixels: m.pixels }, '.');
    const features = new FeatureExtractor(model, LAYERS, 'unit');
    const twin = await unitGammaTwin(model);
    const layered = tf.model({ inputs: twin.inputs, outputs: LAYERS.map((n) => twin.getLayer(n).output as tf.SymbolicTensor) });
    const loss = (acts: tf.Tensor[]) => tf.addN(acts.map((a) => tf.mean(tf.square(a)))) as tf.Scalar;
    // The cpu backend is ~25x slower: a smaller image keeps its row to minutes.
    const size = backend === 'wasm' ? 299 : 149;
    const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const steps = backend === 'wasm' ? 3 : 1;
    const ours = await stepSeconds((img) => loss(features.apply(img)), x, steps);
    let theirs: number | string;
    try {
      theirs = await stepSeconds((img) => loss(layered.apply(img) as tf.Tensor[]), x, steps);
    } catch (err) {
      theirs = `fails: ${(err as Error).message.split('\n')[0]!.slice(0, 60)}`;
    }
    const ratio = typeof theirs === 'number' ? `${(theirs / ours).toFixed(2)}x` : '–';
    console.log(`| ${backend}, ${size} × ${size} | ${ours.toFixed(2)} | ${typeof theirs === 'number' ? theirs.toFixed(2) : theirs} | ${ratio} |`);
    model.dispose();
    twin.dispose();
    x.dispose();
  }
}
