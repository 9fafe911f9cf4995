// A CSV file too big for memory, as a row source (stream.ts): its records a chunk at a time
// (csv-records.ts), a first pass counting the rows, checking the cells and collecting the
// class names and the columns' means, then one pass per epoch. The same rules as readTable
// (csv.ts).
import { csvRecords, CSV_CHUNK_BYTES, type CsvRecord as Record, type Mark } from './csv-records.js';
import { columnIndex, DECIMAL, MISSING_CELLS, type ColumnRef, type CsvOptions } from './csv.js';
import { StreamColumn, type RowSource, type StreamRow } from './stream.js';
import type { RuntimeData } from './column.js';
import { fault } from '../errors.js';

/** Rows held by the shuffle buffer unless `shuffle_buffer:` says otherwise. */
export const SHUFFLE_BUFFER_ROWS = 10_000;
/** Distinct label names a streamed file may hold. */
const MAX_CLASS_NAMES = 65_536;

export interface StreamOptions extends CsvOptions {
  chunkBytes?: number;
  shuffleBuffer?: number;
}

/** A labelled CSV file as streamed x and y columns, after a first pass over it. */
export function streamTable(path: string, o: StreamOptions): RuntimeData {
  const delimiter = o.delimiter ?? ',', header = o.header ?? true, chunk = o.chunkBytes ?? CSV_CHUNK_BYTES;
  const missing = o.missing ?? 'error';
  // Where the pieces after the header start, and the kept rows before each: a pass over the
  // validation part (the file's end) starts at the last one before it, not at the top.
  const marks: (Mark & { row: number })[] = [];
  const records = csvRecords(path, delimiter, chunk, undefined, (m) => { if (m.offset > 0) marks.push({ ...m, row: n }); });
  let names: string[] = [];
  if (header) names = records.next().value?.cells ?? [];
  const index = (c: ColumnRef) => columnIndex(path, names, c);
  // The first pass: row count, checks, label names, sums for means.
  let n = 0, xs: number[] = [], ys: number[] = [], cols: number[] = [];
  const labelCells = new Set<string>();
  let someNames = false, tooMany = false;
  const sums: number[] = [], counts: number[] = [];
  const where = (r: Record, k: number) => `${path}:${r.line}: column '${names[k] ?? k}'`;
  const isMissing = (r: Record, k: number) => MISSING_CELLS.has(r.cells[k] ?? '');
  const bind = (r: Record) => {
    if (!header) names = r.cells.map((_, i) => String(i));
    xs = o.columns.map(index);
    ys = (o.y ?? []).map(index);
    cols = [...xs, ...ys];
    xs.forEach((_, i) => { sums[i] = 0; counts[i] = 0; });
  };
  let bound = false;
  for (const r of records) {
    if (!bound) { bind(r); bound = true; }
    const gaps = cols.filter((k) => isMissing(r, k));
    if (gaps.length) {
      if (missing === 'error') throw fault('data', `${where(r, gaps[0]!)} is missing (${JSON.stringify(r.cells[gaps[0]!] ?? '')}); fill it in, or choose csv(..., missing: drop) or missing: mean`);
      if (missing === 'drop' || gaps.some((k) => ys.includes(k))) continue;
    }
    xs.forEach((k, i) => {
      if (isMissing(r, k)) return;
      const cell = r.cells[k]!;
      if (!DECIMAL.test(cell)) throw fault('data', `${where(r, k)} is ${JSON.stringify(cell)}, not a number`);
      sums[i]! += Number(cell); counts[i]!++;
    });
    if (ys.length === 1) {
      const cell = r.cells[ys[0]!]!;
      if (!DECIMAL.test(cell)) someNames = true;
      if (labelCells.size < MAX_CLASS_NAMES) labelCells.add(cell); else if (!labelCells.has(cell)) tooMany = true;
    }
    n++;
  }
  if (!bound) throw fault('data', `${path}: no data rows${header ? ' under the header' : ''}`);
  if (!n) throw fault('data', `${path}: no rows left after dropping those with missing cells`);
  const byNames = ys.length === 1 && someNames && (o.labels === 'ids' || o.labels == null);
  if (byNames && tooMany) throw fault('data', `${path}: column '${names[ys[0]!]}' holds more than ${MAX_CLASS_NAMES} distinct names; a label column of names must hold a class count that fits`);
  const classNames = byNames ? [...labelCells].sort() : undefined;
  if (classNames && o.classes != null && classNames.length > o.classes) throw fault('data', `${path}: column '${names[ys[0]!]}' has ${classNames.length} classes (${classNames.slice(0, 10).join(', ')}${classNames.length > 10 ? ', ...' : ''}) but classes: ${o.classes} was declared`);
  const ids = classNames ? new Map(classNames.map((c, i) => [c, i])) : undefined;
  const means = sums.map((s, i) => (counts[i] ? s / counts[i]! : 0));
  const idLimit = !ids && ys.length === 1 && (o.labels === 'ids' || o.classes != null) ? o.classes ?? Infinity : undefined;

  const source: RowSource = {
    path, n, shuffleBuffer: o.shuffleBuffer ?? SHUFFLE_BUFFER_ROWS,
    *rows(start: number, end: number): Generator<StreamRow> {
      let mark: (Mark & { row: number }) | undefined;
      for (const m of marks) if (m.row <= start) mark = m; else break;
      const it = csvRecords(path, delimiter, chunk, mark);
      if (header && !mark) it.next();
      let i = mark?.row ?? 0;
      for (const r of it) {
        if (i >= end) { it.return(undefined); return; }
        if (missing !== 'error' && cols.some((k) => isMissing(r, k)) && (missing === 'drop' || ys.some((k) => isMissing(r, k)))) continue;
        if (i++ < start) continue;
        const x = Float32Array.from(xs, (k, j) => (isMissing(r, k) ? means[j]! : Number(r.cells[k])));
        const y = Float32Array.from(ys, (k) => (ids ? ids.get(r.cells[k]!)! : Number(r.cells[k])));
        if (idLimit !== undefined && (!Number.isInteger(y[0]) || y[0]! < 0 || y[0]! >= idLimit)) {
          throw fault('data', `${where(r, ys[0]!)} is ${r.cells[ys[0]!]}, not a class id 0..${o.classes != null ? o.classes - 1 : 'k-1'}`);
        }
        yield { x, y, where: `${path}:${r.line}` };
      }
    },
  };
  const x = new StreamColumn(source, 'x', 0, n, [xs.length]);
  const y = new StreamColumn(source, 'y', 0, n, [ys.length]);
  return { kind: 'dataset', x, y, info: { columns: xs.map((k) => names[k]!), ...(classNames ? { classNames } : {}) } };
}
