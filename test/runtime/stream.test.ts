// Streamed CSV data: records read in small chunks as csv-parse reads the whole file, batches
// that cover every row once per epoch (shuffled through the buffer), the validation part,
// normalize's statistics from a streaming pass.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DenseColumn, type Column, type RuntimeData } from '../../runtime/data/column.js';
import { csvRecords } from '../../runtime/data/csv-records.js';
import { batchesOf, StreamColumn } from '../../runtime/data/stream.js';
import { csv, examples, normalize, split, one_hot } from '../../runtime/data/sources.js';
import { mulberry32 } from '../../runtime/random.js';

const dir = mkdtempSync(join(tmpdir(), 'nnc-stream-'));
const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return name; };

/** Rows numbered 0..n-1 in column `id`, a feature, and a named class. */
function table(n: number): string {
  const rows = ['id,f,kind'];
  for (let i = 0; i < n; i++) rows.push(`${i},${(i % 7) * 0.5},${['a', 'b', 'c'][i % 3]}`);
  return rows.join('\n') + '\n';
}

type Dataset = Extract<RuntimeData, { kind: 'dataset' }>;
const streamed = (name: string, extra: object = {}) => csv({ path: name, columns: null, x: ['id', 'f'], y: 'kind', stream: true, chunkBytes: 64, shuffle_buffer: 16, ...extra }, { baseDir: dir }) as Dataset;

function ids(d: { x: Column; y?: Column }, random?: () => number): number[] {
  const out: number[] = [];
  for (const b of batchesOf(d.x, d.y, 10, { random })) {
    out.push(...(b.x.arraySync() as number[][]).map((r) => r[0]!));
    b.x.dispose(); b.y?.dispose();
  }
  return out;
}

describe('streamed CSV', () => {
  it('reads records in chunks of a few bytes as csv-parse reads the whole file, quoted line breaks included', () => {
    const text = 'a,b\n1,"x\ny"\n2,"p,""q"""\n\n3,z\n' + Array.from({ length: 50 }, (_, i) => `${i},"${'w'.repeat(i % 9)}"`).join('\n') + '\n';
    const path = join(dir, write('q.csv', text));
    const whole = (parse(text, { skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[]).map((r) => ({ cells: r.record, line: r.info.lines }));
    for (const chunk of [7, 16, 1 << 20]) expect([...csvRecords(path, ',', chunk)]).toEqual(whole);
  });

  it('a streamed input of a model of several inputs is refused in one line (they are read whole)', () => {
    const d = streamed(write('in.csv', table(20)));
    const whole = csv({ path: 'in.csv', columns: null, x: ['f'], y: 'kind', stream: false }, { baseDir: dir });
    expect(() => examples({ x: { main: d, extra: whole }, y: whole, labels: 'values', classes: null })).toThrow(/^examples: the input 'main' is streamed .*give it stream: false$/);
  });

  it('columns by number (as the runtime gets them where the checker read no header) stream and load alike', () => {
    const name = write('num.csv', table(40));
    for (const stream of [true, false]) {
      const d = csv({ path: name, columns: null, x: [0, 1], y: 2, stream, chunkBytes: 64 }, { baseDir: dir }) as Dataset;
      expect(d.info.columns).toEqual(['id', 'f']);
      expect(d.info.classNames).toEqual(['a', 'b', 'c']);
      expect(ids(d)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(() => csv({ path: name, columns: null, x: [0, 3], y: 2, stream: false }, { baseDir: dir })).toThrow(/num\.csv: no column 3; its 3 columns are numbered 0 to 2/);
  });

  it('knows the row count and class names from a first pass; batches cover every row once per epoch', () => {
    const d = streamed(write('t.csv', table(203)));
    expect(d.x).toBeInstanceOf(StreamColumn);
    expect(d.x.n).toBe(203);
    expect(d.info.classNames).toEqual(['a', 'b', 'c']);
    const inOrder = ids(d);
    expect(inOrder).toEqual(Array.from({ length: 203 }, (_, i) => i));
    const random = mulberry32(3);
    const once = ids(d, random), twice = ids(d, random);
    for (const epoch of [once, twice]) expect([...epoch].sort((a, b) => a - b)).toEqual(inOrder);
    expect(once).not.toEqual(inOrder);
    expect(once).not.toEqual(twice);
    // A buffer of 16 rows: no row comes out more than 16 places before its turn.
    expect(Math.min(...once.map((v, i) => i - v))).toBeGreaterThanOrEqual(-16);
  });

  it('labels follow their rows; the last fraction is the validation part', () => {
    const d = streamed(write('t2.csv', table(50)));
    const last = split({ data: d, fraction: 0.8, part: 'second' }) as Dataset;
    expect(last.x.n).toBe(10);
    const [b] = [...batchesOf(last.x, last.y, 100)];
    expect((b!.x.arraySync() as number[][]).map((r) => r[0])).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect((b!.y!.arraySync() as number[][]).map((r) => r[0])).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49].map((i) => i % 3));
    const hot = one_hot({ data: last, classes: 3 }) as Dataset;
    const [h] = [...batchesOf(hot.x, hot.y, 100)];
    expect((h!.y!.arraySync() as number[][])[0]).toEqual([0, 1, 0]);
  });

  it('normalize takes its statistics in a streaming pass, as in memory', () => {
    const name = write('t3.csv', table(120));
    const inMemory = normalize({ data: csv({ path: name, columns: null, x: ['id', 'f'], y: 'kind', stream: false }, { baseDir: dir }), fit: 0.8 }) as Dataset;
    const onStream = normalize({ data: streamed(name), fit: 0.8 }) as Dataset;
    expect(onStream.info.normalize!.mean[0]).toBeCloseTo(inMemory.info.normalize!.mean[0]!, 4);
    expect(onStream.info.normalize!.std[1]).toBeCloseTo(inMemory.info.normalize!.std[1]!, 4);
    const [b] = [...batchesOf(onStream.x, onStream.y, 200)];
    const m = inMemory.x as DenseColumn;
    expect((b!.x.arraySync() as number[][])[77]![0]).toBeCloseTo(m.row(77)[0]!, 4);
  });

  it.each(['drop', 'mean'] as const)('missing: %s keeps the rows and values the in-memory reader keeps, from any part of the file', (missing) => {
    const name = write(`gaps-${missing}.csv`, table(90).split('\n').map((l, i) => (i % 11 === 5 ? l.replace(/^(\d+),[^,]*,/, '$1,,') : i % 17 === 9 ? l.replace(/,[abc]$/, ',') : l)).join('\n'));
    const whole = csv({ path: name, columns: null, x: ['id', 'f'], y: 'kind', stream: false, missing }, { baseDir: dir }) as Dataset;
    const d = streamed(name, { missing });
    expect(d.x.n).toBe(whole.x.n);
    for (const part of ['first', 'second'] as const) {
      const [s, w] = [d, whole].map((data) => split({ data, fraction: 0.7, part }) as Dataset);
      const [b] = [...batchesOf(s!.x, s!.y, 1000)];
      const [c] = [...batchesOf(w!.x, w!.y, 1000)];
      expect(b!.x.arraySync()).toEqual(c!.x.arraySync());
      expect(b!.y!.arraySync()).toEqual(c!.y!.arraySync());
    }
  });

  it('a bad cell is found in the first pass and named by file:line', () => {
    const name = write('bad.csv', table(40).replace('\n30,', '\n30x,'));
    expect(() => streamed(name)).toThrow(/bad\.csv:32: column 'id' is "30x", not a number/);
  });
});
