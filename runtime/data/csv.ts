// CSV tables through csv-parse: numeric columns, an optional label column (names become class
// ids of the sorted names), missing cells by policy, errors that name file:line:column.
import { csvRecords, type CsvRecord } from './csv-records.js';
import { fault } from '../errors.js';

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

/** The x and y columns of a table by index, once its header (or first row) is known. */
export interface BoundColumns { names: string[]; xs: number[]; ys: number[]; cols: number[] }

/** Binds the options' columns to the header row, or to numbers read off the first record. */
export function bindColumns(path: string, header: string[] | undefined, first: CsvRecord, o: CsvOptions): BoundColumns {
  const names = header ?? first.cells.map((_, i) => String(i));
  const xs = o.columns.map((c) => columnIndex(path, names, c));
  const ys = (o.y ?? []).map((c) => columnIndex(path, names, c));
  return { names, xs, ys, cols: [...xs, ...ys] };
}

/** The file:line and column of a cell, as the readers' faults name it. */
export const cellAt = (path: string, b: BoundColumns, line: number, k: number): string => `${path}:${line}: column '${b.names[k] ?? k}'`;

/** Whether a record is kept under the missing-cell policy: rows missing a label are dropped
 *  under drop and mean; under error the first missing cell is a fault. */
export function keepRecord(path: string, b: BoundColumns, r: CsvRecord, missing: 'error' | 'drop' | 'mean'): boolean {
  const gaps = b.cols.filter((k) => MISSING_CELLS.has(r.cells[k] ?? ''));
  if (!gaps.length) return true;
  if (missing === 'error') throw fault('data', `${cellAt(path, b, r.line, gaps[0]!)} is missing (${JSON.stringify(r.cells[gaps[0]!] ?? '')}); fill it in, or choose csv(..., missing: drop) or missing: mean`);
  return missing === 'mean' && !gaps.some((k) => b.ys.includes(k));
}

/** A cell's number; anything but a decimal number (0x10, 1_000, a name) is a fault. */
export function cellNumber(path: string, b: BoundColumns, r: CsvRecord, k: number): number {
  const cell = r.cells[k]!;
  if (!DECIMAL.test(cell)) throw fault('data', `${cellAt(path, b, r.line, k)} is ${JSON.stringify(cell)}, not a number`);
  return Number(cell);
}

/** The faults the two readers share past the rows. */
export const tableFaults = {
  noRows: (path: string, header: boolean) => fault('data', `${path}: no data rows${header ? ' under the header' : ''}`),
  allDropped: (path: string) => fault('data', `${path}: no rows left after dropping those with missing cells`),
  tooManyClasses: (path: string, column: string, classNames: readonly string[], declared: number) =>
    fault('data', `${path}: column '${column}' has ${classNames.length} classes (${classNames.slice(0, 10).join(', ')}${classNames.length > 10 ? ', ...' : ''}) but classes: ${declared} was declared`),
  notClassId: (at: string, value: string | number, classes: number | null | undefined) =>
    fault('data', `${at} is ${value}, not a class id 0..${classes != null ? classes - 1 : 'k-1'}`),
};

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
  /** The x columns, row after row. */
  x: Float32Array;
  width: number;
  /** The y columns (class ids of names, or numbers), row after row. */
  y?: Float32Array;
  yWidth: number;
  /** The class names of ids labels read from names, sorted; id i is classNames[i]. */
  classNames?: string[];
  /** The file line of each kept row. */
  lines: Int32Array;
}

/** Reads columns of a CSV file as numbers, and y columns as labels or targets, in one pass
 *  over its records a chunk at a time: only numbers are kept (and each distinct label cell
 *  once), never a string per cell of the whole file. */
export function readTable(path: string, o: CsvOptions): LabelledTable {
  const header = o.header ?? true;
  const records = csvRecords(path, o.delimiter ?? ',');
  const headerRow = header ? records.next().value?.cells ?? [] : undefined;
  const missing = o.missing ?? 'error';
  // Labels may be names unless declared values: each distinct cell is kept once, and each
  // row holds its cell's index until the end says whether the column holds names.
  const mayBeNames = o.labels === 'ids' || o.labels == null;
  let b: BoundColumns | undefined;
  const x: number[] = [], y: number[] = [], lines: number[] = [];
  const cellIndex = new Map<string, number>(), cells: string[] = [];
  let someNames = false;
  for (const r of records) {
    b ??= bindColumns(path, headerRow, r, o);
    if (!keepRecord(path, b, r, missing)) continue;
    for (const k of b.xs) x.push(MISSING_CELLS.has(r.cells[k] ?? '') ? NaN : cellNumber(path, b, r, k));
    if (b.ys.length === 1 && mayBeNames) {
      const cell = r.cells[b.ys[0]!]!;
      let i = cellIndex.get(cell);
      if (i === undefined) {
        i = cells.push(cell) - 1;
        cellIndex.set(cell, i);
        if (!DECIMAL.test(cell)) someNames = true;
      }
      y.push(i);
    } else {
      for (const k of b.ys) y.push(cellNumber(path, b, r, k));
    }
    lines.push(r.line);
  }
  if (!b) throw tableFaults.noRows(path, header);
  if (!lines.length) throw tableFaults.allDropped(path);
  const { names, xs, ys } = b;
  const width = xs.length;
  if (missing === 'mean') fillMeans(x, width);
  const table = { columns: xs.map((k) => names[k]!), x: Float32Array.from(x), width, yWidth: ys.length, lines: Int32Array.from(lines) };
  if (!ys.length) return table;
  if (ys.length === 1 && mayBeNames) {
    if (someNames) {
      const classNames = [...cells].sort();
      if (o.classes != null && classNames.length > o.classes) throw tableFaults.tooManyClasses(path, names[ys[0]!]!, classNames, o.classes);
      const id = new Map(classNames.map((c, i) => [c, i]));
      const idOfCell = cells.map((c) => id.get(c)!);
      return { ...table, y: Float32Array.from(y, (i) => idOfCell[i]!), classNames };
    }
    const valueOfCell = cells.map(Number);
    for (let i = 0; i < y.length; i++) y[i] = valueOfCell[y[i]!]!;
  }
  if (o.labels === 'ids' || (o.classes != null && ys.length === 1)) {
    const limit = o.classes ?? Infinity;
    const bad = y.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
    if (bad >= 0) throw tableFaults.notClassId(cellAt(path, b, lines[bad]!, ys[0]!), y[bad]!, o.classes);
  }
  return { ...table, y: Float32Array.from(y) };
}

/** Replaces NaN cells by their column's mean over the other rows (rows of `width` values). */
function fillMeans(x: number[], width: number): void {
  for (let k = 0; k < width; k++) {
    let sum = 0, count = 0;
    for (let i = k; i < x.length; i += width) if (!Number.isNaN(x[i])) { sum += x[i]!; count++; }
    const mean = count ? sum / count : 0;
    for (let i = k; i < x.length; i += width) if (Number.isNaN(x[i])) x[i] = mean;
  }
}

/** Numeric columns by header name (the packaged sensor readings). */
export function readCsv(path: string, columns: readonly string[]): NumericTable {
  const { x, width } = readTable(path, { columns });
  return { columns: [...columns], rows: Array.from({ length: x.length / width }, (_, i) => Array.from(x.subarray(i * width, (i + 1) * width))) };
}
