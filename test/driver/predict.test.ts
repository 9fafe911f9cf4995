// Using a trained model, as a user would: `nnc run` trains a tiny classifier and runs its
// evaluate and predict tasks; `nnc predict` runs the saved folder on a CSV, an image and a
// folder of images; class names saved with the model head the columns; every bad input is
// one `nnc: ...` line and exit 2.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveTrainCheckpoint } from '../../runtime/io/checkpoint.js';
import { signatureOf } from '../../runtime/io/signature.js';
import { npyBytes } from '../npy-writer.js';

function nnc(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/nnc.js', ...args], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CSV's rows as cells (no quoting in these files). */
const table = (text: string) => text.trim().split('\n').map((l) => l.split(','));

/** Every row's probability columns (from `first` on) sum to 1, and the class is the likeliest. */
function expectProbabilities(rows: string[][], first: number) {
  const header = rows[0]!;
  for (const row of rows.slice(1)) {
    const p = row.slice(first).map(Number);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(row[first - 1]).toBe(header[first + p.indexOf(Math.max(...p))]);
  }
}

function png(path: string, width: number, height: number) {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i++) p.data[i] = i % 4 === 3 ? 255 : (i * 37) % 256;
  writeFileSync(path, PNG.sync.write(p));
}

const DIGITS = `import std.data

model Digits {
  input x: [batch, 28, 28, 1]
  flatten()
  dense(10, activation: softmax)
}

train Digits on mnist(count: 64) {
  loss: categorical_crossentropy
  epochs: 2
  batch_size: 32
  metrics: [accuracy]
  save: "out/digits"
}

evaluate Digits on mnist(count: 100) {}

predict Digits on mnist(count: 20) {
  save: "preds.csv"
}
`;

let dir: string;
let model: string;
let run: ReturnType<typeof nnc>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnc-predict-'));
  writeFileSync(join(dir, 'digits.nn'), DIGITS);
  run = nnc('run', join(dir, 'digits.nn'), '--seed', '1');
  model = join(dir, 'out', 'digits');
});

