// What the checker reads of a data file to type it: a CSV file's header and first rows, a
// NumPy array's header. Pure functions over bytes the host read (compiler/check/loader.ts).
import { parse } from 'csv-parse/sync';
import { Inflate } from 'fflate';

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

/** Reads `length` bytes at `offset` of a file (through the host), or undefined. */
export type ReadAt = (offset: number, length: number) => Uint8Array | undefined;

/** The npy header of each array in a .npz archive, by walking the zip's local file headers
 *  (numpy writes the sizes into them, with zip64 extras) and inflating the start of
 *  deflated members. Reads a few KiB per member, however large the archive. */
export function npzHeaders(read: ReadAt): Map<string, NpyHeader | Error> | Error {
  const out = new Map<string, NpyHeader | Error>();
  let offset = 0;
  for (let guard = 0; guard < 10000; guard++) {
    const h = read(offset, 30);
    if (!h || h.length < 4) break;
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (v.getUint32(0, true) !== 0x04034b50) {
      if (offset === 0) return new Error('not a .npz (zip) archive');
      break; // the central directory: every member has been seen
    }
    if (h.length < 30) return new Error('truncated zip header');
    const flags = v.getUint16(6, true), method = v.getUint16(8, true);
    let size = v.getUint32(18, true);
    const nameLen = v.getUint16(26, true), extraLen = v.getUint16(28, true);
    const meta = read(offset + 30, nameLen + extraLen);
    if (!meta || meta.length < nameLen + extraLen) return new Error('truncated zip header');
    const name = new TextDecoder().decode(meta.subarray(0, nameLen));
    if (size === 0xffffffff) size = zip64CompressedSize(meta.subarray(nameLen), v.getUint32(22, true) === 0xffffffff) ?? size;
    if (flags & 8 && size === 0) return new Error(`member ${name} has no size in its header (written to a stream); save with np.savez to a file`);
    const dataStart = offset + 30 + nameLen + extraLen;
    if (name.endsWith('.npy')) {
      const raw = read(dataStart, Math.min(size, NPY_HEAD_BYTES)) ?? new Uint8Array();
      const bytes = method === 0 ? raw : method === 8 ? inflateStart(raw) : undefined;
      out.set(name.slice(0, -4), bytes ? npyHeader(bytes) : new Error(`compression method ${method} is not supported (np.savez and np.savez_compressed write 0 and 8)`));
    }
    offset = dataStart + size;
  }
  return out;
}

/** The compressed size in a local header's zip64 extra field (id 1: [uncompressed], compressed). */
function zip64CompressedSize(extra: Uint8Array, hasUncompressed: boolean): number | undefined {
  const v = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = v.getUint16(at, true), len = v.getUint16(at + 2, true);
    if (id === 1) {
      const field = at + 4 + (hasUncompressed ? 8 : 0);
      return field + 8 <= extra.length ? Number(v.getBigUint64(field, true)) : undefined;
    }
    at += 4 + len;
  }
  return undefined;
}

/** What the first bytes of a raw deflate stream inflate to (the stream is cut short). */
function inflateStart(raw: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  try {
    new Inflate((chunk) => { parts.push(chunk); }).push(raw, false);
  } catch {
    // A cut stream may end mid-block: what came out before is enough for a header.
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
