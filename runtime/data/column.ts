// Data at run time: columns of samples kept in host memory, turned into tensors one batch at
// a time (so a one-hot text corpus never exists as one huge tensor).
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../io/signature.js';

export type HostDType = 'float32' | 'int32';
type Buffer = Float32Array | Int32Array;

/** Samples along axis 0; each sample has `sampleShape`. */
export interface Column {
  readonly n: number;
  readonly sampleShape: readonly number[];
  readonly dtype: HostDType;
  /** Rows [start, end) without copying. */
  slice(start: number, end: number): Column;
  /** A batch tensor of the given rows. */
  gather(rows: ArrayLike<number>): tf.Tensor;
}

/** Columns by name, one per input or output of a model of several (`examples(x: {a: da, b: db},
 *  y: {c: dc, d: dd})`): a batch is one tensor per part, in the order of `parts` (`ordered`
 *  puts it in the model's). */
export class NamedColumns {
  readonly n: number;
  constructor(readonly parts: readonly { name: string; column: Column }[]) { this.n = parts[0]?.column.n ?? 0; }
  /** The parts in the order of `names` (a model's input or output names); those not named keep theirs, after. */
  ordered(names: readonly string[]): NamedColumns {
    const rank = (name: string) => { const i = names.indexOf(name); return i < 0 ? names.length : i; };
    return new NamedColumns([...this.parts].sort((a, b) => rank(a.name) - rank(b.name)));
  }
  slice(start: number, end: number): NamedColumns {
    return new NamedColumns(this.parts.map((i) => ({ name: i.name, column: i.column.slice(start, end) })));
  }
  gather(rows: ArrayLike<number>): tf.Tensor[] {
    return this.parts.map((i) => i.column.gather(rows));
  }
}

/** A numeric column over one typed array. Row i starts at `i * stride`; a stride smaller
 *  than the row size gives overlapping windows of a series without copying it. */
export class DenseColumn implements Column {
  readonly n: number;
  readonly rowSize: number;
  readonly stride: number;
  constructor(readonly data: Buffer, readonly sampleShape: readonly number[], stride?: number) {
    this.rowSize = sampleShape.reduce((a, b) => a * b, 1);
    this.stride = stride ?? this.rowSize;
    this.n = data.length < this.rowSize || this.rowSize === 0 ? 0 : Math.floor((data.length - this.rowSize) / this.stride) + 1;
  }
  get dtype(): HostDType { return this.data instanceof Int32Array ? 'int32' : 'float32'; }
  static of(rows: readonly (readonly number[])[], dtype: HostDType = 'float32'): DenseColumn {
    const width = rows[0]?.length ?? 0;
    const data = dtype === 'int32' ? new Int32Array(rows.length * width) : new Float32Array(rows.length * width);
    rows.forEach((r, i) => data.set(r, i * width));
    return new DenseColumn(data, [width]);
  }
  row(i: number): Buffer {
    return this.data.subarray(i * this.stride, i * this.stride + this.rowSize);
  }
  slice(start: number, end: number): DenseColumn {
    if (end <= start) return new DenseColumn(this.data.subarray(0, 0), this.sampleShape, this.stride);
    return new DenseColumn(this.data.subarray(start * this.stride, (end - 1) * this.stride + this.rowSize), this.sampleShape, this.stride);
  }
  gather(rows: ArrayLike<number>): tf.Tensor {
    const out = this.dtype === 'int32' ? new Int32Array(rows.length * this.rowSize) : new Float32Array(rows.length * this.rowSize);
    for (let i = 0; i < rows.length; i++) out.set(this.row(rows[i]!), i * this.rowSize);
    return tf.tensor(out, [rows.length, ...this.sampleShape], this.dtype);
  }
}

