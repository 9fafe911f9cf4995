// A model of several outputs, end to end through the CLI: targets named by output
// (examples(x, y: {name: data, ...})), a loss per output, per-output figures and baselines,
// and the checker's diagnostics for targets that do not fit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nnc, projectFolder } from '../cli.js';
import { npyBytes } from '../npy-writer.js';

const folder = (files: Record<string, string | Uint8Array>) => projectFolder('nnc-outputs-cli-', files);

/** 120 samples of 4 features; a value to predict from three of them and a class (3) from the fourth. */
function heads(n = 120) {
  const x: number[] = [], price: number[] = [], kind: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = [Math.sin(i * 1.3), Math.cos(i * 0.7), Math.sin(i * 2.1), Math.cos(i * 1.9)];
    x.push(...f);
    price.push(2 * f[0]! - f[1]! + 0.5 * f[2]!);
    kind.push(f[3]! > 0.4 ? 2 : f[3]! < -0.4 ? 0 : 1);
  }
  const past = kind.map((k, i) => (i === 7 ? 3 : k));
  return {
    'x.npy': npyBytes('<f4', [n, 4], x), 'price.npy': npyBytes('<f4', [n, 1], price), 'kind.npy': npyBytes('<f4', [n], kind),
    'short.npy': npyBytes('<f4', [n - 20, 1], price.slice(20)), 'past.npy': npyBytes('<f4', [n], past),
  };
}

const program = (y: string, loss = '{price: mse, kind: sparse_categorical_crossentropy}', extra = '') => `
model Heads {
  input x: [batch, 4]
  trunk = x -> dense(16, activation: relu)
  output price: trunk -> dense(1), kind: trunk -> dense(3, activation: softmax)
}
data d = examples(x: npy("x.npy"), y: ${y})
train Heads on d { loss: ${loss}, optimizer: adam(lr: 0.03), epochs: 30, batch_size: 16, validation_split: 0.25, metrics: [accuracy, mae], seed: 1, save: "out" }
${extra}`;
const Y = '{kind: npy("kind.npy"), price: npy("price.npy")}, labels: {kind: ids}';

