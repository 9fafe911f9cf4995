// Memory a whole load will take, checked before it starts: a file that cannot fit is one line
// naming the figure and what to do, where it used to end in V8's "heap out of memory" abort
// (exit 134) after a long parse, or in the kernel's OOM killer.
import { closeSync, openSync, readSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fault, type NncError } from '../errors.js';
import { dataFileSize } from '../io/data-file.js';

const GB = 2 ** 30, MB = 2 ** 20;
const size = (bytes: number) => (bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`);

/** V8 heap per value kept by a whole CSV read: a double in a growing array (8 bytes, and the
 *  old and the 1.5x new store side by side while it grows) and the float32 copy made from it.
 *  Measured: a 40 MB file of one-digit cells (15M values) needed 300–400 MB of heap, one of
 *  ~9 bytes a cell 2.4x its size. */
const HEAP_PER_VALUE = 24;
/** Bytes of the file's start that tell its row length. */
const SAMPLE_BYTES = 64 * 1024;

/** Refuses a whole CSV read that would not fit the V8 heap left: the rows are estimated
 *  from the length of the first ones, each keeping `columns` numbers and a line number. */
export function checkCsvFits(path: string, columns: number, remedy: string): void {
  const bytes = dataFileSize(path);
  if (bytes <= SAMPLE_BYTES) return;
  const head = Buffer.alloc(SAMPLE_BYTES);
  let got = 0;
  try {
    const fd = openSync(path, 'r');
    try { got = readSync(fd, head, 0, SAMPLE_BYTES, 0); } finally { closeSync(fd); }
  } catch {
    return; // the reader says what is wrong with the file
  }
  let rows = 0;
  for (let i = 0; i < got; i++) if (head[i] === 0x0a) rows++;
  const need = (bytes / (got / Math.max(1, rows))) * (columns + 1) * HEAP_PER_VALUE;
  const heap = getHeapStatistics();
  if (need > heap.heap_size_limit - heap.used_heap_size) throw heapFault(`${path} (${size(bytes)})`, need, heap, remedy);
}

/** V8 heap a Parquet read takes per value, in its worker: hyparquet's decoded pages, the
 *  column joined from them and its Float64Array. Measured: three double columns of 2M rows
 *  read with --max-old-space-size=150 (a 205 MB heap) and died with 100 (155 MB). */
export const PARQUET_HEAP_PER_VALUE = 32;

/** The one line for a read that would not fit the heap, with the heap size that would do. */
export function heapFault(what: string, need: number, heap: { heap_size_limit: number; used_heap_size: number }, remedy: string): NncError {
  const room = heap.heap_size_limit - heap.used_heap_size;
  const mb = Math.ceil((heap.heap_size_limit + need - room) * 1.25 / MB);
  return fault('data', `${what} needs ~${size(need)} of memory to read whole, more than the ${size(room)} of heap this process has left; ${remedy}, or give Node more heap: NODE_OPTIONS=--max-old-space-size=${mb}`);
}

/** Refuses a load of `need` bytes (typed arrays, outside V8's heap) past the machine's memory. */
export function checkArrayFits(what: string, need: number, remedy: string): void {
  const constrained = process.constrainedMemory?.() || Infinity;
  const room = Math.min(totalmem(), constrained) * 0.8;
  if (need <= room) return;
  throw fault('data', `${what} needs ~${size(need)} of memory to load whole, more than this machine's ${size(room / 0.8)} allows; ${remedy}`);
}
