// Memory a whole load will take, checked before it starts: a file that cannot fit is one line
// naming the figure and what to do, where it used to end in V8's "heap out of memory" abort
// (exit 134) after a long parse, or in the kernel's OOM killer.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fault } from '../errors.js';

/** V8 heap a whole CSV parse takes per byte of file: csv-parse's strings per cell and the
 *  rows of numbers made from them (measured: a 16.7 MB file of 600k rows peaked at 33–35x). */
export const CSV_HEAP_PER_BYTE = 36;

const GB = 2 ** 30, MB = 2 ** 20;
const size = (bytes: number) => (bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`);

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the reader says what is wrong with the path
  }
}

/** Refuses a whole CSV parse that would not fit the V8 heap left. */
export function checkCsvFits(path: string, remedy: string): void {
  const need = fileSize(path) * CSV_HEAP_PER_BYTE;
  const heap = getHeapStatistics();
  const room = heap.heap_size_limit - heap.used_heap_size;
  if (need <= room) return;
  const mb = Math.ceil((heap.heap_size_limit + need - room) * 1.25 / MB);
  throw fault('data', `${path} (${size(fileSize(path))}) needs ~${size(need)} of memory to parse whole, more than the ${size(room)} of heap this process has left; ${remedy}, or give Node more heap: NODE_OPTIONS=--max-old-space-size=${mb}`);
}

/** Refuses a load of `need` bytes (typed arrays, outside V8's heap) past the machine's memory. */
export function checkArrayFits(what: string, need: number, remedy: string): void {
  const constrained = process.constrainedMemory?.() || Infinity;
  const room = Math.min(totalmem(), constrained) * 0.8;
  if (need <= room) return;
  throw fault('data', `${what} needs ~${size(need)} of memory to load whole, more than this machine's ${size(room / 0.8)} allows; ${remedy}`);
}
