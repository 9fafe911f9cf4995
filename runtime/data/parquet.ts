// Parquet tables through hyparquet (pure JavaScript, no native build). Its reads are async and
// the data functions are not (emitted programs call them as plain functions), so the file is
// read in a worker thread while this thread waits on a shared flag (Atomics.wait), and the
// columns come back through a message port read synchronously (receiveMessageOnPort).

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ParquetReadOptions } from 'hyparquet';
import { PARQUET_HEAP_PER_VALUE, heapFault } from './budget.js';
import { DenseColumn, type RuntimeData } from './column.js';
import { fault } from '../errors.js';
import { checkDataFile } from '../io/data-file.js';

/** A column as read: numbers, or strings (a label column of names). */
export type ParquetColumn = { kind: 'numbers'; values: Float64Array } | { kind: 'strings'; values: string[] };

// The worker: CommonJS (an eval'd worker is), importing hyparquet by its resolved URL.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { lib, path, refs, port, flag, perValue } = workerData;
const beat = setInterval(() => Atomics.add(flag, 1, 1), 250);
const done = (message, transfer) => { clearInterval(beat); port.postMessage(message, transfer); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
(async () => {
  const { parquetRead, parquetMetadataAsync, parquetSchema, asyncBufferFromFile } = await import(lib);
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  // Columns by 0-based number are the schema's top-level columns in order.
  const top = parquetSchema(metadata).children.map((c) => c.element.name);
  const past = refs.find((r) => typeof r === 'number' && r >= top.length);
  if (past !== undefined) return done({ error: 'no column ' + past + '; its ' + top.length + ' columns are numbered 0 to ' + (top.length - 1) });
  const columns = refs.map((r) => (typeof r === 'number' ? top[r] : r));
  // This thread's heap is where the columns are decoded: a file that would not fit says so.
  const need = Number(metadata.num_rows) * columns.length * perValue;
  const heap = require('node:v8').getHeapStatistics();
  if (need > heap.heap_size_limit - heap.used_heap_size) return done({ tooBig: { need, heap: { heap_size_limit: heap.heap_size_limit, used_heap_size: heap.used_heap_size }, rows: Number(metadata.num_rows) } });
  const chunks = new Map(columns.map((c) => [c, []]));
  // Column-wise: onChunk gives each column's values row group by row group.
  await parquetRead({ file, metadata, columns, onChunk: ({ columnName, columnData, rowStart }) => chunks.get(columnName)?.push({ rowStart, columnData }) });
  const out = columns.map((name) => {
    const list = chunks.get(name).sort((a, b) => a.rowStart - b.rowStart).flatMap((c) => Array.from(c.columnData));
    return list.some((v) => typeof v === 'string')
      ? { kind: 'strings', values: list.map((v) => (v == null ? '' : String(v))) }
      : { kind: 'numbers', values: Float64Array.from(list, (v) => (v == null ? NaN : Number(v))) };
  });
  done({ columns: out, names: columns }, out.filter((c) => c.kind === 'numbers').map((c) => c.values.buffer));
})().catch((err) => done({ error: String(err && err.message || err) }));
`;

/** Seconds without a heartbeat after which the worker is taken for dead: a worker that ran
 *  out of memory ends without a word to this thread, which is blocked and cannot hear its
 *  'error' event. */
const SILENT_SECONDS = 30;

function waitForReader(flag: Int32Array, path: string): void {
  let last = Atomics.load(flag, 1), silent = 0;
  while (Atomics.wait(flag, 0, 0, 1000) === 'timed-out') {
    const beat = Atomics.load(flag, 1);
    silent = beat === last ? silent + 1 : 0;
    last = beat;
    if (silent >= SILENT_SECONDS) throw fault('data', `cannot read ${path}: the Parquet reader stopped answering (out of memory?); read fewer columns or rows, or give Node more heap (NODE_OPTIONS=--max-old-space-size=MEGABYTES)`);
  }
}

/** A column by name or by 0-based number. */
export type ParquetRef = string | number;

/** Columns of a Parquet file, read whole, with their names. */
export function readParquetColumns(path: string, refs: readonly ParquetRef[]): { columns: ParquetColumn[]; names: string[] } {
  checkDataFile(path);
  const lib = pathToFileURL(createRequire(import.meta.url).resolve('hyparquet')).href;
  // [0]: set when the reply is posted; [1]: the worker's heartbeat.
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { eval: true, workerData: { lib, path, refs: [...refs], port: port2, flag, perValue: PARQUET_HEAP_PER_VALUE }, transferList: [port2] });
  try {
    waitForReader(flag, path);
    const reply = receiveMessageOnPort(port1)?.message as { columns?: ParquetColumn[]; names?: string[]; error?: string; tooBig?: { need: number; heap: { heap_size_limit: number; used_heap_size: number }; rows: number } } | undefined;
    if (reply?.tooBig) throw heapFault(`${path} (${reply.tooBig.rows} rows of ${refs.length} columns)`, reply.tooBig.need, reply.tooBig.heap, 'read fewer columns or rows');
    if (!reply?.columns || !reply.names) throw fault('data', `cannot read ${path}: ${reply?.error ?? 'the reader stopped'}`);
    return { columns: reply.columns, names: reply.names };
  } finally {
    port1.close();
    void worker.terminate();
  }
}

export interface ParquetArgs { path: string; x: ParquetRef | ParquetRef[]; y: ParquetRef | null; labels: 'ids' | 'values' | null; classes: number | null }

/** Numeric x columns, and a y column of class names (ids of the sorted names), class ids or values. */
export function parquetTable(path: string, a: ParquetArgs): RuntimeData {
  const xRefs = Array.isArray(a.x) ? a.x : [a.x];
  const { columns: read, names } = readParquetColumns(path, [...xRefs, ...(a.y === null ? [] : [a.y])]);
  const xNames = names.slice(0, xRefs.length);
  const yName = names[xRefs.length];
  const n = read[0]?.values.length ?? 0;
  if (!n) throw fault('data', `${path}: no rows`);
  const x = new Float32Array(n * xNames.length);
  xNames.forEach((name, k) => {
    const c = read[k]!;
    if (c.kind === 'strings') throw fault('data', `${path}: column '${name}' holds strings, not numbers; x columns must be numeric (a column of names can be the label: y: "${name}")`);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(c.values[i])) throw fault('data', `${path}: row ${i} of column '${name}' is missing (null); drop or fill such rows before saving`);
      x[i * xNames.length + k] = c.values[i]!;
    }
  });
  const xs = new DenseColumn(x, [xNames.length]);
  if (a.y === null) return { kind: 'array', column: xs };
  const label = read[xNames.length]!;
  const where = (i: number) => `${path}: row ${i} (0-based)`;
  if (label.kind === 'strings') {
    const classNames = [...new Set(label.values)].sort();
    if (a.classes != null && classNames.length > a.classes) throw fault('data', `${path}: column '${yName}' has ${classNames.length} classes (${classNames.slice(0, 10).join(', ')}) but classes: ${a.classes} was declared`);
    const id = new Map(classNames.map((c, i) => [c, i]));
    return { kind: 'dataset', x: xs, y: new DenseColumn(Float32Array.from(label.values, (v) => id.get(v)!), [1]), info: { columns: xNames, classNames, where } };
  }
  if (a.labels === 'ids' || a.classes != null) {
    const limit = a.classes ?? Infinity;
    const bad = label.values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
    if (bad >= 0) throw fault('data', `${where(bad)}: column '${yName}' is ${label.values[bad]}, not a class id 0..${a.classes != null ? a.classes - 1 : 'k-1'}`);
  }
  return { kind: 'dataset', x: xs, y: new DenseColumn(Float32Array.from(label.values), [1]), info: { columns: xNames, where } };
}

/** The option type is named so that `nnc compile` sees hyparquet among the runtime's imports. */
export type ReadOptions = ParquetReadOptions;