describe('evaluate and predict tasks', () => {
  it('report the trained model\'s loss and metrics, and write one row of class probabilities per sample', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/evaluate Digits on 100 samples \(.*digits\): loss [\d.]+ +accuracy [\d.]+/);
    expect(run.stdout).toMatch(/predict Digits: 20 predictions from .* written to .*preds\.csv/);
    const rows = table(readFileSync(join(dir, 'preds.csv'), 'utf8'));
    expect(rows[0]).toEqual(['class', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(rows.length).toBe(21);
    expectProbabilities(rows, 1);
  });

  it('the saved signature says what the model takes and what its output means', () => {
    const sig = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')).userDefinedMetadata.nnc.signature;
    expect(sig.input).toEqual({ dims: ['batch', '28', '28', '1'], shape: [28, 28, 1], dtype: 'float32' });
    expect(sig.output).toMatchObject({ kind: 'classes', units: 10, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect(sig.loss).toBe('categorical_crossentropy');
    expect(sig.pipeline).toEqual(['mnist']);
  });
});

describe('nnc predict', () => {
  it('an image of another size is resized; a folder gives one row per image, named', () => {
    png(join(dir, 'digit.png'), 40, 32);
    const one = nnc('predict', model, '--input', join(dir, 'digit.png'));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const rows = table(one.stdout);
    expect(rows[0]!.slice(0, 3)).toEqual(['file', 'class', '0']);
    expect(rows.length).toBe(2);
    expectProbabilities(rows, 2);
    mkdirSync(join(dir, 'imgs'));
    for (const f of ['a.png', 'b.png', 'c.png']) png(join(dir, 'imgs', f), 28, 28);
    const many = nnc('predict', model, '--input', join(dir, 'imgs'), '-o', join(dir, 'imgs.csv'));
    expect(many.code).toBe(0);
    expect(many.stderr).toBe(`3 predictions written to ${join(dir, 'imgs.csv')}\n`);
    const out = table(readFileSync(join(dir, 'imgs.csv'), 'utf8'));
    expect(out.slice(1).map((r) => r[0])).toEqual(['a.png', 'b.png', 'c.png']);
    expectProbabilities(out, 2);
  });

  it('a .npy of samples and a .npz\'s array x are checked against the signature: a wrong shape is one line with the fix', () => {
    const pixels = Array.from({ length: 3 * 784 }, (_, i) => (i % 17) / 17);
    writeFileSync(join(dir, 'three.npy'), npyBytes('<f4', [3, 28, 28, 1], pixels));
    const r = nnc('predict', model, '--input', join(dir, 'three.npy'));
    expect(r.stderr).toBe('');
    const rows = table(r.stdout);
    expect(rows[0]).toEqual(['class', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(rows.length).toBe(4);
    expectProbabilities(rows, 1);
    writeFileSync(join(dir, 'three.npz'), zipSync({ 'ids.npy': npyBytes('<f4', [3], [1, 2, 3]), 'x.npy': npyBytes('<f4', [3, 28, 28, 1], pixels) }));
    expect(nnc('predict', model, '--input', join(dir, 'three.npz')).stdout).toBe(r.stdout);
    const cases: [string, Uint8Array, string][] = [
      ['flat.npy', npyBytes('<f4', [3, 784], pixels), 'flat.npy holds an array of [3, 784] but the model takes samples of [28, 28, 1], so the array must be [n, 28, 28, 1]; arr.reshape(-1, 28, 28, 1) would fit'],
      ['one.npy', npyBytes('<f4', [28, 28, 1], pixels.slice(0, 784)), 'one.npy holds an array of [28, 28, 1] but the model takes samples of [28, 28, 1], so the array must be [n, 28, 28, 1]; it looks like one sample without the sample axis: save arr[np.newaxis]'],
      ['small.npy', npyBytes('<f4', [2, 14, 14, 1], pixels.slice(0, 392)), 'small.npy holds an array of [2, 14, 14, 1] but the model takes samples of [28, 28, 1], so the array must be [n, 28, 28, 1]'],
      ['two.npz', zipSync({ 'a.npy': npyBytes('<f4', [1], [1]), 'b.npy': npyBytes('<f4', [1], [1]) }), 'two.npz holds the arrays a, b; nnc predict reads the array named x, or the only one (np.savez(file, x=samples))'],
    ];
    for (const [name, bytes, line] of cases) {
      writeFileSync(join(dir, name), bytes);
      const bad = nnc('predict', model, '--input', join(dir, name));
      expect(bad.stderr).toBe(`nnc: ${join(dir, line)}\n`);
      expect(bad.code).toBe(2);
    }
  });

  it('a yes/no model trained by nnc run on a CSV predicts a CSV of new rows: both probabilities', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [(i * 37) % 11, (i * 13) % 7]).map(([a, b]) => `${a},${b},${a! > b! ? 1 : 0}`);
    writeFileSync(join(dir, 'rows.csv'), `a,b,on\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'switch.nn'), `model Switch {
  input x: [batch, 1, 3]
  flatten()
  dense(1, activation: sigmoid)
}
data rows = windows(csv("rows.csv", columns: ["a", "b", "on"]), lookback: 1, horizon: 1, target: 2)
train Switch on rows { loss: binary_crossentropy, epochs: 2, batch_size: 16, save: "out/switch" }
`);
    const trained = nnc('run', join(dir, 'switch.nn'), '--seed', '2');
    expect(trained.code).toBe(0);
    writeFileSync(join(dir, 'new.csv'), 'a,b,on\n1,5,0\n9,2,1\n4,4,0\n3,0,1\n');
    const r = nnc('predict', join(dir, 'out', 'switch'), '--input', join(dir, 'new.csv'), '-o', join(dir, 'switch.csv'));
    expect(r.code).toBe(0);
    const out = table(readFileSync(join(dir, 'switch.csv'), 'utf8'));
    expect(out[0]).toEqual(['class', '0', '1']);
    expect(out.length).toBe(5);
    expectProbabilities(out, 1);
  });

  it('a CSV through a model with class names and a categorical column: names head the columns', async () => {
    await tf.setBackend('cpu');
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 3, activation: 'softmax' })] });
    const signature = signatureOf(net, { input: ['batch', '3'], dtype: 'float32', output: ['batch', '3'], labels: 'ids', pipeline: ['csv'] }, 'sparse_categorical_crossentropy', {
      info: { columns: ['size', 'weight', 'colour'], categories: { colour: ['red', 'green'] } }, classNames: ['cat', 'dog', 'fox'],
    });
    const folder = join(dir, 'animals');
    await saveTrainCheckpoint(net, folder, 'e1', { epoch: 1, history: [], signature }, 'none');
    writeFileSync(join(dir, 'animals.csv'), 'weight,colour,size\n1.5,red,2\n0.5,green,1\n3,red,0\n');
    const r = nnc('predict', folder, '--input', join(dir, 'animals.csv'), '-o', join(dir, 'animals-preds.csv'));
    expect(r.code).toBe(0);
    const rows = table(readFileSync(join(dir, 'animals-preds.csv'), 'utf8'));
    expect(rows[0]).toEqual(['class', 'cat', 'dog', 'fox']);
    expect(rows.length).toBe(4);
    expectProbabilities(rows, 1);

    writeFileSync(join(dir, 'purple.csv'), 'weight,colour,size\n1.5,purple,2\n');
    const unknown = nnc('predict', folder, '--input', join(dir, 'purple.csv'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`nnc: ${join(dir, 'purple.csv')} row 1, column 'colour': 'purple' is not a category the model knows (red, green)\n`);
    writeFileSync(join(dir, 'nosize.csv'), 'weight,colour\n1.5,red\n');
    const missing = nnc('predict', folder, '--input', join(dir, 'nosize.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`nnc: ${join(dir, 'nosize.csv')} has no column 'size'; the model takes size, weight, colour; found weight, colour\n`);
  });

  it('a checkpoint saved without a signature still predicts; a malformed signature is one line', () => {
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    const old = join(dir, 'old');
    mkdirSync(old);
    const weights = json.weightsManifest[0].paths[0];
    writeFileSync(join(old, weights), readFileSync(join(model, weights)));
    const { signature, ...state } = json.userDefinedMetadata.nnc;
    writeFileSync(join(old, 'model.json'), JSON.stringify({ ...json, userDefinedMetadata: { nnc: state } }));
    const r = nnc('predict', old, '--input', join(dir, 'digit.png'));
    expect(r.code).toBe(0);
    expect(table(r.stdout)[0]).toEqual(['file', 'class', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    writeFileSync(join(old, 'model.json'), JSON.stringify({ ...json, userDefinedMetadata: { nnc: { ...state, signature: { ...signature, version: 2 } } } }));
    const bad = nnc('predict', old, '--input', join(dir, 'digit.png'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`nnc: ${join(old, 'model.json')}: the saved signature is malformed (version 2 is not 1); train the model again to rewrite it\n`);
  });

  it('bad input is one line and exit 2: wrong column count, missing file, a folder with no model, an unknown kind of file', () => {
    writeFileSync(join(dir, 'two.csv'), 'a,b\n1,2\n3,4\n');
    const cases: [string[], string][] = [
      [[model, '--input', join(dir, 'two.csv')], `nnc: ${join(dir, 'two.csv')} has 2 columns but the model takes 784 (samples of [28, 28, 1])\n`],
      [[model, '--input', join(dir, 'none.csv')], `nnc: cannot read ${join(dir, 'none.csv')}: no such file or folder\n`],
      [[dir, '--input', join(dir, 'two.csv')], `nnc: ${dir} holds no trained model (no model.json); name the output folder of a train task\n`],
      [[join(dir, 'nowhere'), '--input', join(dir, 'two.csv')], `nnc: ${join(dir, 'nowhere')} does not exist: train the model first, or name the output folder of a train task (it holds model.json)\n`],
      [[model, '--input', join(dir, 'digits.nn')], `nnc: ${join(dir, 'digits.nn')}: nnc predict reads a .csv (one sample per row), a .txt (one text per line), a .npy or .npz array of samples, a .png or .jpg image, or a folder of images; found .nn\n`],
      [[model, '--input', join(dir, 'two.csv'), '--batch-size', '0'], 'nnc: --batch-size must be a positive integer, not 0\n'],
    ];
    for (const [args, line] of cases) {
      const r = nnc('predict', ...args);
      expect(r.stderr).toBe(line);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});