/** Integer ids expanded to one-hot vectors of `depth` when a batch is made. */
export class OneHotColumn implements Column {
  readonly dtype = 'float32';
  readonly sampleShape: readonly number[];
  constructor(readonly ids: DenseColumn, readonly depth: number) {
    this.sampleShape = [...ids.sampleShape, depth];
  }
  get n(): number { return this.ids.n; }
  slice(start: number, end: number): OneHotColumn {
    return new OneHotColumn(this.ids.slice(start, end), this.depth);
  }
  gather(rows: ArrayLike<number>): tf.Tensor {
    const per = this.ids.rowSize;
    const out = new Float32Array(rows.length * per * this.depth);
    for (let i = 0; i < rows.length; i++) {
      const r = this.ids.row(rows[i]!);
      for (let k = 0; k < per; k++) out[(i * per + k) * this.depth + r[k]!] = 1;
    }
    return tf.tensor(out, [rows.length, ...this.sampleShape]);
  }
}

/** One-hot labels [n, k] as class ids [n, 1] (their argmax; [n, time, k] as [n, time, 1]),
 *  for sparse categorical cross-entropy on data whose labels are one-hot (mnist(), char_sequences). */
export function classIds(c: Column): Column {
  // tfjs's sparse loss floors its labels, which it takes as float32 only.
  if (c instanceof OneHotColumn && c.ids.rowSize === 1) return c.ids.dtype === 'float32' ? c.ids : new DenseColumn(Float32Array.from(c.ids.data), c.ids.sampleShape, c.ids.stride);
  return new ArgMaxColumn(c);
}

class ArgMaxColumn implements Column {
  readonly dtype = 'float32';
  readonly sampleShape: readonly number[];
  constructor(readonly rows: Column) { this.sampleShape = [...rows.sampleShape.slice(0, -1), 1]; }
  get n(): number { return this.rows.n; }
  slice(start: number, end: number): ArgMaxColumn { return new ArgMaxColumn(this.rows.slice(start, end)); }
  gather(rows: ArrayLike<number>): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.expandDims(tf.argMax(this.rows.gather(rows), -1), -1), 'float32'));
  }
}

/** Labelled raw texts (before `tokenize`); not a tensor. */
export interface TextSamples { texts: string[] }

export type RuntimeData =
  | { kind: 'array'; column: DenseColumn }
  | { kind: 'text'; text: string }
  | { kind: 'texts'; texts: string[]; y: DenseColumn; classNames?: string[] }
  | { kind: 'dataset'; x: Column; y?: Column; info: DatasetInfo;
    /** A model of several inputs' x, by name (x is the first). */ inputs?: NamedColumns;
    /** A model of several outputs' y, by name (y is the first). */ outputs?: NamedColumns };

/** What a prediction must repeat of the data's making (the model's saved signature reads these fields). */
export interface DatasetInfo extends Pick<Preprocessing, 'columns' | 'normalize' | 'tokenizer'> {
  /** Characters of a char_sequences vocabulary, saved with checkpoints for generation. */
  vocab?: string[];
  /** For windows(): the input feature that the target repeats, for the naive baseline. */
  lastValueFeature?: number;
  /** Names of the classes of ids labels (id i is classNames[i]), from a column of names or
   *  an image folder's sub-folders; saved with a model so predictions can print names. */
  classNames?: string[];
  /** Where sample i came from ("data.csv:57", "x.npy row 12"), for errors about one sample. */
  where?: (row: number) => string;
}

/** The concrete shape of data, for binding the checker's symbolic dims. */
export function concreteShapes(d: RuntimeData): { x?: number[]; y?: number[] } {
  switch (d.kind) {
    case 'array': return { x: [d.column.n, ...d.column.sampleShape] };
    case 'text': return {};
    case 'texts': return { x: [d.texts.length], y: [d.y.n, ...d.y.sampleShape] };
    case 'dataset': return { x: [d.x.n, ...d.x.sampleShape], y: d.y ? [d.y.n, ...d.y.sampleShape] : undefined };
  }
}
