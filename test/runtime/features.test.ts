// Feature networks for dream and style: the extractor's activations and image gradients
// against tf-layers' own on random shapes, topology reading, Keras HDF5 weights (files
// written here with h5wasm in the Keras 2 layout), and the packaged InceptionV3.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTopology, TopologyError } from '../../compiler/pretrained/topology.js';
import { selectBackend } from '../../runtime/backend.js';
import { FeatureExtractor, preprocess } from '../../runtime/features/extract.js';
import { loadKerasWeights, readKerasWeights } from '../../runtime/features/keras-h5.js';
import { loadNetwork } from '../../runtime/features/network.js';
import { writeKerasH5 } from '../h5.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-4) => {
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]!);
  expect(err).toBeLessThanOrEqual(tol * Math.max(1, scale));
};

/** A small Inception-like functional convnet with every layer class the extractor knows. */
function convnet(seed: number, bnScale: boolean): tf.LayersModel {
  const init = (k: number) => tf.initializers.randomNormal({ stddev: 0.3, seed: seed + k });
  const input = tf.input({ shape: [null, null, 3] as unknown as number[], name: 'image' });
  const a = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, kernelInitializer: init(1), name: 'conv_a' }).apply(input);
  const bn = tf.layers.batchNormalization({ scale: bnScale, name: 'bn_a', betaInitializer: init(2), movingMeanInitializer: init(3), movingVarianceInitializer: 'ones' }).apply(a);
  const act = tf.layers.activation({ activation: 'relu', name: 'act_a' }).apply(bn);
  const left = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: init(4), biasInitializer: init(5), name: 'left' }).apply(act);
  const padded = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pad' }).apply(act);
  const right = tf.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: init(6), name: 'depthwise' }).apply(padded);
  const sep = tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'tanh', depthwiseInitializer: init(7), pointwiseInitializer: init(8), name: 'separable' }).apply(act);
  const pooled = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'avg' }).apply(sep);
  const mixed = tf.layers.concatenate({ name: 'mixed' }).apply([left, right, pooled] as tf.SymbolicTensor[]);
  const down = tf.layers.maxPooling2d({ poolSize: 2, name: 'max' }).apply(mixed);
  const sum = tf.layers.add({ name: 'sum' }).apply([down, tf.layers.conv2d({ filters: 15, kernelSize: 1, kernelInitializer: init(9), name: 'proj' }).apply(down)] as tf.SymbolicTensor[]);
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum);
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(10), name: 'head' }).apply(gap);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor, name: 'convnet' });
}

const LAYERS = ['act_a', 'left', 'depthwise', 'separable', 'mixed', 'max', 'sum', 'gap', 'head'];

