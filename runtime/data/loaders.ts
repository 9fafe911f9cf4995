// One loader per entry of the data-source table (compiler/data/sources.ts), under the same
// name: checked data values in, host-memory data out.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { DataValue, Value } from '../../compiler/values.js';
import { DenseColumn, OneHotColumn, type Column, type RuntimeData } from './column.js';
import { readCsv } from './csv.js';
import { DataError } from './errors.js';
import { mnistLike, mobyDick, sensorNetwork, spamAssassin } from './packaged.js';

export interface LoadCtx {
  /** Folder of the .nn file; data paths are relative to it. */
  baseDir: string;
  load(v: DataValue): Promise<RuntimeData>;
}

type Args = ReadonlyMap<string, Value>;
type Loader = (args: Args, ctx: LoadCtx) => RuntimeData | Promise<RuntimeData>;

const num = (args: Args, name: string): number => {
  const v = args.get(name);
  if (v?.kind === 'int' || v?.kind === 'float') return v.value;
  if (v?.kind === 'dim' && v.dim.value !== undefined) return v.dim.value;
  throw new DataError(`'${name}' must be a number here`);
};
const str = (args: Args, name: string): string => {
  const v = args.get(name);
  if (v?.kind !== 'string') throw new DataError(`'${name}' must be a string`);
  return v.value;
};
const strings = (args: Args, name: string): string[] => {
  const v = args.get(name);
  return v?.kind === 'list' ? v.items.map((i) => (i.kind === 'string' ? i.value : '')) : [];
};
const path = (args: Args, name: string, ctx: LoadCtx) => {
  const p = str(args, name);
  return isAbsolute(p) ? p : resolve(ctx.baseDir, p);
};
async function input(args: Args, name: string, ctx: LoadCtx): Promise<RuntimeData> {
  const v = args.get(name);
  if (v?.kind !== 'data') throw new DataError(`'${name}' must be data`);
  return ctx.load(v.data);
}

function series(d: RuntimeData, what: string): DenseColumn {
  if (d.kind !== 'array') throw new DataError(`${what} needs a numeric series`);
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
      mean[k % f] += r[k]!;
      sq[k % f] += r[k]! * r[k]!;
    }
    count += r.length / f;
  }
  const std = new Float64Array(f);
  for (let k = 0; k < f; k++) {
    mean[k] /= count;
    std[k] = Math.sqrt(Math.max(sq[k]! / count - mean[k]! * mean[k]!, 0)) || 1;
  }
  return { mean, std, f };
}

