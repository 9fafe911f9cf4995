// Data bigger than memory: rows read in file order from a source, a chunk at a time, and
// batches made from them as training asks (shuffled through a buffer, as tf.data's
// shuffle(buffer_size)). Memory stays flat: the buffer and one batch, whatever the file size.
import * as tf from '@tensorflow/tfjs';
import type { Column, NamedColumns } from './column.js';
import { fault } from '../errors.js';

/** One row of a source: inputs, targets, and where it is in the file (for error messages). */
export interface StreamRow { x: Float32Array; y: Float32Array; where: string }

/** Rows of a file read in order. `n` is known before training (a first pass counts them),
 *  so a progress bar knows an epoch's length. */
export interface RowSource {
  readonly path: string;
  readonly n: number;
  /** Rows held by the shuffle buffer. */
  readonly shuffleBuffer: number;
  /** Kept rows [start, end) in file order. */
  rows(start: number, end: number): Generator<StreamRow>;
}

/** A row's values after a transform; `where` names the row for an error. */
type RowMap = (r: Float32Array, where: string) => Float32Array;

/** The x or y part of rows [start, end) of a source. Not random access: `gather` refuses,
 *  and batches come from `batches()` below. `map` transforms each row as it is read
 *  (normalize's scaling, one_hot's expansion). */
export class StreamColumn implements Column {
  readonly dtype = 'float32';
  constructor(readonly source: RowSource, readonly part: 'x' | 'y', readonly start: number, readonly end: number,
    readonly sampleShape: readonly number[], readonly map?: RowMap) {}
  get n(): number { return this.end - this.start; }
  slice(start: number, end: number): StreamColumn {
    const a = this.start + Math.min(start, this.n), b = this.start + Math.max(Math.min(end, this.n), Math.min(start, this.n));
    return new StreamColumn(this.source, this.part, a, b, this.sampleShape, this.map);
  }
  gather(): tf.Tensor {
    throw fault('data', `${this.source.path} is streamed (read in order, a chunk at a time); this use needs the data in memory: give csv(..., stream: false) if it fits`);
  }
  /** The same rows with `f` applied after the current map; `shape` is the new sample shape. */
  mapped(shape: readonly number[], f: RowMap): StreamColumn {
    const before = this.map;
    return new StreamColumn(this.source, this.part, this.start, this.end, shape, before ? (r, where) => f(before(r, where), where) : f);
  }
  /** Row values after the map. */
  value(row: StreamRow): Float32Array {
    const r = this.part === 'x' ? row.x : row.y;
    return this.map ? this.map(r, row.where) : r;
  }
}

export interface Batch<X = tf.Tensor, Y = tf.Tensor> { x: X; y?: Y; size: number }

/** A check on each target row as it is read (class ids within the model's outputs). */
export type RowCheck = (y: Float32Array, where: string) => void;

/** Batches of a streamed x (and y of the same rows), in file order or shuffled through the
 *  source's buffer: the first `buffer` rows fill it, then each row read replaces a random one
 *  that goes out. Every row comes out once per pass. */
export function* streamBatches(x: StreamColumn, y: StreamColumn | undefined, batchSize: number, random?: () => number, check?: RowCheck): Generator<Batch> {
  if (y && (y.source !== x.source || y.start !== x.start || y.end !== x.end)) throw fault('data', 'the inputs and targets of streamed data must be the same rows of one file');
  const xw = x.sampleShape.reduce((a, b) => a * b, 1), yw = y ? y.sampleShape.reduce((a, b) => a * b, 1) : 0;
  let xs = new Float32Array(batchSize * xw), ys = new Float32Array(batchSize * yw), size = 0;
  const emit = (): Batch => {
    const b = { x: tf.tensor(xs.subarray(0, size * xw), [size, ...x.sampleShape]), y: y ? tf.tensor(ys.subarray(0, size * yw), [size, ...y.sampleShape]) : undefined, size };
    xs = new Float32Array(batchSize * xw); ys = new Float32Array(batchSize * yw); size = 0;
    return b;
  };
  const add = (r: { x: Float32Array; y?: Float32Array }) => {
    xs.set(r.x, size * xw);
    if (r.y) ys.set(r.y, size * yw);
    size++;
  };
  const rows = x.source.rows(x.start, x.end);
  const take = (row: StreamRow) => {
    const yr = y?.value(row);
    if (yr && check) check(yr, row.where);
    return { x: x.value(row), y: yr };
  };
  if (!random) {
    for (const row of rows) {
      add(take(row));
      if (size === batchSize) yield emit();
    }
  } else {
    const buffer: { x: Float32Array; y?: Float32Array }[] = [];
    const cap = Math.max(1, x.source.shuffleBuffer);
    for (const row of rows) {
      const r = take(row);
      if (buffer.length < cap) { buffer.push(r); continue; }
      const k = Math.floor(random() * cap);
      add(buffer[k]!);
      buffer[k] = r;
      if (size === batchSize) yield emit();
    }
    while (buffer.length) {
      const k = Math.floor(random() * buffer.length);
      add(buffer[k]!);
      buffer[k] = buffer[buffer.length - 1]!;
      buffer.pop();
      if (size === batchSize) yield emit();
    }
  }
  if (size) yield emit();
}

/** Per-feature (last axis) mean and standard deviation over the first `rows` rows of a
 *  streamed column: one pass over that part of the file. */
export function streamFeatureStats(c: StreamColumn, rows: number): { mean: Float64Array; std: Float64Array; f: number } {
  const f = c.sampleShape[c.sampleShape.length - 1] ?? 1;
  const mean = new Float64Array(f), sq = new Float64Array(f);
  let count = 0;
  for (const row of c.source.rows(c.start, c.start + rows)) {
    const r = c.value(row);
    for (let k = 0; k < r.length; k++) {
      mean[k % f] = mean[k % f]! + r[k]!;
      sq[k % f] = sq[k % f]! + r[k]! * r[k]!;
    }
    count += r.length / f;
  }
  const std = new Float64Array(f);
  for (let k = 0; k < f; k++) {
    mean[k] = mean[k]! / Math.max(count, 1);
    std[k] = Math.sqrt(Math.max(sq[k]! / Math.max(count, 1) - mean[k]! * mean[k]!, 0)) || 1;
  }
  return { mean, std, f };
}

/** Batches of x (and y) of any column: in-memory columns gathered by `order` (file order
 *  without one), streamed ones read in order or through the shuffle buffer with `random`. */
type BatchOrder = { order?: Int32Array; random?: () => number; check?: RowCheck };
export function batchesOf(x: Column, y: Column | undefined, batchSize: number, how?: BatchOrder): Generator<Batch>;
export function batchesOf(x: Column | NamedColumns, y: Column | NamedColumns | undefined, batchSize: number, how?: BatchOrder): Generator<Batch<tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]>>;
export function* batchesOf(x: Column | NamedColumns, y: Column | NamedColumns | undefined, batchSize: number, how: BatchOrder = {}): Generator<Batch<tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]>> {
  if (x instanceof StreamColumn && (!y || y instanceof StreamColumn)) {
    yield* streamBatches(x, y, batchSize, how.random, how.check);
    return;
  }
  for (let start = 0; start < x.n; start += batchSize) {
    const end = Math.min(x.n, start + batchSize);
    const rows = how.order ? how.order.subarray(start, end) : Int32Array.from({ length: end - start }, (_, i) => start + i);
    yield { x: x.gather(rows), y: y?.gather(rows), size: rows.length };
  }
}
