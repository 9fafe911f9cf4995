// Data loaders: values on tiny inputs, and one-line errors for bad files.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_SOURCES } from '../../compiler/data/sources.js';
import type { DataValue, Value } from '../../compiler/ir.js';
import { DenseColumn, type RuntimeData } from '../../runtime/data/column.js';
import { makeLoader } from '../../runtime/interpret/loaders.js';
import { DATA_FUNCTIONS } from '../../runtime/data/sources.js';
import { clusters } from '../../runtime/data/clusters.js';

const dir = mkdtempSync(join(tmpdir(), 'nnc-data-'));
const int = (value: number): Value => ({ kind: 'int', value });
const str = (value: string): Value => ({ kind: 'string', value });
const dv = (source: string, args: Record<string, Value>): DataValue => ({ source, args: new Map(Object.entries(args)), type: { kind: 'text' } });
const data = (d: DataValue): Value => ({ kind: 'data', data: d });
const load = (d: DataValue) => makeLoader(dir)(d);
const rows = (t: { arraySync(): unknown }) => t.arraySync();

function csv(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}
const series = (values: number[]) => csv(`s${values.length}.csv`, 'v\n' + values.join('\n') + '\n');
const windowsOf = (values: number[], extra: Record<string, Value>) =>
  dv('windows', { series: data(dv('csv', { path: str(series(values)), columns: { kind: 'list', items: [str('v')] } })), lookback: int(3), horizon: int(1), step: int(1), sampling_rate: int(1), target: { kind: 'null' }, relative: { kind: 'bool', value: false }, ...extra });

async function dataset(d: DataValue) {
  const r = await load(d) as Extract<RuntimeData, { kind: 'dataset' }>;
  expect(r.kind).toBe('dataset');
  const all = Array.from({ length: r.x.n }, (_, i) => i);
  return { x: rows(r.x.gather(all)), y: rows(r.y!.gather(all)), r };
}

