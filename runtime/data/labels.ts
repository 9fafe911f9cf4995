// Data transforms over labels: input/target pairs from two arrays (`examples`, also the
// autoencoder's y = x) and class ids as one-hot rows (`one_hot`).
import { DenseColumn, OneHotColumn, type Column, type RuntimeData } from './column.js';
import { fault } from '../errors.js';

function inputs(d: RuntimeData, what: string): { column: Column; classNames?: string[] } {
  if (d.kind === 'array') return { column: d.column };
  if (d.kind === 'dataset') return { column: d.x, classNames: d.info.classNames };
  throw fault('data', `examples: ${what} must be numeric data, found ${d.kind}`);
}

export function examples(a: { x: RuntimeData; y: RuntimeData; labels: 'ids' | 'onehot' | 'values'; classes: number | null }, _ctx?: unknown): RuntimeData {
  const x = inputs(a.x, 'x').column;
  let y = inputs(a.y, 'y').column;
  if (x.n !== y.n) throw fault('data', `examples: x has ${x.n} samples but y has ${y.n}; they pair sample for sample`);
  if (a.labels === 'ids') {
    if (!(y instanceof DenseColumn)) throw fault('data', 'examples: class ids must be numbers');
    const ids = Float32Array.from({ length: y.n }, (_, i) => (y as DenseColumn).row(i)[0]!);
    const limit = a.classes ?? Infinity;
    const bad = ids.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
    if (bad >= 0) throw fault('data', `examples: y[${bad}] is ${ids[bad]}, not a class id 0..${a.classes !== null ? a.classes - 1 : 'k-1'}`);
    y = new DenseColumn(ids, [1]);
  }
  return { kind: 'dataset', x, y, info: {} };
}

export function one_hot(a: { data: RuntimeData; classes: number | null }, _ctx?: unknown): RuntimeData {
  const d = a.data;
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
