// What the checker reads of a data file to type it: a CSV file's header and first rows, a
// NumPy array's header. Pure functions over bytes the host read (compiler/check/loader.ts).
import { parse } from 'csv-parse/sync';

/** How many bytes of a CSV file the checker reads: the header and the first rows. */
export const CSV_HEAD_BYTES = 64 * 1024;

export interface CsvHead {
  /** Header names, or "0", "1", ... (0-based column numbers) without a header row. */
  columns: string[];
  /** The first data rows, each with the 1-based file line it starts on. */
  rows: { cells: string[]; line: number }[];
}

/** Cells the CSV readers count as missing (pandas' defaults, and UCI's `?`). */
export const MISSING_CELLS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?']);
/** Decimal numbers only: Number() would also read 0x10 as 16, 0b1 as 1 and ' ' as 0. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The header and first rows of a CSV file from its first bytes, or an Error saying why not. */
export function csvHead(bytes: Uint8Array, full: boolean, delimiter: string, header: boolean): CsvHead | Error {
  let text = new TextDecoder('utf-8').decode(bytes);
  // A cut-off last line would look like a short row: keep whole lines only.
  if (!full) text = text.slice(0, text.lastIndexOf('\n') + 1);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as unknown as typeof records; // csv-parse's typings give info records only with `columns`
  } catch (err) {
    return new Error((err as Error).message.split('\n')[0]);
  }
  if (!records.length) return new Error('the file is empty');
  const width = records[0]!.record.length;
  const columns = header ? records[0]!.record : Array.from({ length: width }, (_, i) => String(i));
  const rows = records.slice(header ? 1 : 0).map((r) => ({ cells: r.record, line: r.info.lines }));
  return { columns, rows };
}

export type NpyDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

export interface NpyHeader { dtype: NpyDtype; shape: number[]; fortran: boolean; /** Bytes before the data. */ dataOffset: number }

const DESCR: Record<string, NpyDtype> = {
  '<f4': 'float32', '<f8': 'float64', '|i1': 'int8', '|u1': 'uint8', '<i2': 'int16', '<u2': 'uint16',
  '<i4': 'int32', '<u4': 'uint32', '<i8': 'int64', '<u8': 'uint64', '|b1': 'bool',
};

/** Bytes enough for the header of any ordinary .npy file. */
export const NPY_HEAD_BYTES = 4096;

/** The header of a .npy file (format versions 1–3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 *  magic, version, header length, then a Python dict literal with descr, fortran_order, shape. */
export function npyHeader(bytes: Uint8Array): NpyHeader | Error {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) return new Error('not a NumPy .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  const wide = major >= 2;
  const lenBytes = wide ? 4 : 2;
  if (bytes.length < 8 + lenBytes) return new Error('truncated header');
  let len = 0;
  for (let i = lenBytes - 1; i >= 0; i--) len = len * 256 + bytes[8 + i]!;
  const start = 8 + lenBytes;
  if (bytes.length < start + len) return new Error(`header longer than ${bytes.length} bytes`);
  const dict = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + len));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) return new Error('header is not a NumPy array header');
  const dtype = DESCR[descr];
  if (!dtype) return new Error(`dtype '${descr}' is not supported (little-endian numbers or bool only; save with arr.astype("float32"))`);
  const dims = shape.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) return new Error(`shape (${shape}) is not a tuple of sizes`);
  return { dtype, shape: dims, fortran: fortran === 'True', dataOffset: start + len };
}