describe('data loaders', () => {
  it('has a runtime data function for every entry of the data-source table', () => {
    expect(Object.keys(DATA_FUNCTIONS).sort()).toEqual([...DATA_SOURCES.keys()].sort());
  });

  it('windows: lookback rows in, the row horizon steps later out', async () => {
    const { x, y } = await dataset(windowsOf([1, 2, 3, 4, 5, 6], {}));
    expect(x).toEqual([[[1], [2], [3]], [[2], [3], [4]], [[3], [4], [5]]]);
    expect(y).toEqual([[4], [5], [6]]);
  });

  it('windows: sampling_rate, step and relative', async () => {
    const { x, y } = await dataset(windowsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { lookback: int(2), sampling_rate: int(3), step: int(2), relative: { kind: 'bool', value: true } }));
    // windows at rows 0 and 2: [1, 4] → 7 and [3, 6] → 9, relative to the last row.
    expect(x).toEqual([[[-3], [0]], [[-3], [0]]]);
    expect(y).toEqual([[3], [3]]);
  });

  it('windows: too few rows is a one-line error naming the sizes', async () => {
    await expect(load(windowsOf([1, 2, 3], {}))).rejects.toThrow(/the series has 3 rows, too few for lookback 3 \+ horizon 1/);
  });

  it('normalize takes its statistics from the leading fit fraction', async () => {
    const r = await load(dv('normalize', { data: data(dv('csv', { path: str(series([1, 3, 100, 100])), columns: { kind: 'list', items: [str('v')] } })), fit: { kind: 'float', value: 0.5 } }));
    const c = (r as { column: DenseColumn }).column;
    expect(Array.from(c.data)).toEqual([-1, 1, 98, 98]);
  });

  it('char_sequences: sorted vocabulary, one-hot windows, next character', async () => {
    writeFileSync(join(dir, 'abc.txt'), 'abcab');
    const { x, y, r } = await dataset(dv('char_sequences', { text: data(dv('text', { path: str('abc.txt') })), maxlen: int(2), step: int(1), lowercase: { kind: 'bool', value: false } }));
    expect(r.info.vocab).toEqual(['a', 'b', 'c']);
    expect(x).toEqual([[[1, 0, 0], [0, 1, 0]], [[0, 1, 0], [0, 0, 1]], [[0, 0, 1], [1, 0, 0]]]);
    expect(y).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  });

  it('split keeps the first fraction or the rest, in order', async () => {
    const src = data(dv('csv', { path: str(series([1, 2, 3, 4])), columns: { kind: 'list', items: [str('v')] } }));
    const first = await load(dv('split', { data: src, fraction: { kind: 'float', value: 0.75 } }));
    const second = await load(dv('split', { data: src, fraction: { kind: 'float', value: 0.75 }, part: { kind: 'enum', name: 'second' } }));
    expect(Array.from((first as { column: DenseColumn }).column.data)).toEqual([1, 2, 3]);
    expect(Array.from((second as { column: DenseColumn }).column.data)).toEqual([4]);
  });

  it('the packaged sensor series and MNIST load offline', async () => {
    const s = await load(dv('sensor_network', { columns: { kind: 'list', items: [str('temperature')] }, mote: int(3) }));
    expect((s as { column: DenseColumn }).column.n).toBeGreaterThan(4000);
    const m = await dataset(dv('mnist', { count: int(20) }));
    expect(m.r.x.sampleShape).toEqual([28, 28, 1]);
    expect((m.y as number[][]).map((r) => r.indexOf(1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('CSV errors name the file and the line', () => {
  const read = (text: string, columns = ['a', 'b']) =>
    load(dv('csv', { path: str(csv(`bad${text.length}.csv`, text)), columns: { kind: 'list', items: columns.map(str) } }));
  it.each([
    ['a,b\n1,2\n3\n', /bad\d+\.csv: Invalid Record Length: .*line 3/],
    ['a,b\n1,2\n3,x\n', /bad\d+\.csv:3: column 'b' is "x", not a number/],
    ['a,b\n1,2\n0x10,3\n', /bad\d+\.csv:3: column 'a' is "0x10", not a number/],
    ['a,c\n1,2\n', /no column 'b'.*columns are a, c/],
    ['a,b\n', /no data rows/],
  ])('%j', async (text, message) => {
    await expect(read(text)).rejects.toThrow(message);
  });
  it('a missing file', async () => {
    await expect(load(dv('csv', { path: str('nope.csv'), columns: { kind: 'list', items: [str('a')] } }))).rejects.toThrow(/cannot read .*nope\.csv: no such file/);
  });
});

/** An unsigned-byte IDX file of `dims`, gzipped when the name ends in .gz. */
function idxFile(name: string, dims: number[], values: number[], header = [0, 0, 8, dims.length]): string {
  const head = Buffer.alloc(4 + 4 * dims.length);
  header.forEach((b, i) => head.writeUInt8(b, i));
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const bytes = Buffer.concat([head, Buffer.from(values)]);
  writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return name;
}

describe('idx: the MNIST-family files', () => {
  const nul: Value = { kind: 'null' };
  const idx = (images: string, labels: Value, over: Record<string, Value> = {}) =>
    dv('idx', { images: str(images), labels, height: int(2), width: int(3), classes: int(4), count: nul, ...over });
  const images = idxFile('img.gz', [3, 2, 3], Array.from({ length: 18 }, (_, i) => i * 15));
  const labels = idxFile('lab', [3], [2, 0, 3]);

  it('reads gzipped or plain files: pixels / 255, one-hot labels, count', async () => {
    const d = await dataset(idx(images, str(labels)));
    expect(d.r.x.sampleShape).toEqual([2, 3, 1]);
    expect((d.x as number[][][][])[1]![0]![0]![0]).toBeCloseTo(90 / 255, 6);
    expect(d.y).toEqual([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]);
    const two = await load(idx(images, nul, { count: int(2) })) as Extract<RuntimeData, { kind: 'array' }>;
    expect([two.kind, two.column.n]).toEqual(['array', 2]);
  });

  it.each([
    ['a size other than the call says', () => idx(images, nul, { height: int(3), width: int(2) }), /img\.gz holds 2 x 3 images; the idx\(\) call says 3 x 2/],
    ['a label out of range', () => idx(images, str(labels), { classes: int(3) }), /lab: label 3 of image 3 is not below classes = 3/],
    ['too few labels', () => idx(images, str(idxFile('lab2', [2], [0, 1]))), /lab2 holds 2 labels for 3 images/],
    ['a file cut short', () => idx(idxFile('short', [3, 2, 3], [1, 2, 3]), nul), /short is cut short: its header promises \[3, 2, 3\] = 18 values, it holds 3/],
    ['not IDX', () => idx(csv('notidx', 'a,b\n'), nul), /notidx is not an IDX file/],
    ['another value type', () => idx(idxFile('floats', [1, 2, 3], [0, 0, 0, 0, 0, 0], [0, 0, 0x0d, 3]), nul), /IDX type 0xd; only unsigned bytes/],
    ['more images than the file holds', () => idx(images, nul, { count: int(9) }), /holds 3 images; asked for 9/],
    ['a missing file', () => idx('none.gz', nul), /^cannot read [^:]*none\.gz: no such file$/],
  ])('%s is a one-line error naming the file', async (_, d, message) => {
    await expect(load(d())).rejects.toThrow(message);
  });

  it("reads Debian's full Fashion-MNIST files where dataset-fashion-mnist is installed", async (ctx) => {
    const root = '/usr/share/datasets/fashion-mnist';
    if (!existsSync(root)) return ctx.skip();
    const d = await load(idx(`${root}/t10k-images-idx3-ubyte.gz`, str(`${root}/t10k-labels-idx1-ubyte.gz`), { height: int(28), width: int(28), classes: int(10) })) as Extract<RuntimeData, { kind: 'dataset' }>;
    expect([d.x.n, ...d.x.sampleShape]).toEqual([10000, 28, 28, 1]);
  });
});

describe('image and images: JPEG and PNG, RGB in [0, 1], resized', () => {
  const imgDir = mkdtempSync(join(tmpdir(), 'nnc-img-')), badDir = mkdtempSync(join(tmpdir(), 'nnc-bad-img-'));
  /** A 4×6 picture: red left half, blue right half. */
  const rgba = Buffer.alloc(4 * 6 * 4);
  for (let i = 0; i < 24; i++) rgba.set(i % 6 < 3 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
  beforeAll(async () => {
    const { PNG } = await import('pngjs');
    const jpeg = (await import('jpeg-js')).default;
    const png = new PNG({ width: 6, height: 4 });
    rgba.copy(png.data);
    writeFileSync(join(imgDir, 'a.png'), PNG.sync.write(png));
    writeFileSync(join(imgDir, 'b.jpg'), jpeg.encode({ data: rgba, width: 6, height: 4 }, 100).data);
    writeFileSync(join(imgDir, 'notes.txt'), 'not an image');
    writeFileSync(join(badDir, 'fake.png'), 'not a png');
    writeFileSync(join(badDir, 'cut.jpeg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  });
  const img = (path: string, h = 4, w = 6, d = imgDir) => dv('image', { path: str(join(d, path)), height: int(h), width: int(w) });

  it('reads a PNG exactly and a JPEG closely; resizing keeps the halves', async () => {
    const png = await load(img('a.png')) as Extract<RuntimeData, { kind: 'array' }>;
    expect([png.column.n, ...png.column.sampleShape]).toEqual([1, 4, 6, 3]);
    expect([...png.column.row(0).slice(0, 3)]).toEqual([1, 0, 0]);
    expect([...png.column.row(0).slice(15, 18)]).toEqual([0, 0, 1]);
    const jpg = await load(img('b.jpg')) as Extract<RuntimeData, { kind: 'array' }>;
    expect(jpg.column.row(0)[0]).toBeGreaterThan(0.8); // red, within JPEG's loss
    expect(jpg.column.row(0)[2]).toBeLessThan(0.25);
    const small = await load(img('a.png', 2, 2)) as Extract<RuntimeData, { kind: 'array' }>;
    expect([...small.column.row(0)].map((v) => Math.round(v))).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('images: every .jpg/.jpeg/.png of a folder in name order; other files are skipped', async () => {
    writeFileSync(join(imgDir, 'c.PNG'), readFileSync(join(imgDir, 'a.png')));
    const all = await load(dv('images', { dir: str(imgDir), height: int(4), width: int(6) })) as Extract<RuntimeData, { kind: 'array' }>;
    expect(all.column.n).toBe(3);
    expect([...all.column.row(2).slice(0, 3)]).toEqual([1, 0, 0]);
    await expect(load(dv('images', { dir: str(badDir), height: int(2), width: int(2) }))).rejects.toThrow(/cut\.jpeg is not a readable image/);
  });

  it.each([
    ['a missing file', () => img('none.png'), /cannot read .*none\.png: no such file/],
    ['not an image', () => img('notes.txt'), /notes\.txt is neither a JPEG nor a PNG file/],
    ['a .png that is not one', () => img('fake.png', 4, 6, badDir), /fake\.png is neither a JPEG nor a PNG file/],
    ['a JPEG cut short', () => img('cut.jpeg', 4, 6, badDir), /cut\.jpeg is not a readable image: /],
    ['a folder with no images', () => dv('images', { dir: str(mkdtempSync(join(tmpdir(), 'nnc-empty-'))), height: int(2), width: int(2) }), /holds no \.jpg, \.jpeg or \.png images/],
    ['a folder that does not exist', () => dv('images', { dir: str(join(imgDir, 'nope')), height: int(2), width: int(2) }), /cannot read the folder .*nope: no such folder/],
  ])('%s is a one-line error naming it', async (_, d, message) => {
    await expect(load(d())).rejects.toThrow(message);
  });
});

describe('clusters: k-means labels', () => {
  /** 30 points of 2-D in three tight blobs, interleaved: point i is in blob i mod 3. */
  const blobs = (): RuntimeData => {
    const centres = [[0, 0], [10, 0], [0, 10]];
    const x = Float32Array.from({ length: 60 }, (_, k) => centres[Math.floor(k / 2) % 3]![k % 2]! + ((k * 7919) % 13) / 26);
    return { kind: 'array', column: new DenseColumn(x, [2]) };
  };

  it('gives the points of one blob one cluster and of different blobs different ones, the same every run', () => {
    const first = clusters({ data: blobs(), k: 3, iterations: 50 });
    const all = Array.from({ length: 30 }, (_, i) => i);
    if (first.kind !== 'dataset') throw new Error('a dataset');
    const ids = (first.y!.gather(all).argMax(1).arraySync() as number[]);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    expect(ids).toEqual(all.map((i) => ids[i % 3]));
    expect(rows(first.y!.gather(all))).toEqual(rows((clusters({ data: blobs(), k: 3, iterations: 50 }) as typeof first).y!.gather(all)));
    expect(first.y!.sampleShape).toEqual([3]);
  });

  it('a k above the sample count is a one-line error', () => {
    expect(() => clusters({ data: blobs(), k: 31, iterations: 5 })).toThrow(/k is 31, but the data has only 30 samples/);
  });

  it('as many clusters as distinct samples, every one used; more is a one-line error', () => {
    // Three distinct points, each ten times.
    const repeated = (): RuntimeData => ({ kind: 'array', column: new DenseColumn(Float32Array.from({ length: 60 }, (_, k) => (Math.floor(k / 2) % 3) * (k % 2 ? 1 : 5)), [2]) });
    const three = clusters({ data: repeated(), k: 3, iterations: 50 });
    if (three.kind !== 'dataset') throw new Error('a dataset');
    const counts = rows(three.y!.gather(Array.from({ length: 30 }, (_, i) => i)).sum(0));
    expect(counts).toEqual([10, 10, 10]);
    expect(() => clusters({ data: repeated(), k: 4, iterations: 50 })).toThrow(/fewer than 4 distinct samples; use a smaller k/);
  });
});
