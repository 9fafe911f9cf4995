// A CSV file too big for memory, as a row source (stream.ts): its records a chunk at a time
// (csv-records.ts), a first pass counting the rows, checking the cells and collecting the
// class names and the columns' means, then one pass per epoch. The same rules as readTable
// (csv.ts).
import { csvRecords, CSV_CHUNK_BYTES, type CsvRecord as Record, type Mark } from './csv-records.js';
import { bindColumns, cellAt, cellNumber, DECIMAL, keepRecord, MISSING_CELLS, tableFaults, type BoundColumns, type CsvOptions } from './csv.js';
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
  const headerRow = header ? records.next().value?.cells ?? [] : undefined;
  // The first pass: row count, checks, label names, sums for means.
  let n = 0, b: BoundColumns | undefined;
  const labelCells = new Set<string>();
  let someNames = false, tooMany = false;
  const sums: number[] = [], counts: number[] = [];
  const isMissing = (r: Record, k: number) => MISSING_CELLS.has(r.cells[k] ?? '');
  for (const r of records) {
    b ??= bindColumns(path, headerRow, r, o);
    if (!keepRecord(path, b, r, missing)) continue;
    b.xs.forEach((k, i) => {
      if (isMissing(r, k)) return;
      sums[i] = (sums[i] ?? 0) + cellNumber(path, b!, r, k);
      counts[i] = (counts[i] ?? 0) + 1;
    });
    if (b.ys.length === 1) {
      const cell = r.cells[b.ys[0]!]!;
      if (!DECIMAL.test(cell)) someNames = true;
      if (labelCells.size < MAX_CLASS_NAMES) labelCells.add(cell); else if (!labelCells.has(cell)) tooMany = true;
    }
    n++;
  }
  if (!b) throw tableFaults.noRows(path, header);
  if (!n) throw tableFaults.allDropped(path);
  const bound = b, { names, xs, ys } = b;
  const byNames = ys.length === 1 && someNames && (o.labels === 'ids' || o.labels == null);
  if (byNames && tooMany) throw fault('data', `${path}: column '${names[ys[0]!]}' holds more than ${MAX_CLASS_NAMES} distinct names; a label column of names must hold a class count that fits`);
  const classNames = byNames ? [...labelCells].sort() : undefined;
  if (classNames && o.classes != null && classNames.length > o.classes) throw tableFaults.tooManyClasses(path, names[ys[0]!]!, classNames, o.classes);
  const ids = classNames ? new Map(classNames.map((c, i) => [c, i])) : undefined;
  const means = xs.map((_, i) => (counts[i] ? sums[i]! / counts[i]! : 0));
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
        // The first pass has thrown for any missing cell under `error`.
        if (!keepRecord(path, bound, r, missing)) continue;
        if (i++ < start) continue;
        const x = Float32Array.from(xs, (k, j) => (isMissing(r, k) ? means[j]! : Number(r.cells[k])));
        const y = Float32Array.from(ys, (k) => (ids ? ids.get(r.cells[k]!)! : Number(r.cells[k])));
        if (idLimit !== undefined && (!Number.isInteger(y[0]) || y[0]! < 0 || y[0]! >= idLimit)) {
          throw tableFaults.notClassId(cellAt(path, bound, r.line, ys[0]!), r.cells[ys[0]!]!, o.classes);
        }
        yield { x, y, where: `${path}:${r.line}` };
      }
    },
  };
  const x = new StreamColumn(source, 'x', 0, n, [xs.length]);
  const y = new StreamColumn(source, 'y', 0, n, [ys.length]);
  return { kind: 'dataset', x, y, info: { columns: xs.map((k) => names[k]!), ...(classNames ? { classNames } : {}) } };
}
