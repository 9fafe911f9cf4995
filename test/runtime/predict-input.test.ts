// New input read against a saved signature (runtime/io/predict-input.ts) and predictions
// written as CSV (runtime/io/predictions.ts): the preprocessing a signature carries is
// applied, and each way the input can be wrong is one data fault.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { NncError } from '../../runtime/errors.js';
import { readPredictInput, severalInputs } from '../../runtime/io/predict-input.js';
import { DenseColumn, NamedColumns } from '../../runtime/data/column.js';
import { npyBytes } from '../npy-writer.js';
import { predictionsCsv } from '../../runtime/io/predictions.js';
import type { ModelSignature, Preprocessing } from '../../runtime/io/signature.js';

const dir = mkdtempSync(join(tmpdir(), 'nnc-predict-input-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

function signature(shape: number[], o: { preprocessing?: Preprocessing; pipeline?: string[]; output?: Partial<ModelSignature['output']>; dtype?: 'int32' } = {}): ModelSignature {
  return {
    version: 1, input: { dims: ['batch', ...shape.map(String)], shape, dtype: o.dtype ?? 'float32' },
    output: { dims: ['batch', '2'], kind: 'classes', units: 2, classNames: ['no', 'yes'], ...o.output },
    pipeline: o.pipeline ?? [], preprocessing: o.preprocessing ?? {},
  };
}

const rows = (x: { n: number; row(i: number): ArrayLike<number> }) => Array.from({ length: x.n }, (_, i) => Array.from(x.row(i)));
const faultOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(NncError);
    return (err as Error).message;
  }
  throw new Error('no fault');
};

describe('nnc predict input', () => {
  it('a CSV without a header takes its columns in order; the saved normalization is applied', () => {
    const x = readPredictInput(file('plain.csv', '1,2\n3,4\n'), signature([2], { pipeline: ['normalize', 'csv'], preprocessing: { normalize: { mean: [1, 2], std: [2, 4] } } })).x;
    expect(rows(x)).toEqual([[0, 0], [1, 0.5]]);
  });

  it('each bad cell is one line naming its row and column', () => {
    const sig = signature([2], { preprocessing: { columns: ['a', 'b'] } });
    expect(faultOf(() => readPredictInput(file('gap.csv', 'a,b\n1,\n'), sig))).toMatch(/gap\.csv row 1, column 'b': the value is missing$/);
    expect(faultOf(() => readPredictInput(file('word.csv', 'b,a\n1,2\n3,x\n'), sig))).toMatch(/word\.csv row 2, column 'a': 'x' is not a number$/);
    expect(faultOf(() => readPredictInput(file('empty.csv', 'a,b\n'), sig))).toMatch(/empty\.csv has no rows to predict$/);
  });

  it('data that went through normalize without saved statistics are refused, not fed raw', () => {
    expect(faultOf(() => readPredictInput(file('n.csv', '1,2\n'), signature([2], { pipeline: ['normalize', 'csv'] })))).toMatch(/trained on normalize\(\.\.\.\)d data/);
  });

  it('text lines through the saved tokenizer: known words by id, others 1, padded with 0', () => {
    const sig = signature([4], { dtype: 'int32', preprocessing: { tokenizer: { words: ['good', 'bad'], length: 4 } } });
    const input = readPredictInput(file('lines.txt', 'Good, good film\n\nbad\n'), sig);
    expect(rows(input.x)).toEqual([[2, 2, 1, 0], [3, 0, 0, 0]]);
    expect(input.ids).toEqual({ name: 'text', values: ['Good, good film', 'bad'] });
    expect(faultOf(() => readPredictInput(join(dir, 'lines.txt'), signature([4])))).toMatch(/holds no tokenizer vocabulary/);
  });

  it('images are resized to the model\'s size; a grey model gets the mean of the channels', () => {
    const p = new PNG({ width: 2, height: 2 });
    for (let i = 0; i < 4; i++) p.data.set([255, 0, 0, 255], i * 4);
    writeFileSync(join(dir, 'red.png'), PNG.sync.write(p));
    const x = readPredictInput(join(dir, 'red.png'), signature([4, 4, 1])).x;
    expect(x.sampleShape).toEqual([4, 4, 1]);
    for (const v of rows(x)[0]!) expect(v).toBeCloseTo(1 / 3, 5);
    expect(faultOf(() => readPredictInput(join(dir, 'red.png'), signature([3])))).toMatch(/takes samples of \[3\], not images/);
  });

  it('a folder of one subfolder per class gives its images as sub/name', () => {
    for (const c of ['cats', 'dogs']) {
      mkdirSync(join(dir, 'classes', c), { recursive: true });
      copyFileSync(join(dir, 'red.png'), join(dir, 'classes', c, `${c}1.png`));
    }
    expect(readPredictInput(join(dir, 'classes'), signature([2, 2, 3])).ids?.values).toEqual(['cats/cats1.png', 'dogs/dogs1.png']);
  });

  it('an int32 model takes whole numbers from a CSV', () => {
    const sig = signature([2], { dtype: 'int32' });
    expect(readPredictInput(file('ids.csv', '3,4\n'), sig).x.dtype).toBe('int32');
    expect(faultOf(() => readPredictInput(file('frac.csv', '3,4.5\n'), sig))).toMatch(/frac\.csv row 1: the model takes whole numbers \(int32 ids\), found 4\.5$/);
  });
});

