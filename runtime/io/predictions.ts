// A model's predictions as CSV, one row per sample (per step of a sequence output), as the predict task and `nnc predict`
// write them: a classifier's predicted class and each class's probability (columns named by
// class), a yes/no model's class and both probabilities, a multi-label model's labels over
// 0.5 and each label's probability, a regression's values.
import * as tf from '@tensorflow/tfjs';
import type { Column } from '../data/column.js';
import { batchesOf } from '../data/stream.js';
import { floatsOf } from '../readback.js';
import type { ModelSignature } from './signature.js';

/** The model's outputs for samples `x`, in batches, flattened row after row. */
export async function predictColumn(model: tf.LayersModel, x: Column, batchSize: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  // In file order, a batch at a time: streamed data too.
  for (const b of batchesOf(x, undefined, batchSize)) {
    parts.push(await floatsOf(tf.tidy(() => model.predict(b.x) as tf.Tensor)));
    b.x.dispose();
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A CSV field, quoted where it must be. */
export const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const number = (v: number) => String(Number(v.toPrecision(6)));

/** The CSV text of `values` (n rows of the output's size), with `ids` as a first column when given. */
export function predictionsCsv(sig: ModelSignature, values: Float32Array, n: number, ids?: { name: string; values: readonly string[] }): string {
  const width = values.length / Math.max(n, 1);
  const names = sig.output.classNames ?? [];
  let header: string[];
  let row: (v: Float32Array) => string[];
  switch (sig.output.kind) {
    case 'classes':
      header = ['class', ...names];
      row = (v) => [names[v.indexOf(Math.max(...v))] ?? '', ...Array.from(v, number)];
      break;
    case 'binary':
      header = ['class', ...names];
      row = (v) => [names[v[0]! >= 0.5 ? 1 : 0]!, number(1 - v[0]!), number(v[0]!)];
      break;
    case 'multilabel':
      header = ['labels', ...names];
      row = (v) => [names.filter((_, i) => v[i]! >= 0.5).join(';'), ...Array.from(v, number)];
      break;
    case 'values':
      header = width === 1 ? ['value'] : Array.from({ length: width }, (_, i) => `y${i}`);
      row = (v) => Array.from(v, number);
      break;
  }
  // A sequence output ([batch, time, units]): one row per step, numbered with its sample.
  const units = sig.output.units;
  const steps = sig.output.dims.length > 2 && units > 0 && width > units && width % units === 0 ? width / units : 1;
  if (steps > 1 && sig.output.kind === 'values') header = units === 1 ? ['value'] : Array.from({ length: units }, (_, i) => `y${i}`);
  const lines = [[...(ids ? [ids.name] : []), ...(steps > 1 ? ['sample', 'step'] : []), ...header]];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++) {
      const at = i * width + t * (width / steps);
      lines.push([...(ids ? [ids.values[i]!] : []), ...(steps > 1 ? [String(i), String(t)] : []), ...row(values.subarray(at, at + width / steps))]);
    }
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}
