// CSV tables through csv-parse: numeric columns, an optional label column (names become class
// ids of the sorted names), missing cells by policy, errors that name file:line:column.
import { parse } from 'csv-parse/sync';

import { fault } from '../errors.js';
import { readDataFile } from '../io/data-file.js';

export interface NumericTable { columns: string[]; rows: number[][] }

// The same definitions as compiler/data/heads.ts, which the checker reads the first rows with
// (the runtime cannot import the compiler: nnc compile copies it alone).
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export const MISSING_CELLS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?']);

/** A column by header name, or by 0-based number. */
export type ColumnRef = string | number;

/** The index of a column in a header row. */
export function columnIndex(path: string, header: readonly string[], c: ColumnRef): number {
  const k = typeof c === 'number' ? (c < header.length ? c : -1) : header.indexOf(c);
  if (k < 0) throw fault('data', typeof c === 'number' ? `${path}: no column ${c}; its ${header.length} columns are numbered 0 to ${header.length - 1}` : `${path}: no column '${c}'; columns are ${header.join(', ')}`);
  return k;
}

export interface CsvOptions {
  /** Numeric columns (the x of a labelled table). */
  columns: readonly ColumnRef[];
  /** Label or target columns. */
  y?: readonly ColumnRef[];
  /** How one y column is read; null decides by content (names are ids). */
  labels?: 'ids' | 'values' | null;
  classes?: number | null;
  delimiter?: string;
  header?: boolean;
  missing?: 'error' | 'drop' | 'mean';
}

export interface LabelledTable {
  /** The header names of the x columns. */
  columns: string[];
  x: number[][];
  y?: number[][];
  /** The class names of ids labels read from names, sorted; id i is classNames[i]. */
  classNames?: string[];
  /** The file line of each kept row. */
  lines: Int32Array;
}

interface Row { cells: string[]; line: number }

function readRows(path: string, delimiter: string, header: boolean): { header: string[]; rows: Row[] } {
  const text = readDataFile(path, 'utf8');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's typings give info records only with `columns`.
    records = parse(text, { delimiter, skip_empty_lines: true, trim: true, info: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    throw fault('data', `${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const names = header ? records.shift()?.record ?? [] : Array.from({ length: records[0]?.record.length ?? 0 }, (_, i) => String(i));
  if (!records.length) throw fault('data', `${path}: no data rows${header ? ' under the header' : ''}`);
  return { header: names, rows: records.map((r) => ({ cells: r.record, line: r.info.lines })) };
}

/** Reads columns of a CSV file as numbers, and y columns as labels or targets. */
export function readTable(path: string, o: CsvOptions): LabelledTable {
  const { header, rows } = readRows(path, o.delimiter ?? ',', o.header ?? true);
  const index = (c: ColumnRef) => columnIndex(path, header, c);
  const xs = o.columns.map(index);
  const columns = xs.map((k) => header[k]!);
  const ys = (o.y ?? []).map(index);
  const missing = o.missing ?? 'error';
  const isMissing = (r: Row, k: number) => MISSING_CELLS.has(r.cells[k] ?? '');
  const where = (r: Row, k: number) => `${path}:${r.line}: column '${header[k]}'`;
  const names = ys.length === 1 && (o.labels === 'ids' || o.labels == null) && rows.some((r) => !isMissing(r, ys[0]!) && !DECIMAL.test(r.cells[ys[0]!]!));
  const byLabel = names || ys.length !== 1 ? undefined : o.labels;
  // Rows missing a label are dropped under drop and mean; under error, stop at the first missing cell.
  const kept = rows.filter((r) => {
    const gaps = [...xs, ...ys].filter((k) => isMissing(r, k));
    if (!gaps.length) return true;
    if (missing === 'error') throw fault('data', `${where(r, gaps[0]!)} is missing (${JSON.stringify(r.cells[gaps[0]!] ?? '')}); fill it in, or choose csv(..., missing: drop) or missing: mean`);
    return missing === 'mean' && !gaps.some((k) => ys.includes(k));
  });
  if (!kept.length) throw fault('data', `${path}: no rows left after dropping those with missing cells`);
  const number = (r: Row, k: number): number => {
    if (isMissing(r, k)) return NaN;
    const cell = r.cells[k]!;
    if (!DECIMAL.test(cell)) throw fault('data', `${where(r, k)} is ${JSON.stringify(cell)}, not a number`);
    return Number(cell);
  };
  const x = kept.map((r) => xs.map((k) => number(r, k)));
  if (missing === 'mean') fillMeans(x);
  const lines = Int32Array.from(kept, (r) => r.line);
  if (!ys.length) return { columns, x, lines };
  if (names) {
    const classNames = [...new Set(kept.map((r) => r.cells[ys[0]!]!))].sort();
    const id = new Map(classNames.map((c, i) => [c, i]));
    if (o.classes != null && classNames.length > o.classes) throw fault('data', `${path}: column '${header[ys[0]!]}' has ${classNames.length} classes (${classNames.slice(0, 10).join(', ')}${classNames.length > 10 ? ', ...' : ''}) but classes: ${o.classes} was declared`);
    return { columns, x, y: kept.map((r) => [id.get(r.cells[ys[0]!]!)!]), classNames, lines };
  }
  const y = kept.map((r) => ys.map((k) => number(r, k)));
  if (byLabel === 'ids' || (o.classes != null && ys.length === 1)) {
    const limit = o.classes ?? Infinity;
    const bad = kept.findIndex((_, i) => !Number.isInteger(y[i]![0]) || y[i]![0]! < 0 || y[i]![0]! >= limit);
    if (bad >= 0) throw fault('data', `${where(kept[bad]!, ys[0]!)} is ${kept[bad]!.cells[ys[0]!]}, not a class id 0..${o.classes != null ? o.classes - 1 : 'k-1'}`);
  }
  return { columns, x, y, lines };
}

/** Replaces NaN cells by their column's mean over the other rows. */
function fillMeans(rows: number[][]): void {
  const width = rows[0]?.length ?? 0;
  for (let k = 0; k < width; k++) {
    let sum = 0, count = 0;
    for (const r of rows) if (!Number.isNaN(r[k])) { sum += r[k]!; count++; }
    const mean = count ? sum / count : 0;
    for (const r of rows) if (Number.isNaN(r[k])) r[k] = mean;
  }
}

/** Numeric columns by header name (the packaged sensor readings). */
export function readCsv(path: string, columns: readonly string[]): NumericTable {
  return { columns: [...columns], rows: readTable(path, { columns }).x };
}