describe('a model of several outputs', () => {
  it('trains a regression head and a 3-class head on targets named by output: per-output losses (weighted by loss_weights), metrics and baselines, evaluate, the signature; predictions a group of columns per output', () => {
    const dir = folder({ ...heads(), 'heads.nn': program(Y, '{price: mse, kind: sparse_categorical_crossentropy}, loss_weights: {kind: 0.5}', 'evaluate Heads on d {}\n') });
    const r = nnc('run', join(dir, 'heads.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/epoch 1\/30 {2}loss [\d.]+ {2}price_loss [\d.]+ {2}kind_loss [\d.]+ {2}price_mae [\d.]+ {2}kind_accuracy [\d.]+ {2}val_loss/);
    const price = /val_price_loss: model ([\d.]+) vs mean of the training targets ([\d.]+) \(beats the baseline\)/.exec(r.stdout)!;
    expect(Number(price[1])).toBeLessThan(Number(price[2]) / 10);
    const kind = /val_kind_accuracy: model ([\d.]+) vs majority class ([\d.]+) \(beats the baseline\)/.exec(r.stdout)!;
    expect(Number(kind[1])).toBeGreaterThan(0.85);
    const evaluated = /evaluate Heads on 120 samples .*: loss ([\d.]+) {2}price_loss ([\d.]+) {2}kind_loss ([\d.]+) {2}price_mae [\d.]+ {2}kind_accuracy 0\.9/.exec(r.stdout)!.slice(1).map(Number);
    expect(evaluated[0]).toBeCloseTo(evaluated[1]! + 0.5 * evaluated[2]!, 3);
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { history: Record<string, number>[]; baselines: { metric: string }[] };
    const first = metrics.history[0]!, last = metrics.history[metrics.history.length - 1]!;
    expect(last['loss']).toBeLessThan(first['loss']! / 3);
    // The total weighs kind's loss by 0.5 (loss_weights); each output's loss is reported unweighted.
    expect(last['loss']).toBeCloseTo(last['price_loss']! + 0.5 * last['kind_loss']!, 5);
    expect(last['val_loss']).toBeCloseTo(last['val_price_loss']! + 0.5 * last['val_kind_loss']!, 5);
    expect(metrics.baselines.map((b) => b.metric)).toEqual(['val_price_loss', 'val_kind_accuracy']);
    const saved = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8')) as { userDefinedMetadata: { nnc: { signature: { outputs: { name: string; kind: string; loss: string }[] } } } };
    expect(saved.userDefinedMetadata.nnc.signature.outputs.map((o) => [o.name, o.kind, o.loss])).toEqual([['price', 'values', 'mse'], ['kind', 'classes', 'sparse_categorical_crossentropy']]);
    // Predictions: a group of columns per output, from nnc predict and from a predict task alike.
    const p = nnc('predict', join(dir, 'out'), '--input', join(dir, 'x.npy'), '-o', join(dir, 'preds.csv'), '--backend', 'cpu');
    expect(p.stderr).toBe('120 predictions written to ' + join(dir, 'preds.csv') + '\n');
    const rows = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['price', 'kind_class', 'kind_0', 'kind_1', 'kind_2']);
    expect(rows.length).toBe(121);
    const truth = heads();
    const kinds = Array.from(new Float32Array(truth['kind.npy'].buffer.slice(truth['kind.npy'].byteLength - 480)));
    const right = rows.slice(1).filter((r, i) => Number(r[1]) === kinds[i]).length;
    expect(right).toBeGreaterThan(100);
    writeFileSync(join(dir, 'predict.nn'), readFileSync(join(dir, 'heads.nn'), 'utf8').replace(/evaluate Heads on d \{\}/, 'predict Heads on npy("x.npy") { checkpoint: "out", save: "task.csv" }').replace(/^train .*$/m, ''));
    const task = nnc('run', join(dir, 'predict.nn'), '--backend', 'cpu');
    expect(task.stderr).toBe('');
    expect(readFileSync(join(dir, 'task.csv'), 'utf8')).toBe(readFileSync(join(dir, 'preds.csv'), 'utf8'));
  });

  it('targets named, shaped or counted unlike the model\'s outputs, a loss or loss_weights map unlike them, and a loss that does not fit one output\'s labels are errors at check time; --target pytorch and an id past an output\'s units are one line', () => {
    const dir = folder({
      ...heads(),
      'unknown.nn': program(Y.replace('kind:', 'knd:').replace('{kind: ids}', '{knd: ids}')),
      'missing.nn': program('{price: npy("price.npy")}'),
      'shape.nn': program(Y.replace('price: npy("price.npy")', 'price: npy("x.npy")')),
      'count.nn': program(Y.replace('price.npy', 'short.npy')),
      'lossnames.nn': program(Y, '{price: mse, knd: sparse_categorical_crossentropy}'),
      'lossfit.nn': program(Y, '{price: mse, kind: categorical_crossentropy}'),
      'unnamed.nn': program('npy("price.npy")', 'mse'),
      'ok.nn': program(Y),
      'past.nn': program(Y.replace('kind.npy', 'past.npy')),
      'weights.nn': program(Y, '{price: mse, kind: sparse_categorical_crossentropy}, loss_weights: {knd: 0.5}'),
    });
    const out = (f: string) => { const r = nnc('check', join(dir, f)); expect(r.code).toBe(1); return r.stdout + r.stderr; };
    expect(out('unknown.nn')).toMatch(/E0424: names do not match the model's inputs or outputs: Heads takes the outputs price, kind, but the data gives knd, price\n[^]*examples\(y: \.\.\.\) after the model's `output` lines, one each; 'knd' may be 'kind'/);
    expect(out('missing.nn')).toMatch(/E0424: .*Heads takes the outputs price, kind, but the data gives price\n[^]*'kind' is missing/);
    expect(out('shape.nn')).toMatch(/E0404: data does not fit the model: y\.price of the data does not fit the output 'price' of Heads: expected \[n, 1\], found \[n, 4\]/);
    expect(out('count.nn')).toMatch(/E0423: inputs and targets differ in sample count: x \(npy\("x\.npy"\)\) holds 120 samples but y\.price \(npy\("short\.npy"\)\) holds 100 samples/);
    expect(out('lossnames.nn')).toMatch(/E0424: .*Heads takes the outputs price, kind, but loss gives price, knd\n[^]*'knd' may be 'kind'/);
    expect(out('lossfit.nn')).toMatch(/lossfit\.nn\(8,45\): error E0405: loss does not fit the output: categorical_crossentropy needs one-hot labels \[n, classes\], found class ids \[n, 1\]/);
    expect(out('weights.nn')).toMatch(/E0424: .*Heads takes the outputs price, kind, but loss_weights gives knd\n[^]*'knd' may be 'kind'/);
    // The class-id guard, per output: an id past the output's units is one line before any training.
    const guard = nnc('run', join(dir, 'past.nn'), '--backend', 'cpu');
    expect(guard.code).toBe(2);
    expect(guard.stderr).toBe("nnc: sample 7 (0-based) of the data (y.kind): class id 3 is past Heads's output 'kind' and its 3 output units (ids 0..2); give it 4 or more units, or fix the label\n");
    // --target pytorch: one line.
    const torch = nnc('compile', join(dir, 'ok.nn'), '--target', 'pytorch', '-o', join(dir, 'py'));
    expect(torch.code).toBe(2);
    expect(torch.stderr).toBe('nnc: train Heads: a model of several outputs cannot be compiled for PyTorch yet; nnc run and nnc compile (TypeScript) train it\n');
    expect(out('unnamed.nn')).toMatch(/E0432: .*the model Heads must have one output, or data that name its outputs \(examples\(x, y: \{name: data, \.\.\.\}\)\), found 1 input and 2 outputs/);
  });
});
