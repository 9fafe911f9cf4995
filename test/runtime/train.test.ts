// The train procedure on tiny generated data: it learns, it is deterministic with a seed on
// cpu, NaN keeps the last good checkpoint, an interrupt saves and --resume continues, and the
// checkpoint folder loads in plain tfjs.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { DenseColumn } from '../../runtime/data/column.js';
import { loadCheckpoint } from '../../runtime/io/checkpoint.js';
import { NncError } from '../../runtime/errors.js';
import { silentReporter } from '../../runtime/progress.js';
import { seedGlobalRandom } from '../../runtime/random.js';
import { train, trainStep, type TrainOptions } from '../../runtime/tasks/train.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** y = 2·x0 - x1 + 0.5 with a little noise, 256 samples. */
function linearData() {
  const n = 256, x = new Float32Array(n * 2), y = new Float32Array(n);
  let s = 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    x[2 * i] = rnd();
    x[2 * i + 1] = rnd();
    y[i] = 2 * x[2 * i]! - x[2 * i + 1]! + 0.5 + 0.01 * rnd();
  }
  return { x: new DenseColumn(x, [2]), y: new DenseColumn(y, [1]), info: {} };
}

const build = () => {
  const input = tf.input({ shape: [2] });
  const h = tf.layers.dense({ units: 8, activation: 'tanh', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(h) as tf.SymbolicTensor });
};

function options(over: Partial<TrainOptions> = {}): TrainOptions {
  const seed = over.seed ?? 7;
  seedGlobalRandom(seed);
  return {
    name: 'Tiny', build, data: linearData(), validationSplit: 0.25, loss: 'mse', optimizer: () => tf.train.adam(0.02),
    metrics: ['mae'], epochs: 8, restoreBest: false, batchSize: 16, shuffle: true, seed, outDir: mkdtempSync(join(tmpdir(), 'nnc-train-')),
    resume: false, reporter: silentReporter, ...over,
  };
}

