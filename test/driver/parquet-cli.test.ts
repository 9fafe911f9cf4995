// Parquet through the CLI: a file written by the test with hyparquet-writer, checked against
// its schema (read from the footer) and trained a few steps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { nnc } from '../cli.js';

/** Three separable classes of two features, named, in a Parquet file (two row groups). */
function pointsParquet(dir: string): void {
  const u: number[] = [], v: number[] = [], kind: string[] = [];
  const centre = [[1, 1], [4, 1], [2.5, 4]] as const;
  for (let i = 0; i < 120; i++) {
    u.push(centre[i % 3]![0] + Math.sin(i) * 0.3);
    v.push(centre[i % 3]![1] + Math.cos(i * 1.7) * 0.3);
    kind.push(['red', 'green', 'blue'][i % 3]!);
  }
  const bytes = parquetWriteBuffer({ columnData: [{ name: 'u', data: u, type: 'DOUBLE' }, { name: 'v', data: v, type: 'FLOAT' }, { name: 'kind', data: kind, type: 'STRING' }], rowGroupSize: 64 });
  writeFileSync(join(dir, 'points.parquet'), new Uint8Array(bytes));
}

const program = (data: string) => `
model Points {
  input x: [batch, 2]
  dense(16, activation: relu)
  dense(3, activation: softmax)
}
data points = ${data}
train Points on points { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 15, batch_size: 16, metrics: [accuracy], seed: 1, save: "out" }
`;

function project(data: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-parquet-'));
  pointsParquet(dir);
  writeFileSync(join(dir, 'p.nn'), program(data));
  return join(dir, 'p.nn');
}

/** Checks and trains the points program on `data`; the saved model's signature. */
function trainsOn(data: string): string {
  const nn = project(data);
  expect(nnc('check', nn).code).toBe(0);
  const r = nnc('run', nn, '--backend', 'cpu');
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/train Points: 120 samples of \[2\]/);
  const metrics = JSON.parse(readFileSync(join(nn, '..', 'out', 'metrics.json'), 'utf8')) as { final: { accuracy: number } };
  expect(metrics.final.accuracy).toBeGreaterThan(0.9);
  return readFileSync(join(nn, '..', 'out', 'model.json'), 'utf8');
}

describe('parquet', () => {
  it('trains on a Parquet file: class names from a string column', () => {
    const signature = trainsOn('parquet("points.parquet", x: ["u", "v"], y: "kind")');
    expect(signature).toMatch(/"blue".*"green".*"red"/s);
  });

  it('a file whose columns would not fit the heap is one line with the figure, before it is decoded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-parquet-'));
    // 2M rows of three columns: ~190 MB of heap to read whole, past a 100 MB old space (155 MB heap).
    const n = 2_000_000;
    const u = Array.from({ length: n }, (_, i) => i % 10), kind = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]!);
    writeFileSync(join(dir, 'points.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'u', data: u, type: 'DOUBLE' }, { name: 'v', data: u, type: 'DOUBLE' }, { name: 'kind', data: kind, type: 'STRING' }], rowGroupSize: 500_000 })));
    writeFileSync(join(dir, 'p.nn'), program('parquet("points.parquet", x: ["u", "v"], y: "kind")'));
    const r = spawnSync(process.execPath, ['--max-old-space-size=100', 'bin/nnc.js', 'run', join(dir, 'p.nn'), '--backend', 'cpu'], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: '' } });
    expect(r.stderr).toMatch(/^nnc: \S+points\.parquet \(2000000 rows of 3 columns\) needs ~\d+ MB of memory to read whole, more than the \d+ MB of heap this process has left; read fewer columns or rows, or give Node more heap: NODE_OPTIONS=--max-old-space-size=\d+\n$/);
    expect(r.status).toBe(2);
  }, 60_000);

  it('the checker reads the schema from the footer: an unknown column is E0417 with the columns there are', () => {
    const r = nnc('check', project('parquet("points.parquet", x: ["u", "w"], y: "kind")'));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/error E0417: no such column or array: points\.parquet has no column 'w'/);
    expect(r.stderr + r.stdout).toMatch(/u, v, kind/);
  });

  it('a string x column is an error at the data line', () => {
    const r = nnc('check', project('parquet("points.parquet", x: ["u", "kind"], y: "v")'));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/E0420.*column 'kind' holds strings, not numbers/);
  });
});

describe('parquet columns by number', () => {
  it('x and y by 0-based number (range and names mix) train as the names would, and the saved model speaks of names', () => {
    const signature = trainsOn('parquet("points.parquet", x: [range(0, 1), "v"], y: 2)');
    expect(signature).toMatch(/"u".*"v"/s);
    expect(signature).toMatch(/"blue".*"green".*"red"/s);
  });

  it('a number past the last column is E0422 at the argument, with the count', () => {
    const r = nnc('check', project('parquet("points.parquet", x: range(0, 2), y: 3)'));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/error E0422: column number past the last column: points\.parquet has 3 columns \(numbered 0 to 2\), so it has no column 3/);
  });

  it('the runtime resolves numbers the checker left (a host that reads no files) against the schema', async () => {
    const { parquetTable } = await import('../../runtime/data/parquet.js');
    const dir = mkdtempSync(join(tmpdir(), 'nnc-parquet-'));
    pointsParquet(dir);
    const path = join(dir, 'points.parquet');
    const t = parquetTable(path, { path, x: [0, 1], y: 2, labels: null, classes: null });
    expect(t.kind === 'dataset' && t.info?.columns).toEqual(['u', 'v']);
    expect(t.kind === 'dataset' && t.info?.classNames).toEqual(['blue', 'green', 'red']);
    expect(() => parquetTable(path, { path, x: [0, 5], y: null, labels: null, classes: null })).toThrow(/no column 5; its 3 columns are numbered 0 to 2/);
  });
});