describe('FeatureExtractor', () => {
  it.each([[11, 15], [17, 20], [9, 9]])('gives tf-layers\' activations and image gradients on %ix%i images', (h, w) => {
    const model = convnet(h * w, true);
    const features = new FeatureExtractor(model, LAYERS, 'unit');
    const x = tf.randomUniform([2, h, w, 3], 0, 1, 'float32', h + w) as tf.Tensor4D;
    const reference = tf.model({ inputs: model.inputs, outputs: LAYERS.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
    const ours = features.apply(x);
    const theirs = reference.apply(x) as tf.Tensor[];
    ours.forEach((t, i) => {
      expect(t.shape, LAYERS[i]).toEqual(theirs[i]!.shape);
      close(t, theirs[i]!);
    });
    // The gradient of a weighted sum of squared activations with respect to the image.
    const objective = (acts: tf.Tensor[]) => tf.addN(acts.map((a, i) => tf.mul(tf.mean(tf.square(a)), i + 1))) as tf.Scalar;
    const g1 = tf.grad((img: tf.Tensor) => objective(features.apply(img as tf.Tensor4D)))(x);
    const g2 = tf.grad((img: tf.Tensor) => objective(reference.apply(img) as tf.Tensor[]))(x);
    close(g1, g2);
  });

  it('folds batch normalisation without scale (tf.grad through tf-layers crashes on it)', () => {
    const model = convnet(3, false);
    const features = new FeatureExtractor(model, ['bn_a'], 'unit');
    const x = tf.randomUniform([1, 9, 9, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const [beta, mean, variance] = model.getLayer('bn_a').getWeights();
    const conv = tf.conv2d(x, model.getLayer('conv_a').getWeights()[0] as tf.Tensor4D, 2, 'valid');
    const expected = tf.add(tf.div(tf.sub(conv, mean!), tf.sqrt(tf.add(variance!, 1e-3))), beta!);
    close(features.apply(x)[0]!, expected);
    const g = tf.grad((img: tf.Tensor) => tf.sum(features.apply(img as tf.Tensor4D)[0]!))(x);
    expect(g.shape).toEqual([1, 9, 9, 3]);
    expect(tf.any(tf.isNaN(g)).dataSync()[0]).toBe(0);
  });

  it('computes only what the named layers need, and names a missing layer', () => {
    const model = convnet(5, true);
    expect(() => new FeatureExtractor(model, ['nope'], 'unit')).toThrow(/no layer nope/);
    const early = new FeatureExtractor(model, ['left'], 'unit');
    expect((early as unknown as { steps: { name: string }[] }).steps.map((s) => s.name)).toEqual(['image', 'conv_a', 'bn_a', 'act_a', 'left']);
  });

  it('applies Dense to the last axis of a feature map, as Keras does', () => {
    const input = tf.input({ shape: [5, 6, 3] });
    const out = tf.layers.dense({ units: 4, activation: 'relu', name: 'per_pixel', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }), biasInitializer: 'ones' }).apply(input);
    const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
    const x = tf.randomUniform([2, 5, 6, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    close(new FeatureExtractor(model, ['per_pixel'], 'unit').apply(x)[0]!, model.predict(x) as tf.Tensor);
  });

  it('preprocesses pixels for each range', () => {
    const x = tf.tensor4d([0, 0.5, 1], [1, 1, 1, 3]);
    expect(Array.from(preprocess(x, 'unit').dataSync())).toEqual([0, 0.5, 1]);
    expect(Array.from(preprocess(x, 'signed').dataSync())).toEqual([-1, 0, 1]);
    const caffe = Array.from(preprocess(x, 'caffe').dataSync());
    [255 - 103.939, 127.5 - 116.779, 0 - 123.68].forEach((v, i) => expect(caffe[i]).toBeCloseTo(v, 3));
  });
});

describe('readTopology', () => {
  it('reads what tfjs saves: input shape and layer names in order', async () => {
    const model = convnet(1, true);
    let topology: unknown;
    await model.save(tf.io.withSaveHandler(async (a) => {
      topology = a.modelTopology;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const t = readTopology({ modelTopology: topology });
    expect(t.input).toEqual([null, null, null, 3]);
    expect(t.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(t.layers.find((l) => l.name === 'bn_a')!.className).toBe('BatchNormalization');
  });

  it('reads a Sequential config, and says what is missing', () => {
    const seq = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Conv2D', config: { name: 'c', batch_input_shape: [null, 32, 32, 3] } }] } };
    expect(readTopology({ modelTopology: { model_config: seq } })).toEqual({ input: [null, 32, 32, 3], layers: [{ name: 'c', className: 'Conv2D' }] });
    expect(() => readTopology({ hello: 1 })).toThrow(TopologyError);
    expect(() => readTopology({ class_name: 'Model', config: { layers: [] } })).toThrow(/no layers/);
    expect(() => readTopology({ class_name: 'Model', config: { layers: [{ class_name: 'Dense', config: { name: 'd' } }] } })).toThrow(/input shape/);
  });
});

describe('Keras HDF5 weights', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-h5-'));

  function bidirectionalModel(): tf.LayersModel {
    const input = tf.input({ shape: [5, 3] });
    const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN, name: 'bidirectional_1' }).apply(input);
    const dropped = tf.layers.dropout({ rate: 0.5, name: 'dropout_1' }).apply(bi);
    const out = tf.layers.dense({ units: 2, name: 'dense_1' }).apply(dropped);
    return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  }

  it('loads nested Bidirectional groups, layers without weights, names with and without :0', async () => {
    const model = bidirectionalModel();
    const source = bidirectionalModel();
    const w = source.getWeights();
    const bi = source.getLayer('bidirectional_1').weights.length;
    const names = ['forward_lstm_1/kernel:0', 'forward_lstm_1/recurrent_kernel:0', 'forward_lstm_1/bias:0', 'backward_lstm_1/kernel', 'backward_lstm_1/recurrent_kernel', 'backward_lstm_1/bias'];
    expect(bi).toBe(6);
    const path = join(dir, 'weights.h5');
    await writeKerasH5(path, [
      ['input_1', []],
      ['bidirectional_1', names.map((n, i) => [`bidirectional_1/${n}`, w[i]!] as [string, tf.Tensor])],
      ['dropout_1', []],
      ['dense_1', [['dense_1/kernel:0', w[6]!], ['dense_1/bias:0', w[7]!]]],
    ]);
    await loadKerasWeights(model, path);
    model.getWeights().forEach((t, i) => close(t, w[i]!, 0));
    const x = tf.randomNormal([2, 5, 3]);
    close(model.predict(x) as tf.Tensor, source.predict(x) as tf.Tensor, 1e-6);
  });

  it('reads whole saved models (weights under /model_weights)', async () => {
    const path = join(dir, 'model.h5');
    const kernel = tf.ones([3, 2]);
    await writeKerasH5(path, [['dense_1', [['dense_1/kernel:0', kernel], ['dense_1/bias:0', tf.zeros([2])]]]], { class_name: 'Functional', config: {} });
    const weights = await readKerasWeights(path);
    expect([...weights.keys()]).toEqual(['dense_1']);
    expect(weights.get('dense_1')!.map((x) => x.shape)).toEqual([[3, 2], [2]]);
  });

  it('refuses, in one line, a missing layer, a wrong shape and a file that is not HDF5', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'dense_9' })] });
    const path = join(dir, 'other.h5');
    await writeKerasH5(path, [['dense_1', [['dense_1/kernel:0', tf.ones([4, 2])], ['dense_1/bias:0', tf.zeros([2])]]]]);
    await expect(loadKerasWeights(model, path)).rejects.toThrow(/has no weights for layer dense_9$/);
    const wrong = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'dense_1' })] });
    await expect(loadKerasWeights(wrong, path)).rejects.toThrow(/weight dense_1\/kernel:0 of layer dense_1 is \[4,2\] but the model wants \[3,2\]/);
    const text = join(dir, 'not.h5');
    writeFileSync(text, 'hello');
    await expect(readKerasWeights(text)).rejects.toThrow(/is not an HDF5 file/);
    await expect(readKerasWeights(join(dir, 'absent.h5'))).rejects.toThrow(/no such file/);
  });
});

describe('the packaged InceptionV3 (nsfwjs)', () => {
  it('loads offline, and the extractor matches tf-layers on a small image', async () => {
    const model = await loadNetwork({ kind: 'package', npm: 'nsfwjs', folder: 'dist/models/inception_v3', label: 'inception_v3()', pixels: 'unit' }, '.');
    expect(model.layers.length).toBe(318);
    const names = ['conv2d_1', 'activation_5', 'mixed0'];
    const features = new FeatureExtractor(model, names, 'unit');
    const x = tf.randomUniform([1, 83, 91, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const reference = tf.model({ inputs: model.inputs, outputs: names.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
    const ours = features.apply(x);
    (reference.apply(x) as tf.Tensor[]).forEach((t, i) => close(ours[i]!, t, 1e-4));
    model.dispose();
  }, 60_000);
});
