// Bringing one's own data, end to end through the CLI: files made by the test, checked
// (diagnostics at the data line) and trained a few steps.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { nnc, projectFolder } from '../cli.js';
import { npyBytes } from '../npy-writer.js';

const folder = (files: Record<string, string | Uint8Array>) => projectFolder('nnc-data-cli-', files);

/** Three separable classes of two features, named, with one missing value in row 5. */
function flowersCsv(): string {
  const rows = ['length,width,kind'];
  const centre = { red: [1, 1], green: [4, 1], blue: [2.5, 4] } as const;
  for (let i = 0; i < 90; i++) {
    const [name, [cx, cy]] = Object.entries(centre)[i % 3]!;
    rows.push(`${(cx + Math.sin(i) * 0.3).toFixed(3)},${i === 4 ? '' : (cy + Math.cos(i * 1.7) * 0.3).toFixed(3)},${name}`);
  }
  return rows.join('\n') + '\n';
}

const classifier = (data: string) => `
model Flowers {
  input x: [batch, 2]
  dense(16, activation: relu)
  dense(3, activation: softmax)
}
data flowers = ${data}
train Flowers on flowers { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 20, batch_size: 16, metrics: [accuracy], seed: 1, save: "out" }
`;

describe('labelled CSV', () => {
  it('a missing value stops the run with file:line:column, before training', () => {
    const dir = folder({ 'flowers.csv': flowersCsv(), 'f.nn': classifier('csv("flowers.csv", x: ["length", "width"], y: "kind")') });
    expect(nnc('check', join(dir, 'f.nn')).code).toBe(0);
    const r = nnc('run', join(dir, 'f.nn'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nnc: .*flowers\.csv:6: column 'width' is missing \(""\); fill it in, or choose csv\(\.\.\., missing: drop\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(['drop', 'mean'])('missing: %s trains on class ids of the label names', (policy) => {
    const dir = folder({ 'flowers.csv': flowersCsv(), 'f.nn': classifier(`csv("flowers.csv", x: ["length", "width"], y: "kind", missing: ${policy})`) });
    const r = nnc('run', join(dir, 'f.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`train Flowers: ${policy === 'drop' ? 89 : 90} samples of \\[2\\]`));
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { final: { accuracy: number } };
    expect(metrics.final.accuracy).toBeGreaterThan(0.9);
  });

  it('a semicolon-separated file without a header, columns by number', () => {
    const text = flowersCsv().split('\n').slice(1).filter((l) => !l.includes(',,')).map((l) => l.replaceAll(',', ';')).join('\n');
    const dir = folder({ 'flowers.csv': text, 'f.nn': classifier('csv("flowers.csv", x: ["0", "1"], y: "2", delimiter: ";", header: false)') });
    const r = nnc('run', join(dir, 'f.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Flowers: 89 samples/);
  });

  it('columns by number and range(): trained, and the saved model predicts by the header names they stand for', () => {
    const dir = folder({ 'flowers.csv': flowersCsv(), 'f.nn': classifier('csv("flowers.csv", x: range(0, 2), y: 2, missing: drop)') });
    const r = nnc('run', join(dir, 'f.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Flowers: 89 samples of \[2\]/);
    writeFileSync(join(dir, 'new.csv'), 'width,length\n1,1\n4,2.5\n');
    const p = nnc('predict', join(dir, 'out'), '--input', join(dir, 'new.csv'));
    expect(p.stderr).toBe('');
    expect(p.stdout.split('\n')[0]).toBe('class,blue,green,red');
    expect(p.stdout.split('\n').slice(1, 3).map((l) => l.split(',')[0])).toEqual(['red', 'blue']);
    const bad = folder({ 'flowers.csv': flowersCsv(), 'f.nn': classifier('csv("flowers.csv", x: [0, 5], y: 2)') });
    expect(nnc('check', join(bad, 'f.nn')).stderr).toMatch(/error E0422: column number past the last column: flowers\.csv has 3 columns \(numbered 0 to 2\), so it has no column 5/);
  });

  it('the checker reads the header: an unknown column is an error at the data line, listing the columns', () => {
    const dir = folder({ 'flowers.csv': flowersCsv(), 'f.nn': classifier('csv("flowers.csv", x: ["length", "height"], y: "kind")') });
    const r = nnc('check', join(dir, 'f.nn'));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/error E0417: no such column or array: flowers\.csv has no column 'height'/);
    expect(r.stderr + r.stdout).toMatch(/its columns are: length, width, kind/i);
  });
});

describe('examples and one_hot', () => {
  const table = () => 'a,b,c,d\n' + Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(i) + Math.cos(i), Math.sin(i) - Math.cos(i)].map((v) => v.toFixed(3)).join(',')).join('\n') + '\n';

  it('an autoencoder trains on examples(d, y: d): its y is its x', () => {
    const dir = folder({ 't.csv': table(), 'ae.nn': `
model AutoEncoder {
  input x: [batch, 4]
  dense(2, activation: tanh)
  dense(4)
}
data rows = csv("t.csv", columns: ["a", "b", "c", "d"])
train AutoEncoder on examples(rows, y: rows) { loss: mse, optimizer: adam(lr: 0.05), epochs: 30, batch_size: 16, seed: 1, save: "out" }
` });
    const r = nnc('run', join(dir, 'ae.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train AutoEncoder: 64 samples of \[4\]/);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { history: { loss: number }[] };
    expect(m.history.at(-1)!.loss).toBeLessThan(m.history[0]!.loss / 3);
  });

  it('one_hot turns class ids into rows for categorical_crossentropy; without it the loss is refused at the loss field', () => {
    const files = { 'flowers.csv': flowersCsv() };
    const program = (data: string, loss: string) => classifier(data).replace('sparse_categorical_crossentropy', loss);
    const bad = folder({ ...files, 'f.nn': program('csv("flowers.csv", x: ["length", "width"], y: "kind", missing: drop)', 'categorical_crossentropy') });
    const refused = nnc('check', join(bad, 'f.nn'));
    expect(refused.stdout + refused.stderr).toMatch(/E0405: .*categorical_crossentropy needs one-hot labels \[n, classes\], found class ids \[n, 1\]/);
    const good = folder({ ...files, 'f.nn': program('one_hot(csv("flowers.csv", x: ["length", "width"], y: "kind", missing: drop), classes: 3)', 'categorical_crossentropy') });
    const r = nnc('run', join(good, 'f.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    const m = JSON.parse(readFileSync(join(good, 'out', 'metrics.json'), 'utf8')) as { final: { accuracy: number } };
    expect(m.final.accuracy).toBeGreaterThan(0.9);
  });
});

describe('NumPy arrays', () => {
  it('examples(npy(x), y: npy(ids), labels: ids) trains; a class count the output does not have is refused at the data line', () => {
    const n = 60;
    const x = Array.from({ length: n * 2 }, (_, i) => Math.sin(i * 1.3));
    const ids = Array.from({ length: n }, (_, i) => (x[2 * i]! > 0 ? 1 : 0) + (x[2 * i + 1]! > 0 ? 1 : 0));
    const program = (units: number) => `
model M {
  input x: [batch, 2]
  dense(16, activation: relu)
  dense(${units}, activation: softmax)
}
data d = examples(npy("x.npy"), y: npy("y.npy"), labels: ids, classes: 3)
train M on d { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 5, batch_size: 16, seed: 1, save: "out" }
`;
    const dir = folder({ 'x.npy': npyBytes('<f8', [n, 2], x), 'y.npy': npyBytes('<i8', [n], ids), 'ok.nn': program(3), 'bad.nn': program(4) });
    const r = nnc('run', join(dir, 'ok.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train M: 60 samples of \[2\]/);
    const bad = nnc('check', join(dir, 'bad.nn'));
    expect(bad.stdout + bad.stderr).toMatch(/E0419: class count does not fit the output: the data has 3 classes but M has 4 output units/);
  });

  it('x and y of different sample counts are an error at the data line, before anything runs (npy, and npz arrays)', () => {
    const program = (data: string) => `
model M {
  input x: [batch, 2]
  dense(3, activation: softmax)
}
data d = ${data}
train M on d { loss: sparse_categorical_crossentropy, epochs: 1 }
`;
    const dir = folder({
      'x.npy': npyBytes('<f4', [6, 2], Array(12).fill(0.5)), 'y.npy': npyBytes('<f4', [5], [0, 1, 2, 0, 1]),
      'd.npz': zipSync({ 'x.npy': npyBytes('<f4', [6, 2], Array(12).fill(0.5)), 'y.npy': npyBytes('<f4', [5], [0, 1, 2, 0, 1]) }),
      'a.nn': program('examples(npy("x.npy"), y: npy("y.npy"), labels: ids)'),
      'b.nn': program('npz("d.npz", x: "x", y: "y", labels: ids)'),
      'c.nn': program('examples(normalize(npy("x.npy")), y: npy("y.npy"), labels: ids)'),
    });
    for (const [file, line, found] of [['a.nn', 6, 'x \\(npy\\("x.npy"\\)\\) holds 6 samples but y \\(npy\\("y.npy"\\)\\) holds 5 samples'], ['b.nn', 6, "array 'x' of d.npz holds 6 samples but array 'y' holds 5 samples"]] as const) {
      const r = nnc('check', join(dir, file));
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(new RegExp(`${file}\\(${line},\\d+\\): error E0423: inputs and targets differ in sample count: ${found}`));
    }
    // Through a transform the count is not known to the checker: the run stops with one line.
    expect(nnc('check', join(dir, 'c.nn')).code).toBe(0);
    const run = nnc('run', join(dir, 'c.nn'), '--backend', 'cpu');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('sequence targets [n, time, k]', () => {
  /** 48 sequences of 6 steps of 2 features; each step's class (0, 1, 2) is the first feature's band. */
  function sequences() {
    const n = 48, T = 6;
    const x: number[] = [], ids: number[] = [], onehot: number[] = [];
    for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) {
      const v = Math.sin(i * 0.7 + t * 1.1);
      x.push(v, Math.cos(i + t));
      const c = v > 0.3 ? 2 : v < -0.3 ? 0 : 1;
      ids.push(c);
      onehot.push(...[0, 1, 2].map((k) => (k === c ? 1 : 0)));
    }
    return { 'x.npy': npyBytes('<f4', [n, T, 2], x), 'ids.npy': npyBytes('<f4', [n, T], ids), 'onehot.npy': npyBytes('<f4', [n, T, 3], onehot), 'ids7.npy': npyBytes('<f4', [n, 7], Array(n * 7).fill(1)) };
  }
  const tagger = (y: string, loss: string, extra = '') => `
model Tagger {
  input x: [batch, 6, 2]
  lstm(16, return_sequences: true)
  time_distributed(dense(3, activation: softmax))
}
data d = examples(npy("x.npy"), y: ${y})
train Tagger on d { loss: ${loss}, optimizer: adam(lr: 0.03), epochs: 20, batch_size: 16, validation_split: 0.25, metrics: [accuracy], seed: 1, save: "out" }
${extra}`;

  it('one class per step: ids [n, time] under the sparse loss and one-hot [n, time, k] under the categorical loss train alike; evaluate and predict give a row per step', () => {
    const dir = folder({
      ...sequences(),
      'ids.nn': tagger('npy("ids.npy"), labels: ids, classes: 3', 'sparse_categorical_crossentropy', 'evaluate Tagger on d {}\npredict Tagger on npy("x.npy") { save: "preds.csv" }\n'),
      'onehot.nn': tagger('npy("onehot.npy"), labels: onehot', 'categorical_crossentropy').replace('save: "out"', 'save: "out1"'),
    });
    const ids = nnc('run', join(dir, 'ids.nn'), '--backend', 'cpu');
    expect(ids.stderr).toBe('');
    expect(ids.stdout).toMatch(/train Tagger: 48 samples of \[6, 2\]/);
    const figure = /val_accuracy: model ([\d.]+) vs majority class ([\d.]+)/.exec(ids.stdout)!;
    expect(Number(figure[1])).toBeGreaterThan(0.7);
    expect(Number(figure[2])).toBeLessThan(0.6);
    expect(ids.stdout).toMatch(/evaluate Tagger on 48 samples .*accuracy [\d.]+/);
    const rows = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('sample,step,class,0,1,2');
    expect(rows.length).toBe(1 + 48 * 6);
    expect(rows[7]!.split(',').slice(0, 2)).toEqual(['1', '0']);
    const onehot = nnc('run', join(dir, 'onehot.nn'), '--backend', 'cpu');
    expect(onehot.stderr).toBe('');
    // The same seed and the same labels, encoded two ways: the same training.
    expect(/val_accuracy: model ([\d.]+)/.exec(onehot.stdout)![1]).toBe(figure[1]);
  });

  it('ids with a step count the output does not have are an error at the train line; a class id past the units stops the run with its sample', () => {
    const files = sequences();
    const bad = new Float32Array(48 * 6).fill(1);
    bad[100] = 3;
    const dir = folder({ ...files, 'bad.npy': npyBytes('<f4', [48, 6], [...bad]), 'steps.nn': tagger('npy("ids7.npy"), labels: ids', 'sparse_categorical_crossentropy'), 'past.nn': tagger('npy("bad.npy"), labels: ids', 'sparse_categorical_crossentropy') });
    const r = nnc('check', join(dir, 'steps.nn'));
    expect(r.stdout + r.stderr).toMatch(/error E0404: data does not fit the model: y of the data does not fit the output of Tagger: expected \[n, 6, 1\], found \[n, 7, 1\]/);
    const past = nnc('run', join(dir, 'past.nn'), '--backend', 'cpu');
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^nnc: .*sample 16 .*: class id 3 is past Tagger's 3 output units/);
  });
});

describe('a model of several inputs', () => {
  /** 80 samples: main [3] and extra [1] features; the class needs both (main[0] + extra > 0). */
  function twoInputs() {
    const n = 80;
    const main: number[] = [], extra: number[] = [], y: number[] = [];
    for (let i = 0; i < n; i++) {
      main.push(Math.sin(i * 1.3), Math.cos(i * 0.7), Math.sin(i * 2.1));
      extra.push(Math.cos(i * 1.9));
      y.push(main[3 * i]! + extra[i]! > 0 ? 1 : 0);
    }
    return { 'main.npy': npyBytes('<f4', [n, 3], main), 'extra.npy': npyBytes('<f4', [n], extra), 'y.npy': npyBytes('<f4', [n], y) };
  }
  const program = (x: string, extra = '') => `
model Two {
  input main: [batch, 3]
  input extra: [batch, 1]
  h = concat(main -> dense(8, activation: relu), extra)
  output h -> dense(2, activation: softmax)
}
data d = examples(x: ${x}, y: npy("y.npy"), labels: ids)
train Two on d { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 30, batch_size: 16, validation_split: 0.25, metrics: [accuracy], seed: 1, save: "out" }
${extra}`;

  it('examples(x: {name: data, ...}) feeds each input by name, in any order: trains and evaluates; nnc predict takes NAME=PATH per input or one .npz of named arrays', () => {
    const data = twoInputs();
    const dir = folder({ ...data, 'two.nn': program('{extra: npy("extra.npy"), main: npy("main.npy")}', 'evaluate Two on d {}\n'), 'both.npz': zipSync({ 'main.npy': data['main.npy'], 'extra.npy': data['extra.npy'] }) });
    const r = nnc('run', join(dir, 'two.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Two: 80 samples of extra \[1\], main \[3\]/);
    const figure = /val_accuracy: model ([\d.]+) vs majority class ([\d.]+)/.exec(r.stdout)!;
    expect(Number(figure[1])).toBeGreaterThan(0.85);
    expect(r.stdout).toMatch(/evaluate Two on 80 samples .*accuracy 0\.9/);
    // nnc predict: each input by name, in any order, or one .npz whose arrays are named like them.
    const model = join(dir, 'out');
    const p = nnc('predict', model, '--input', `extra=${join(dir, 'extra.npy')}`, '--input', `main=${join(dir, 'main.npy')}`, '--backend', 'cpu');
    expect(p.stderr).toBe('');
    const rows = p.stdout.trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['class', '0', '1']);
    expect(rows.length).toBe(81);
    const y = Array.from(new Float32Array(data['y.npy'].buffer.slice(data['y.npy'].byteLength - 320)));
    expect(rows.slice(1).filter((row, i) => Number(row[0]) === y[i]).length).toBeGreaterThan(70);
    expect(nnc('predict', model, '--input', join(dir, 'both.npz'), '--backend', 'cpu').stdout).toBe(p.stdout);
    const line = (...input: string[]) => { const q = nnc('predict', model, ...input.flatMap((i) => ['--input', i])); expect(q.code).toBe(2); return q.stderr; };
    expect(line(join(dir, 'main.npy'))).toMatch(/^nnc: --input .*main\.npy: a model of the inputs main, extra takes --input NAME=PATH for each \(\.npy or \.npz\), or one \.npz of arrays named main, extra\n$/);
    expect(line(`main=${join(dir, 'main.npy')}`)).toBe('nnc: the model takes the inputs main, extra: give --input extra=PATH too\n');
    expect(line(`main=${join(dir, 'main.npy')}`, `extras=${join(dir, 'extra.npy')}`)).toMatch(/^nnc: --input extras=.*: the model has no input 'extras'; a model of the inputs main, extra takes/);
    expect(line(`main=${join(dir, 'extra.npy')}`, `extra=${join(dir, 'extra.npy')}`)).toMatch(/^nnc: .*extra\.npy holds an array of \[80\] but the model takes samples of \[3\]/);
  });

  it('inputs named or shaped unlike the model\'s, one unnamed input, and a transform or predict over named inputs are errors at check time', () => {
    const dir = folder({
      ...twoInputs(),
      'names.nn': program('{extras: npy("extra.npy"), main: npy("main.npy")}'),
      'shapes.nn': program('{extra: npy("main.npy"), main: npy("extra.npy")}'),
      'one.nn': program('npy("main.npy")'),
      'normalize.nn': program('{extra: npy("extra.npy"), main: npy("main.npy")}').replace('data d = examples(', 'data d = normalize(examples(').replace('labels: ids)', 'labels: ids))'),
      'predict.nn': program('{extra: npy("extra.npy"), main: npy("main.npy")}', 'predict Two on d {}\n'),
    });
    const out = (f: string) => { const r = nnc('check', join(dir, f)); expect(r.code).toBe(1); return r.stdout + r.stderr; };
    expect(out('names.nn')).toMatch(/E0424: names do not match the model's inputs or outputs: Two takes the inputs main, extra, but the data gives extras, main\n[^]*'extras' may be 'extra'/);
    expect(out('shapes.nn')).toMatch(/E0404: data does not fit the model: x\.main of the data does not fit the input 'main' of Two: expected \[batch, 3\], found \[n, 1\]/);
    expect(out('one.nn')).toMatch(/E0432: .*the model Two must have one input, or data that name its inputs/);
    expect(out('normalize.nn')).toMatch(/E0414: wrong kind of data: normalize needs data of one input, found examples of the inputs extra, main/);
    expect(out('predict.nn')).toMatch(/E0414: wrong kind of data: predict needs data of one input/);
  });
});

describe('image folders by class', () => {
  /** Three class folders of 8×8 PNGs, each class a dominant colour with noise. */
  function imageFolders(): string {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-images-'));
    const colours = { blue: [0, 0, 1], green: [0, 1, 0], red: [1, 0, 0] } as const;
    Object.entries(colours).forEach(([name, rgb], c) => {
      mkdirSync(join(dir, 'shapes', name), { recursive: true });
      for (let k = 0; k < 12; k++) {
        const png = new PNG({ width: 8, height: 8 });
        for (let p = 0; p < 64; p++) {
          for (let ch = 0; ch < 3; ch++) png.data[p * 4 + ch] = Math.round(255 * (0.6 * rgb[ch]! + 0.4 * ((Math.sin(p * 7 + k * 13 + c + ch) + 1) / 2)));
          png.data[p * 4 + 3] = 255;
        }
        writeFileSync(join(dir, 'shapes', name, `${k}.png`), PNG.sync.write(png));
      }
    });
    return dir;
  }
  const program = (units: number, color: string) => `
model Colours {
  input x: [batch, 8, 8, ${color === 'grey' ? 1 : 3}]
  conv2d(4, 3, activation: relu)
  flatten
  dense(${units}, activation: softmax)
}
data pictures = image_folder("shapes", height: 8, width: 8, color: ${color})
train Colours on pictures { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.02), epochs: 15, batch_size: 8, validation_split: 0.25, metrics: [accuracy], seed: 1, save: "out" }
`;

  it.each(['', ', stream: true'])('trains on class ids of the sub-folders, every class in the validation part (%s)', (stream) => {
    const dir = imageFolders();
    writeFileSync(join(dir, 'c.nn'), program(3, 'rgb').replace('color: rgb)', `color: rgb${stream})`));
    const r = nnc('run', join(dir, 'c.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Colours: 36 samples of \[8, 8, 3\]/);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { final: { val_accuracy: number } };
    expect(m.final.val_accuracy).toBeGreaterThan(0.8);
  });

  it('the checker counts the class folders: an output of 2 units for 3 classes is an error; grey images have one channel', () => {
    const dir = imageFolders();
    writeFileSync(join(dir, 'two.nn'), program(2, 'rgb'));
    const r = nnc('check', join(dir, 'two.nn'));
    expect(r.stdout + r.stderr).toMatch(/E0419: .*the data has 3 classes but Colours has 2 output units/);
    writeFileSync(join(dir, 'grey.nn'), program(3, 'grey').replace('epochs: 15', 'epochs: 1'));
    const g = nnc('run', join(dir, 'grey.nn'), '--backend', 'cpu');
    expect(g.stderr).toBe('');
    expect(g.stdout).toMatch(/36 samples of \[8, 8, 1\]/);
  });
});

describe('examples/data/wine.nn', () => {
  it('a real tabular dataset (scikit-learn\'s wine CSV) beats the majority-class baseline by a wide margin in a few epochs', () => {
    const dir = folder({ 'wine.csv': readFileSync('examples/data/wine.csv', 'utf8'), 'wine.nn': readFileSync('examples/data/wine.nn', 'utf8').replace('epochs: 40', 'epochs: 8') });
    const r = nnc('run', join(dir, 'wine.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Cultivar: 178 samples of \[13\]/);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'wine', 'metrics.json'), 'utf8')) as { baseline: { name: string; baseline: number; model: number } };
    expect(m.baseline.name).toBe('majority class');
    expect(m.baseline.baseline).toBeLessThan(0.5);
    expect(m.baseline.model).toBeGreaterThan(m.baseline.baseline + 0.3);
    // The saved model keeps the class names and the normalization: nnc predict on new rows
    // (here the first 20, unlabelled) answers in names.
    const lines = readFileSync('examples/data/wine.csv', 'utf8').trim().split('\n');
    const unlabelled = lines.slice(0, 21).map((l) => l.split(',').slice(0, 13).join(','));
    writeFileSync(join(dir, 'new.csv'), unlabelled.join('\n') + '\n');
    const p = nnc('predict', join(dir, 'out', 'wine'), '--input', join(dir, 'new.csv'));
    expect(p.stderr).toBe('');
    const rows = p.stdout.trim().split('\n');
    expect(rows[0]).toBe('class,class_0,class_1,class_2');
    const truth = lines.slice(1, 21).map((l) => l.split(',')[13]);
    const right = rows.slice(1).filter((r, i) => r.split(',')[0] === truth[i]).length;
    expect(right).toBeGreaterThanOrEqual(17);
  });
});

describe('text folders by class', () => {
  it('tokenize(text_folder(dir)) trains a classifier over the class folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-texts-'));
    const words = { sports: ['goal', 'match', 'team', 'score'], cooking: ['salt', 'oven', 'flour', 'bake'], weather: ['rain', 'wind', 'storm', 'sunny'] };
    Object.entries(words).forEach(([name, vocab], c) => {
      mkdirSync(join(dir, 'news', name), { recursive: true });
      for (let k = 0; k < 10; k++) writeFileSync(join(dir, 'news', name, `${k}.txt`), Array.from({ length: 6 }, (_, i) => vocab[(i * 3 + k + c) % 4]).join(' '));
    });
    writeFileSync(join(dir, 't.nn'), `
model Topic {
  input words: int32[batch, 6]
  embedding(20, 8)
  global_average_pooling1d
  dense(3, activation: softmax)
}
data news = tokenize(text_folder("news"), vocab_size: 20, length: 6)
train Topic on news { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 20, batch_size: 8, metrics: [accuracy], seed: 1, save: "out" }
`);
    const r = nnc('run', join(dir, 't.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/train Topic: 30 samples of \[6\]/);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { final: { accuracy: number } };
    expect(m.final.accuracy).toBeGreaterThan(0.9);
  });
});