describe('train', () => {
  it('learns: the loss falls and the metrics, curve and checkpoint are written', async () => {
    const o = options();
    const r = await train(o);
    expect(r.status).toBe('done');
    expect(r.history.length).toBe(8);
    expect(r.history[7]!['loss']!).toBeLessThan(r.history[0]!['loss']! / 5);
    expect(r.history[7]!['val_mae']).toBeDefined();
    const metrics = JSON.parse(readFileSync(join(o.outDir, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toBe(8);
    expect(readFileSync(join(o.outDir, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*polyline/);
    expect((await loadCheckpoint(o.outDir))!.state['epoch']).toBe(8);
  });

  it('is deterministic with a seed on cpu (bit-for-bit weights)', async () => {
    const a = await train(options({ epochs: 2 }));
    const b = await train(options({ epochs: 2 }));
    const wa = a.model.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    const c = await train(options({ epochs: 2, seed: 8 }));
    expect(c.model.getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(wa);
  });

  it('stops on NaN/Inf and keeps the last good checkpoint', async () => {
    // Two good epochs, then a learning rate that blows the weights up.
    const sgd = tf.train.sgd(0.01);
    let epochs = 0;
    const o = options({ epochs: 6, optimizer: () => sgd, reporter: { ...silentReporter, line: () => { if (++epochs === 2) sgd.setLearningRate(1e12); } } });
    const r = await train(o);
    expect(r.status).toBe('nan');
    expect(r.message).toMatch(/the loss became (NaN|Infinity) at epoch 3.*last good checkpoint \(epoch 2\)/);
    const kept = await loadCheckpoint(o.outDir);
    expect(kept!.state['epoch']).toBe(2);
    expect(kept!.model.getWeights().every((w) => Array.from(w.dataSync()).every(Number.isFinite))).toBe(true);
  });

  it('an interrupt saves a checkpoint; resume continues from it', async () => {
    const interrupt = { requested: false };
    const o = options({ epochs: 4, interrupt });
    let steps = 0;
    o.reporter = { ...silentReporter, step: () => { if (++steps === 20) interrupt.requested = true; } };
    const r = await train(o);
    expect(r.status).toBe('interrupted');
    const ckpt = await loadCheckpoint(o.outDir);
    expect(ckpt!.state['epoch']).toBe(1); // 12 steps per epoch: stopped in epoch 2
    const resumed = await train({ ...o, resume: true, interrupt: undefined, reporter: silentReporter });
    expect(resumed.status).toBe('done');
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('restore_best ends with the weights of the epoch with the lowest val_loss', async () => {
    const o = options({ epochs: 10, optimizer: () => tf.train.adam(1), restoreBest: true });
    const r = await train(o);
    const losses = r.history.map((h) => h['val_loss']!);
    const best = Math.min(...losses);
    const m = JSON.parse(readFileSync(join(o.outDir, 'metrics.json'), 'utf8'));
    expect(m.best_epoch).toBe(losses.indexOf(best) + 1);
    // The validation split is the last quarter of the data.
    const d = linearData();
    const rows = Array.from({ length: 64 }, (_, i) => 192 + i);
    const loss = tf.losses.meanSquaredError(d.y.gather(rows), r.model.predict(d.x.gather(rows)) as tf.Tensor).dataSync()[0]!;
    expect(loss).toBeCloseTo(best, 4);
  });

  it('a classifier ending with its best epoch reports that epoch\'s accuracy beside the majority baseline', async () => {
    // y = [x0 > 0.3] in training, [x0 > -0.2] in the validation quarter: the better the
    // model fits the first, the worse it does on the second after a while.
    const d = linearData();
    const y = new DenseColumn(Float32Array.from({ length: d.x.n }, (_, i) => (d.x.row(i)[0]! > (i < 192 ? 0.3 : -0.2) ? 1 : 0)), [1]);
    const build = () => {
      const input = tf.input({ shape: [2] });
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(input) as tf.SymbolicTensor });
    };
    const o = options({ build, data: { ...d, y }, loss: 'binary_crossentropy', metrics: ['accuracy'], epochs: 12, optimizer: () => tf.train.adam(1), restoreBest: true });
    const r = await train(o);
    const m = JSON.parse(readFileSync(join(o.outDir, 'metrics.json'), 'utf8'));
    expect(m.best_epoch).not.toBe(12); // the case that matters: the kept epoch is not the last one
    expect(r.baseline!.name).toBe('majority class');
    expect(r.baseline!.model).toBe(r.history[m.best_epoch - 1]!['val_accuracy']);
    expect(r.history[m.best_epoch - 1]!['val_accuracy']).not.toBe(r.history[11]!['val_accuracy']); // and their figures differ
  });

  it('early stopping ends when the monitored loss stops improving', async () => {
    const r = await train(options({ epochs: 50, optimizer: () => tf.train.adam(0.05), earlyStopping: { patience: 2, monitor: 'val_loss' } }));
    expect(r.status).toBe('early_stopped');
    expect(r.history.length).toBeLessThan(50);
  });

  it('refuses a checkpoint that does not fit the model, and a corrupt one, in one line', async () => {
    const o = options({ epochs: 1 });
    await train(o);
    const other = () => {
      const input = tf.input({ shape: [2] });
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(input) as tf.SymbolicTensor });
    };
    await expect(train({ ...o, build: other, resume: true })).rejects.toThrow(/does not fit Tiny: layer out \[2, 1\] now stands where the checkpoint has layer hidden \[2, 8\]; delete it or run without --resume/);
    const json = JSON.parse(readFileSync(join(o.outDir, 'model.json'), 'utf8'));
    writeFileSync(join(o.outDir, json.weightsManifest[0].paths[0]), Buffer.alloc(10));
    await expect(train({ ...o, resume: true })).rejects.toThrow(/the files are corrupt/);
  });

  it('--resume takes the optimizer of the file: a new rate keeps the state, a new kind resets it, model.json records it', async () => {
    const o = options({ epochs: 2, optimizer: () => tf.train.adam(0.02) });
    await train(o);
    const optimizerOf = () => JSON.parse(readFileSync(join(o.outDir, 'model.json'), 'utf8')).trainingConfig.optimizer_config;
    const lines: string[] = [];
    const reporter = { ...silentReporter, line: (l: string) => { lines.push(l); } };
    const sameRate = await train({ ...o, epochs: 3, resume: true, reporter });
    expect(sameRate.status).toBe('done');
    expect(lines.filter((l) => /optimizer/.test(l))).toEqual([]);
    // Adam's state travels: its iteration count is 3 epochs of 12 steps.
    expect(await sameRate.model.optimizer.iterations).toBe(36);
    lines.length = 0;
    const newRate = await train({ ...o, epochs: 4, resume: true, reporter, optimizer: () => tf.train.adam(0.005) });
    expect(lines).toContain('the optimizer Adam now has learningRate 0.005 (was 0.02); its state is kept');
    expect(newRate.model.optimizer.iterations).toBe(48);
    expect(optimizerOf()).toMatchObject({ class_name: 'Adam', config: { learningRate: 0.005 } });
    lines.length = 0;
    const newKind = await train({ ...o, epochs: 5, resume: true, reporter, optimizer: () => tf.train.sgd(0.05) });
    expect(lines).toContain('the optimizer changed from Adam to SGD (learningRate 0.05); its state starts afresh');
    expect(newKind.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(optimizerOf()).toMatchObject({ class_name: 'SGD', config: { learningRate: 0.05 } });
  });

  it('--resume refuses a changed model or data shape, naming what changed', async () => {
    const o = options({ epochs: 1 });
    await train(o);
    const wider = () => {
      const input = tf.input({ shape: [2] });
      const h = tf.layers.dense({ units: 4, activation: 'tanh', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(h) as tf.SymbolicTensor });
    };
    await expect(train({ ...o, build: wider, resume: true })).rejects.toThrow(/does not fit Tiny: layer hidden has weights of \[2, 4\] now but \[2, 8\] in the checkpoint; delete it/);
    const threeInputs = () => {
      const input = tf.input({ shape: [3] });
      const h = tf.layers.dense({ units: 8, activation: 'tanh', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(h) as tf.SymbolicTensor });
    };
    await expect(train({ ...o, build: threeInputs, resume: true })).rejects.toThrow(/the samples are \[3\] now but were \[2\] \(the data or the model's input changed\)/);
  });

  it('malformed nnc metadata in a checkpoint is one checkpoint fault', async () => {
    const o = options({ epochs: 1 });
    await train(o);
    const path = join(o.outDir, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    for (const [nnc, why] of [[{ ...json.userDefinedMetadata.nnc, history: 3 }, 'history is not a list'], [{ ...json.userDefinedMetadata.nnc, epoch: 'x' }, 'epoch is not a count'], ['oops', 'not an object']] as const) {
      writeFileSync(path, JSON.stringify({ ...json, userDefinedMetadata: { nnc } }));
      const err = await train({ ...o, resume: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NncError);
      expect((err as NncError).fault).toEqual({ kind: 'checkpoint', detail: `${path}: the nnc training state is malformed (${why}); delete the folder or run without --resume` });
    }
  });

  it('a weights path that leaves the checkpoint folder is refused, not read', async () => {
    const o = options({ epochs: 1 });
    await train(o);
    const path = join(o.outDir, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    writeFileSync(path, JSON.stringify(json));
    await expect(train({ ...o, resume: true })).rejects.toThrow(`${path} names weights file ../../etc/passwd outside its folder; refusing to read it`);
  });

  it('an Inf validation loss at epoch 1 does not name a checkpoint that does not exist', async () => {
    const o = options({ epochs: 2, optimizer: () => tf.train.sgd(1e30) });
    const r = await train(o);
    expect(r.status).toBe('nan');
    expect(r.message).toMatch(/at epoch 1.*no epoch finished, so there is no checkpoint/);
    expect(r.message).not.toMatch(/epoch 0/);
  });

  it('the checkpoint folder loads with plain tf.loadLayersModel', async () => {
    const o = options({ epochs: 1 });
    const r = await train(o);
    const json = JSON.parse(readFileSync(join(o.outDir, 'model.json'), 'utf8'));
    expect(existsSync(join(o.outDir, json.weightsManifest[0].paths[0]))).toBe(true);
    const bin = readFileSync(join(o.outDir, json.weightsManifest[0].paths[0]));
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }));
    const x = tf.tensor([[0.5, -0.5]]);
    expect((model.predict(x) as tf.Tensor).dataSync()[0]).toBeCloseTo((r.model.predict(x) as tf.Tensor).dataSync()[0]!, 5);
  });
});

describe('trainStep', () => {
  // mse and categorical cross-entropy have fused batch means (FUSED_BATCH_LOSSES; sigmoid
  // outputs do not sum to 1 and some clip), binary cross-entropy is composed.
  it.each([
    { loss: 'categorical_crossentropy', tfjs: 'categoricalCrossentropy', metric: 'accuracy', units: 3, activation: 'softmax' },
    { loss: 'categorical_crossentropy', tfjs: 'categoricalCrossentropy', metric: 'accuracy', units: 3, activation: 'sigmoid' },
    { loss: 'mse', tfjs: 'meanSquaredError', metric: 'mae', units: 2, activation: 'linear' },
    { loss: 'binary_crossentropy', tfjs: 'binaryCrossentropy', metric: 'accuracy', units: 3, activation: 'sigmoid' },
  ] as const)('computes what trainOnBatch does with $loss ($activation): loss with regularizer penalties, metrics, the same weights after', async (c) => {
    const make = () => {
      const m = tf.sequential({ layers: [
        tf.layers.dense({ units: 6, activation: 'relu', inputShape: [4], kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }), kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: c.units, activation: c.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ] });
      m.compile({ optimizer: tf.train.sgd(0.1), loss: c.tfjs, metrics: [c.metric] });
      return m;
    };
    const ours = make(), theirs = make();
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2], 'int32'), 3).slice([0, 0], [16, c.units]);
    ours.trainOnBatch = () => { throw new Error('trainStep must not fall back to trainOnBatch here'); };
    const step = trainStep(ours, c.loss);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const a = await step(x, y);
      const b = (await theirs.trainOnBatch(x, y)) as number[];
      expect(a).toHaveLength(2);
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 6));
    }
    expect(tf.memory().numTensors).toBe(before);
    const wa = ours.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = theirs.getWeights().map((w) => Array.from(w.dataSync()));
    wa.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(wb[i]![j]!, 6)));
  });
});
