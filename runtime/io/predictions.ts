// A model's predictions as CSV, one row per sample (per step of a sequence output), as the predict task and `nnc predict`
// write them: a classifier's predicted class and each class's probability (columns named by
// class), a yes/no model's class and both probabilities, a multi-label model's labels over
// 0.5 and each label's probability, a regression's values; a model of several outputs a group
// of columns for each.
import * as tf from '@tensorflow/tfjs';
import type { Column, NamedColumns } from '../data/column.js';
import { batchesOf } from '../data/stream.js';
import { floatsOf } from '../readback.js';
import type { ModelSignature, OutputSignature } from './signature.js';
import { fault } from '../errors.js';

/** The model's outputs for samples `x`, in batches, flattened row after row: one array per
 *  output of the model. */
export async function predictColumn(model: tf.LayersModel, x: Column | NamedColumns, batchSize: number): Promise<Float32Array[]> {
  const parts: Float32Array[][] = model.outputs.map(() => []);
  // In file order, a batch at a time: streamed data too.
  for (const b of batchesOf(x, undefined, batchSize)) {
    const outs = await Promise.all(tf.tidy(() => [model.predict(b.x)].flat()).map(floatsOf));
    outs.forEach((o, k) => parts[k]!.push(o));
    tf.dispose(b.x);
  }
  return parts.map((chunks) => {
    const out = new Float32Array(chunks.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of chunks) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
}

/** A CSV field, quoted where it must be. */
export const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const number = (v: number) => String(Number(v.toPrecision(6)));

/** The columns of one output's prediction: a header and how one sample's values fill them. */
function columnsOf(output: OutputSignature, width: number): { header: string[]; row: (v: Float32Array) => string[] } {
  const names = output.classNames ?? [];
  switch (output.kind) {
    case 'classes': return { header: ['class', ...names], row: (v) => [names[v.indexOf(Math.max(...v))] ?? '', ...Array.from(v, number)] };
    case 'binary': return { header: ['class', ...names], row: (v) => [names[v[0]! >= 0.5 ? 1 : 0]!, number(1 - v[0]!), number(v[0]!)] };
    case 'multilabel': return { header: ['labels', ...names], row: (v) => [names.filter((_, i) => v[i]! >= 0.5).join(';'), ...Array.from(v, number)] };
    case 'values': return { header: width === 1 ? ['value'] : Array.from({ length: width }, (_, i) => `y${i}`), row: (v) => Array.from(v, number) };
  }
}

/** The CSV text of `values` (n rows of the output's size; for a model of several outputs one
 *  array per output, each a group of columns named after it), with `ids` as a first column when given. */
export function predictionsCsv(sig: ModelSignature, values: Float32Array | readonly Float32Array[], n: number, ids?: { name: string; values: readonly string[] }): string {
  const all = values instanceof Float32Array ? [values] : values;
  if (all.length > 1) return severalOutputsCsv(sig, all, n, ids);
  const first = all[0]!;
  const width = first.length / Math.max(n, 1);
  let { header } = columnsOf(sig.output, width);
  const { row } = columnsOf(sig.output, width);
  // A sequence output ([batch, time, units]): one row per step, numbered with its sample.
  const units = sig.output.units;
  const steps = sig.output.dims.length > 2 && units > 0 && width > units && width % units === 0 ? width / units : 1;
  if (steps > 1 && sig.output.kind === 'values') header = units === 1 ? ['value'] : Array.from({ length: units }, (_, i) => `y${i}`);
  const lines = [[...(ids ? [ids.name] : []), ...(steps > 1 ? ['sample', 'step'] : []), ...header]];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++) {
      const at = i * width + t * (width / steps);
      lines.push([...(ids ? [ids.values[i]!] : []), ...(steps > 1 ? [String(i), String(t)] : []), ...row(first.subarray(at, at + width / steps))]);
    }
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}

/** One row per sample, a group of columns per output (`price`, `kind_class`, `kind_0`, ...). */
function severalOutputsCsv(sig: ModelSignature, values: readonly Float32Array[], n: number, ids?: { name: string; values: readonly string[] }): string {
  const outputs = sig.outputs;
  if (!outputs || outputs.length !== values.length) throw fault('checkpoint', `the model gives ${values.length} outputs but its signature describes ${outputs?.length ?? 1}; train it again to save a signature of each`);
  const groups = outputs.map((o, k) => {
    const width = values[k]!.length / Math.max(n, 1);
    if (width !== o.units) throw fault('data', `the output '${o.name}' gives a sequence (${width / o.units} steps of ${o.units}); predictions of a model of several outputs are one row per sample`);
    const { header, row } = columnsOf(o, width);
    return { header: header.length === 1 && header[0] === 'value' ? [o.name] : header.map((h) => `${o.name}_${h}`), row, width, values: values[k]! };
  });
  const lines = [[...(ids ? [ids.name] : []), ...groups.flatMap((g) => g.header)]];
  for (let i = 0; i < n; i++) lines.push([...(ids ? [ids.values[i]!] : []), ...groups.flatMap((g) => g.row(g.values.subarray(i * g.width, (i + 1) * g.width)))]);
  return lines.map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}
