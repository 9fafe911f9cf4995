// Data transforms over labels: input/target pairs from two arrays (`examples`, also the
// autoencoder's y = x) and class ids as one-hot rows (`one_hot`).
import { DenseColumn, InputColumns, OneHotColumn, type Column, type RuntimeData } from './column.js';
import { StreamColumn } from './stream.js';
import { fault } from '../errors.js';

function inputs(d: RuntimeData, what: string): { column: Column; classNames?: string[] } {
  if (d.kind === 'array') return { column: d.column };
  if (d.kind === 'dataset') return { column: d.x, classNames: d.info.classNames };
  throw fault('data', `examples: ${what} must be numeric data, found ${d.kind}`);
}

export function examples(a: { x: RuntimeData | Record<string, RuntimeData>; y: RuntimeData; labels: 'ids' | 'onehot' | 'values'; classes: number | null }, _ctx?: unknown): RuntimeData {
  // A model of several inputs: x by input name.
  const named = isNamedInputs(a.x) ? new InputColumns(Object.entries(a.x).map(([name, d]) => ({ name, column: inputs(d, `x.${name}`).column }))) : undefined;
  const x = named ? named.inputs[0]!.column : inputs(a.x as RuntimeData, 'x').column;
  let y = inputs(a.y, 'y').column;
  const streamed = named?.inputs.find((i) => i.column instanceof StreamColumn);
  if (streamed) throw fault('data', `examples: the input '${streamed.name}' is streamed (a CSV file past 64 MiB, or stream: true); the inputs of a model of several are read whole: give it stream: false`);
  for (const { name, column } of named?.inputs ?? [{ name: '', column: x }]) {
    if (column.n !== y.n) throw fault('data', `examples: x${name ? `.${name}` : ''} has ${column.n} samples but y has ${y.n}; they pair sample for sample`);
  }
  if (a.labels === 'ids') {
    if (!(y instanceof DenseColumn)) throw fault('data', 'examples: class ids must be numbers');
    // One id per sample [1], or one per step of a sequence [time, 1] (as the checker types them).
    const s = y.sampleShape;
    const shape = s.length === 0 || s[s.length - 1] !== 1 ? [...s, 1] : [...s];
    const size = y.rowSize;
    const ids = new Float32Array(y.n * size);
    for (let i = 0; i < y.n; i++) ids.set((y as DenseColumn).row(i), i * size);
    const limit = a.classes ?? Infinity;
    const bad = ids.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
    const at = size === 1 ? `y[${bad}]` : `y[${Math.floor(bad / size)}] (step ${bad % size})`;
    if (bad >= 0) throw fault('data', `examples: ${at} is ${ids[bad]}, not a class id 0..${a.classes !== null ? a.classes - 1 : 'k-1'}`);
    y = new DenseColumn(ids, shape);
  }
  return { kind: 'dataset', x, y, info: a.y.kind === 'dataset' && a.y.info.where ? { where: a.y.info.where } : {}, ...(named ? { inputs: named } : {}) };
}

const isNamedInputs = (x: RuntimeData | Record<string, RuntimeData>): x is Record<string, RuntimeData> => typeof (x as { kind?: unknown }).kind !== 'string';

export function one_hot(a: { data: RuntimeData; classes: number | null }, _ctx?: unknown): RuntimeData {
  const d = a.data;
  if (d.kind === 'dataset' && d.y instanceof StreamColumn && d.y.sampleShape[0] === 1) {
    const k = a.classes ?? d.info.classNames?.length;
    if (k === undefined) throw fault('data', 'one_hot needs classes: k');
    return { ...d, y: d.y.mapped([k], (r, where) => {
      const v = r[0]!;
      if (!Number.isInteger(v) || v < 0 || v >= k) throw fault('data', `one_hot: the label at ${where} is ${v}, not a class id 0..${k - 1}`);
      const out = new Float32Array(k);
      out[v] = 1;
      return out;
    }) };
  }
  if (d.kind !== 'dataset' || !(d.y instanceof DenseColumn) || d.y.rowSize !== 1) throw fault('data', 'one_hot needs a dataset of class ids [n, 1]');
  const ids = d.y;
  const k = a.classes ?? d.info.classNames?.length;
  if (k === undefined) throw fault('data', 'one_hot needs classes: k');
  for (let i = 0; i < ids.n; i++) {
    const v = ids.row(i)[0]!;
    if (!Number.isInteger(v) || v < 0 || v >= k) throw fault('data', `one_hot: label ${i} is ${v}, not a class id 0..${k - 1}${d.info.classNames ? ` (the data has ${d.info.classNames.length} classes)` : ''}`);
  }
  return { ...d, y: new OneHotColumn(new DenseColumn(ids.data, [], ids.stride), k) };
}