describe('nnc predict input of a model of several inputs', () => {
  const two = (pipelineOfB: string[] = ['npy']): ModelSignature => ({
    ...signature([2]),
    inputs: [{ name: 'a', dims: ['batch', '2'], shape: [2], dtype: 'float32', pipeline: ['npy'] }, { name: 'b', dims: ['batch', '1'], shape: [1], dtype: 'float32', pipeline: pipelineOfB }],
  });
  writeFileSync(join(dir, 'a.npy'), npyBytes('<f4', [3, 2], [1, 2, 3, 4, 5, 6]));
  writeFileSync(join(dir, 'b.npy'), npyBytes('<f4', [3], [7, 8, 9]));
  writeFileSync(join(dir, 'b2.npy'), npyBytes('<f4', [2], [7, 8]));

  it('NAME=PATH per input, in any order: one column per input, each checked against its own shape', () => {
    const x = severalInputs([`b=${join(dir, 'b.npy')}`, `a=${join(dir, 'a.npy')}`], two()).x;
    expect(x).toBeInstanceOf(NamedColumns);
    expect(x.parts.map((p) => [p.name, (p.column instanceof DenseColumn ? rows(p.column) : [])])).toEqual([['a', [[1, 2], [3, 4], [5, 6]]], ['b', [[7], [8], [9]]]]);
    expect(faultOf(() => severalInputs([`a=${join(dir, 'b.npy')}`, `b=${join(dir, 'b.npy')}`], two()))).toMatch(/b\.npy holds an array of \[3\] but the model takes samples of \[2\]/);
    expect(faultOf(() => severalInputs([`a=${join(dir, 'a.npy')}`, `b=${join(dir, 'b2.npy')}`], two()))).toBe("the input 'a' holds 3 samples but 'b' holds 2; they pair up sample by sample");
    expect(faultOf(() => severalInputs([`a=${join(dir, 'a.npy')}`, `b=${join(dir, 'b.npy')}`], two(['normalize', 'npy'])))).toMatch(/^the input 'b' was trained on normalize\(\.\.\.\)d data/);
  });
});

describe('predictions as CSV', () => {
  it('multi-label rows name the labels over 0.5; values are columns; names with commas are quoted', () => {
    const labels = signature([1], { output: { kind: 'multilabel', units: 2, classNames: ['a,b', 'c'] } });
    expect(predictionsCsv(labels, Float32Array.of(0.9, 0.7, 0.1, 0.2), 2)).toBe('labels,"a,b",c\n"a,b;c",0.9,0.7\n,0.1,0.2\n');
    const values = signature([1], { output: { kind: 'values', units: 2, classNames: undefined } });
    expect(predictionsCsv(values, Float32Array.of(1.5, -2, 3, 4), 2, { name: 'file', values: ['x.png', 'y.png'] })).toBe('file,y0,y1\nx.png,1.5,-2\ny.png,3,4\n');
  });

  it('a model of several outputs: a group of columns per output, named after it', () => {
    const sig: ModelSignature = {
      ...signature([1]),
      outputs: [{ name: 'price', dims: ['batch', '1'], kind: 'values', units: 1, loss: 'mse' }, { name: 'kind', dims: ['batch', '2'], kind: 'classes', units: 2, classNames: ['no', 'yes'], loss: 'categorical_crossentropy' }],
    };
    expect(predictionsCsv(sig, [Float32Array.of(1.5, -2), Float32Array.of(0.25, 0.75, 0.5, 0.25)], 2)).toBe('price,kind_class,kind_no,kind_yes\n1.5,yes,0.25,0.75\n-2,no,0.5,0.25\n');
  });
});