function normalized(c: DenseColumn, fit: number): DenseColumn {
  if (!(c.data instanceof Float32Array) || c.stride !== c.rowSize) throw new DataError('normalize needs a numeric series or windows of one');
  const { mean, std, f } = featureStats(c, Math.max(1, Math.floor(c.n * fit)));
  const out = new Float32Array(c.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (c.data[i]! - mean[i % f]!) / std[i % f]!;
  return new DenseColumn(out, c.sampleShape);
}

function sliceData(d: RuntimeData, start: (n: number) => number, end: (n: number) => number): RuntimeData {
  switch (d.kind) {
    case 'array': return { kind: 'array', column: d.column.slice(start(d.column.n), end(d.column.n)) };
    case 'text': return { kind: 'text', text: d.text.slice(start(d.text.length), end(d.text.length)) };
    case 'texts': {
      const n = d.texts.length;
      return { kind: 'texts', texts: d.texts.slice(start(n), end(n)), y: d.y.slice(start(n), end(n)) };
    }
    case 'dataset': {
      const n = d.x.n;
      return { ...d, x: d.x.slice(start(n), end(n)), y: d.y?.slice(start(n), end(n)) };
    }
  }
}

const WORD = /[a-z0-9']+/g;

interface WindowSpec { lookback: number; horizon: number; step: number; rate: number; target?: number; relative: boolean }

/** Input windows of `lookback` rows taken every `rate` rows, and the row `horizon` sampled
 *  steps after each window as the target. Plain windows share the series' memory. */
function windows(s: DenseColumn, w: WindowSpec): RuntimeData {
  const { lookback, horizon, step, rate, target, relative } = w;
  const f = s.rowSize;
  if (target !== undefined && target >= f) throw new DataError(`windows: target column ${target} does not exist; the series has ${f} column${f === 1 ? '' : 's'}`);
  const span = (lookback - 1 + horizon) * rate + 1;
  const n = Math.floor((s.n - span) / step) + 1;
  if (n < 1) throw new DataError(`windows: the series has ${s.n} rows, too few for lookback ${lookback} + horizon ${horizon}${rate > 1 ? ` at sampling rate ${rate}` : ''} (${span} rows)`);
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

export const LOADERS: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['csv', (args, ctx) => ({ kind: 'array', column: DenseColumn.of(readCsv(path(args, 'path', ctx), strings(args, 'columns')).rows) })],
  ['text', (args, ctx) => {
    const p = path(args, 'path', ctx);
    try {
      return { kind: 'text', text: readFileSync(p, 'utf8') };
    } catch (err) {
      throw new DataError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }],
  ['image', () => { throw new DataError('image() is checked but not yet read by nnc run (it arrives with the image tasks)'); }],
  ['images', () => { throw new DataError('images() is checked but not yet read by nnc run (it arrives with the image tasks)'); }],
  ['windows', async (args, ctx) => windows(series(await input(args, 'series', ctx), 'windows'), {
    lookback: num(args, 'lookback'), horizon: num(args, 'horizon'), step: num(args, 'step'), rate: num(args, 'sampling_rate'),
    target: args.get('target')?.kind === 'int' ? num(args, 'target') : undefined,
    relative: args.get('relative')?.kind === 'bool' && (args.get('relative') as { value: boolean }).value,
  })],
  ['char_sequences', async (args, ctx) => {
    const d = await input(args, 'text', ctx);
    if (d.kind !== 'text') throw new DataError('char_sequences needs text');
    const maxlen = num(args, 'maxlen'), step = num(args, 'step');
    const vocab = [...new Set(d.text)].sort();
    const index = new Map(vocab.map((c, i) => [c, i]));
    const chars = [...d.text];
    const ids = Int32Array.from(chars, (c) => index.get(c)!);
    const n = Math.floor((ids.length - maxlen - 1) / step) + 1;
    if (n < 1) throw new DataError(`char_sequences: the text has ${ids.length} characters, too few for maxlen ${maxlen}`);
    const x = new OneHotColumn(new DenseColumn(ids.subarray(0, (n - 1) * step + maxlen), [maxlen], step), vocab.length);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) next[i] = ids[i * step + maxlen]!;
    return { kind: 'dataset', x, y: new OneHotColumn(new DenseColumn(next, []), vocab.length), info: { vocab } };
  }],
  ['tokenize', async (args, ctx) => {
    const d = await input(args, 'texts', ctx);
    if (d.kind !== 'texts') throw new DataError('tokenize needs labelled texts');
    const vocabSize = num(args, 'vocab_size'), length = num(args, 'length');
    const docs = d.texts.map((t) => t.toLowerCase().match(WORD) ?? []);
    const counts = new Map<string, number>();
    for (const doc of docs) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
    // 0 pads, 1 stands for words outside the vocabulary; ties broken alphabetically.
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(0, vocabSize - 2));
    const id = new Map(ranked.map(([w], i) => [w, i + 2]));
    const x = new Int32Array(docs.length * length);
    docs.forEach((doc, i) => doc.slice(0, length).forEach((w, k) => { x[i * length + k] = id.get(w) ?? 1; }));
    return { kind: 'dataset', x: new DenseColumn(x, [length]), y: d.y, info: {} };
  }],
  ['normalize', async (args, ctx) => {
    const d = await input(args, 'data', ctx);
    const fit = num(args, 'fit');
    if (d.kind === 'array') return { kind: 'array', column: normalized(d.column, fit) };
    if (d.kind === 'dataset' && d.x instanceof DenseColumn) return { ...d, x: normalized(d.x, fit) };
    throw new DataError('normalize needs a numeric series or dataset');
  }],
  ['split', async (args, ctx) => {
    const d = await input(args, 'data', ctx);
    const fraction = num(args, 'fraction');
    const first = args.get('part')?.kind !== 'enum' || (args.get('part') as { name: string }).name === 'first';
    const cut = (n: number) => Math.floor(n * fraction);
    return first ? sliceData(d, () => 0, cut) : sliceData(d, cut, (n) => n);
  }],
  ['mnist', (args) => ({ kind: 'dataset', ...mnistLike('mnist', num(args, 'count')), info: {} })],
  ['fashion_mnist', (args) => ({ kind: 'dataset', ...mnistLike('fashion-mnist', num(args, 'count')), info: {} })],
  ['moby_dick', () => ({ kind: 'text', text: mobyDick() })],
  ['sensor_network', (args) => ({ kind: 'array', column: sensorNetwork(strings(args, 'columns'), num(args, 'mote')) })],
  ['spam_assassin', () => {
    const { texts, labels } = spamAssassin();
    return { kind: 'texts', texts, y: DenseColumn.of(labels.map((l) => [l])) };
  }],
]);

/** Loads a checked data value, each distinct value once. */
export function makeLoader(baseDir: string): (v: DataValue) => Promise<RuntimeData> {
  const cache = new Map<DataValue, Promise<RuntimeData>>();
  const ctx: LoadCtx = {
    baseDir,
    load(v) {
      let p = cache.get(v);
      if (!p) {
        const loader = LOADERS.get(v.source);
        if (!loader) throw new DataError(`no runtime loader for ${v.source}()`);
        p = Promise.resolve().then(() => loader(v.args, ctx));
        cache.set(v, p);
      }
      return p;
    },
  };
  return ctx.load;
}

export type { Column };
