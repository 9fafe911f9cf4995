// The figures a trained model must beat, on the validation data: the naive last value of a
// forecast's window, the majority class of a classifier, and for a model of several outputs
// each output's (the majority class, or the mean of the training targets).
import * as tf from '@tensorflow/tfjs';
import { DenseColumn, NamedColumns, type Column, type DatasetInfo } from '../data/column.js';
import { batchesOf, type Batch } from '../data/stream.js';
import { floatsOf, scalarsOf } from '../readback.js';
import type { Baseline } from './outcome.js';
import { isClassLoss, lossFor, type Losses } from './vocab.js';

/** A split as train holds it (train.ts's TrainData), and an epoch's figures by name. */
interface TrainData { x: Column | NamedColumns; y: Column | NamedColumns; info: DatasetInfo }
type EpochLog = Readonly<Record<string, number>>;

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

/** The figure a model must beat: the last value of the window (forecasts) or the majority
 *  class (classifiers), on the validation data. */
export async function baseline(model: tf.LayersModel, o: { loss: Losses }, val: TrainData | undefined, last: EpochLog | undefined): Promise<Baseline | undefined> {
  if (typeof o.loss !== 'string' || val?.y instanceof NamedColumns) return undefined;
  if (!val || !(val.x instanceof DenseColumn) || !(val.y instanceof DenseColumn)) {
    return classifierBaseline(o, val, last);
  }
  const feature = val.info.lastValueFeature;
  const [lookback, f] = val.x.sampleShape;
  if (feature === undefined || f === undefined || val.y.rowSize !== 1 || val.x.sampleShape.length !== 2) return classifierBaseline(o, val, last);
  let naive = 0, err = 0;
  for (let start = 0; start < val.x.n; start += 1024) {
    const rows = range(start, Math.min(val.x.n, start + 1024));
    const pred = await floatsOf(tf.tidy(() => model.predict(val.x.gather(rows)) as tf.Tensor));
    rows.forEach((r, i) => {
      const y = val.y instanceof DenseColumn ? val.y.row(r)[0]! : NaN;
      naive += Math.abs((val.x as DenseColumn).row(r)[(lookback! - 1) * f + feature]! - y);
      err += Math.abs(pred[i]! - y);
    });
  }
  return { name: 'naive last value', metric: 'val_mae', baseline: naive / val.x.n, model: err / val.x.n };
}

async function classifierBaseline(o: { loss: Losses }, val: TrainData | undefined, last: EpochLog | undefined): Promise<Baseline | undefined> {
  if (!val || typeof o.loss !== 'string' || !isClassLoss(o.loss) || last?.['val_accuracy'] === undefined || val.y instanceof NamedColumns) return undefined;
  const share = await majorityShare(batchesOf(val.x, val.y, 4096));
  return { name: 'majority class', metric: 'val_accuracy', baseline: share, model: last['val_accuracy'] };
}

/** The share of the most frequent class among a split's labels (the batches' y). */
async function majorityShare(batches: Iterable<Batch<tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]>>): Promise<number> {
  const counts = new Map<number, number>();
  for (const b of batches) {
    tf.dispose(b.x);
    const y = await floatsOf(tf.tidy(() => {
      const t = b.y as tf.Tensor;
      // Ids [n, 1] (or [n, time, 1]) or one-hot rows: one class per sample, or per step.
      return tf.cast(t.shape[t.rank - 1] === 1 ? t.reshape([-1]).round() : t.argMax(-1).reshape([-1]), 'float32');
    }));
    tf.dispose(b.y);
    for (const c of y) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const labels = [...counts.values()].reduce((a, b) => a + b, 0);
  return Math.max(...counts.values()) / labels;
}

/** A model of several outputs: each output's baseline on the validation data, the majority
 *  class for an output trained with a cross-entropy (against its accuracy), else the mean of
 *  the training targets (against its loss, under mse or mae). */
export async function outputBaselines(o: { loss: Losses }, tr: TrainData, val: TrainData | undefined, last: EpochLog | undefined): Promise<Baseline[]> {
  if (!val || !last || !(val.y instanceof NamedColumns) || !(tr.y instanceof NamedColumns)) return [];
  const out: Baseline[] = [];
  for (const [k, { name, column }] of val.y.parts.entries()) {
    const loss = lossFor(o.loss, name);
    const accuracy = last[`val_${name}_accuracy`], lossValue = last[`val_${name}_loss`];
    if (isClassLoss(loss) && accuracy !== undefined) {
      out.push({ name: 'majority class', metric: `val_${name}_accuracy`, baseline: await majorityShare(batchesOf(column, column, 4096)), model: accuracy });
    } else if ((loss === 'mse' || loss === 'mae') && lossValue !== undefined) {
      const mean = await meanTarget(tr.y.parts[k]!.column);
      let sum = 0, count = 0;
      for (const b of batchesOf(column, undefined, 4096)) {
        const t = b.x as tf.Tensor;
        sum += (await scalarsOf([tf.tidy(() => { const d = tf.sub(t, mean); return tf.sum(loss === 'mse' ? tf.square(d) : tf.abs(d)); })]))[0]!;
        count += t.size;
        t.dispose();
      }
      mean.dispose();
      out.push({ name: 'mean of the training targets', metric: `val_${name}_loss`, baseline: sum / count, model: lossValue });
    }
  }
  return out;
}

/** The per-position mean of a column's samples (one sample's shape). */
async function meanTarget(c: Column): Promise<tf.Tensor> {
  let sum: tf.Tensor | undefined;
  for (const b of batchesOf(c, undefined, 4096)) {
    const t = b.x as tf.Tensor;
    const next = tf.tidy(() => (sum ? tf.add(sum, tf.sum(t, 0)) : tf.sum(t, 0)));
    sum?.dispose();
    t.dispose();
    sum = next;
  }
  const mean = tf.div(sum!, c.n);
  sum!.dispose();
  return mean;
}
