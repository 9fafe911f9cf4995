// The data sources that read the user's files (CSV tables, NumPy arrays, image folders by
// class): the checker reads their headers through the host, so their shapes are static and
// a file that does not fit is reported at the data line.
import { didYouMean, RuleError } from '../diagnostics.js';
import type { DataType, ParamSpec } from '../ir.js';
import { columnRefs, resolveRefs, stringArg } from './columns.js';
import { shape, type Shape } from '../shapes/shape.js';
import { CSV_HEAD_BYTES, csvHead, DECIMAL, MISSING_CELLS, NPY_HEAD_BYTES, npyHeader, npzHeaders, type CsvHead, type NpyHeader } from './heads.js';
import { idsShape, n, posInt, str, type DataCtx, type DataSourceDef } from './params.js';
import { PARQUET } from './parquet.js';

const CSV_PARAMS: readonly ParamSpec[] = [
  str('path', 'Path of the CSV file, relative to the .nn file.'),
  { name: 'columns', type: { kind: 'any' }, doc: 'Numeric columns, by header name or 0-based number (`range(0, 4)`): a table `[n, columns]` (without `x`).', default: { kind: 'null' } },
  { name: 'x', type: { kind: 'any' }, doc: 'Input columns (numbers), by header name or 0-based number (`range(0, 13)` is columns 0..12; names and ranges mix in a list): makes a labelled dataset with `y`.', default: { kind: 'null' } },
  { name: 'y', type: { kind: 'any' }, doc: 'The label column (`"species"` or its number), or several 0/1 or numeric target columns (`["a", "b"]`, multi-label or multi-output).', default: { kind: 'null' } },
  { name: 'labels', type: { kind: 'enum', values: ['ids', 'values'], nullable: true }, doc: 'How one y column is read: `ids` (class ids 0..k-1; a column of names becomes ids of the sorted names) or `values` (numbers to predict). By default a column of names is ids and a numeric column values.', default: { kind: 'null' } },
  { name: 'classes', type: { kind: 'int', min: 2 }, doc: 'The number of classes of `ids` labels, checked against the model\'s output units; otherwise known at run time.', default: { kind: 'null' } },
  { name: 'delimiter', type: { kind: 'string' }, doc: 'Field separator.', default: { kind: 'string', value: ',' } },
  { name: 'header', type: { kind: 'bool' }, doc: 'Whether the first row names the columns; without one, columns are named "0", "1", ... (0-based).', default: { kind: 'bool', value: true } },
  { name: 'stream', type: { kind: 'bool' }, doc: 'Read labelled examples a chunk at a time as training asks, with flat memory, instead of whole: by default when the file is larger than 64 MiB. Batches are shuffled through a buffer of `shuffle_buffer` rows.', default: { kind: 'null' } },
  posInt('shuffle_buffer', 'Rows held by the shuffle buffer of streamed data (as tf.data\'s `shuffle(buffer_size)`): each row read replaces a random one, which goes out to a batch.', 10000),
  { name: 'missing', type: { kind: 'enum', values: ['error', 'drop', 'mean'] }, doc: 'A missing cell (empty, NA, NaN, null, ?): stop with file:line:column (`error`), drop the row (`drop`), or use the column\'s mean (`mean`; a row missing its label is dropped).', default: { kind: 'enum', name: 'error' } },
];

/** The header and first rows, or undefined (no host files, or the file missing: warned). */
function readHead(ctx: DataCtx): CsvHead | undefined {
  const bytes = ctx.head('path', CSV_HEAD_BYTES);
  if (bytes === undefined || bytes === 'missing') return undefined;
  const header = ctx.args.get('header')?.kind === 'bool' ? (ctx.args.get('header') as { value: boolean }).value : true;
  const head = csvHead(bytes, bytes.length < CSV_HEAD_BYTES, stringArg(ctx, 'delimiter') ?? ',', header);
  if (head instanceof Error) throw RuleError.of('E0420', { path: stringArg(ctx, 'path') ?? '', reason: head.message }, { at: 'path' });
  return head;
}

/** Every named column is in the header; x columns hold numbers in the first rows. */
function checkColumns(ctx: DataCtx, head: CsvHead, param: string, names: readonly string[], numeric: boolean): void {
  const path = stringArg(ctx, 'path') ?? '';
  for (const name of names) {
    const k = head.columns.indexOf(name);
    if (k < 0) {
      const shown = head.columns.length > 20 ? `${head.columns.slice(0, 20).join(', ')}, ...` : head.columns.join(', ');
      throw RuleError.of('E0417', { path, what: 'column', name, guess: didYouMean(name, head.columns), names: shown }, { at: param });
    }
    if (!numeric) continue;
    const bad = head.rows.find((r) => { const c = r.cells[k] ?? ''; return !MISSING_CELLS.has(c) && !DECIMAL.test(c); });
    if (bad) throw RuleError.of('E0418', { name, path, value: JSON.stringify(bad.cells[k]), line: bad.line }, { at: param });
  }
}

function csvType(ctx: DataCtx): DataType {
  const xRefs = columnRefs(ctx, 'x');
  const columnsRefs = columnRefs(ctx, 'columns');
  const yRefs = columnRefs(ctx, 'y');
  const example = 'csv("iris.csv", x: ["sepal_length", "petal_length"], y: "species")';
  if (xRefs && columnsRefs) throw RuleError.of('E0414', { source: 'csv', expected: 'either `columns:` (a table) or `x:` (inputs), not both', found: 'both', example }, { at: 'columns' });
  if (yRefs && !xRefs) throw RuleError.of('E0414', { source: 'csv', expected: '`x: [...]` beside `y:` (the input columns)', found: 'y without x', example }, { at: 'y' });
  if (!xRefs && !columnsRefs) throw RuleError.of('E0414', { source: 'csv', expected: '`columns: [...]` (a table) or `x: [...]` with `y:` (labelled examples)', found: 'neither', example }, { at: 'path' });
  const head = readHead(ctx);
  const x = resolveRefs(ctx, head?.columns, 'x', xRefs);
  const y = resolveRefs(ctx, head?.columns, 'y', yRefs);
  if (!x) {
    const columns = resolveRefs(ctx, head?.columns, 'columns', columnsRefs)!;
    if (head) checkColumns(ctx, head, 'columns', columns, true);
    return { kind: 'array', shape: shape([n, columns.length]) };
  }
  if (head) checkColumns(ctx, head, 'x', x, true);
  if (!y) return { kind: 'array', shape: shape([n, x.length]) };
  if (head) checkColumns(ctx, head, 'y', y, false);
  const classes = ctx.args.get('classes')?.kind === 'int' ? (ctx.args.get('classes') as { value: number }).value : undefined;
  if (y.length > 1) {
    if (head) checkColumns(ctx, head, 'y', y, true);
    return { kind: 'dataset', x: shape([n, x.length]), y: shape([n, y.length]) };
  }
  let labels = ctx.args.get('labels')?.kind === 'enum' ? (ctx.args.get('labels') as { name: string }).name : undefined;
  if (!labels) {
    const k = head?.columns.indexOf(y[0]!) ?? -1;
    const names = k >= 0 && head!.rows.some((r) => { const c = r.cells[k] ?? ''; return !MISSING_CELLS.has(c) && !DECIMAL.test(c); });
    if (names || classes !== undefined) labels = 'ids';
    else if (head) labels = 'values';
    if (labels) ctx.settle('labels', { kind: 'enum', name: labels });
  }
  if (labels === 'values') {
    if (head) checkColumns(ctx, head, 'y', y, true);
    return { kind: 'dataset', x: shape([n, x.length]), y: shape([n, 1]) };
  }
  const k = head?.columns.indexOf(y[0]!) ?? -1;
  const seen = k >= 0 ? new Set(head!.rows.map((r) => r.cells[k] ?? '').filter((c) => !MISSING_CELLS.has(c))).size : 0;
  return { kind: 'dataset', x: shape([n, x.length]), y: shape([n, 1]), labels: 'ids', classes, classesSeen: classes === undefined && seen ? seen : undefined };
}

const DTYPE: ParamSpec = { name: 'dtype', type: { kind: 'enum', values: ['float32', 'int32'] }, doc: 'The type the values are read as: `int32` for token ids into an embedding.', default: { kind: 'enum', name: 'float32' } };

/** An array's type from its npy header: axis 0 is the samples, a 1-d array one value per sample. */
function npyShape(h: NpyHeader | Error, path: string, param: string, dtype: 'float32' | 'int32'): Shape {
  if (h instanceof Error) throw RuleError.of('E0420', { path, reason: h.message }, { at: param });
  if (h.fortran) throw RuleError.of('E0420', { path, reason: 'the array is in Fortran order; save np.ascontiguousarray(arr)' }, { at: param });
  if (!h.shape.length) throw RuleError.of('E0420', { path, reason: 'a 0-d array (one number) has no samples' }, { at: param });
  return shape([n, ...(h.shape.length === 1 ? [1] : h.shape.slice(1))], dtype);
}

/** The bytes of a file the type needs: an error when they cannot be had. */
function requiredHead(ctx: DataCtx, maxBytes: number, offset = 0): Uint8Array {
  const bytes = ctx.head('path', maxBytes, offset, true);
  if (bytes instanceof Uint8Array) return bytes;
  const reason = bytes === 'missing' ? 'no such file (its header gives the shape the model is checked against)' : 'this checker reads no files';
  throw RuleError.of('E0420', { path: stringArg(ctx, 'path') ?? '', reason }, { at: 'path' });
}

const dtypeArg = (ctx: DataCtx, name = 'dtype'): 'float32' | 'int32' => ((ctx.args.get(name) as { name?: string } | undefined)?.name === 'int32' ? 'int32' : 'float32');

function npzType(ctx: DataCtx): DataType {
  const path = stringArg(ctx, 'path') ?? '';
  requiredHead(ctx, 0);
  const headers = npzHeaders((offset, length) => ctx.head('path', length, offset, true) as Uint8Array | undefined);
  if (headers instanceof Error) throw RuleError.of('E0420', { path, reason: headers.message }, { at: 'path' });
  const counts: number[] = [];
  const arrayOf = (param: 'x' | 'y', dtype: 'float32' | 'int32') => {
    const name = stringArg(ctx, param)!;
    const h = headers.get(name);
    if (!h) throw RuleError.of('E0417', { path, what: 'array', name, guess: didYouMean(name, headers.keys()), names: [...headers.keys()].join(', ') || 'none' }, { at: param });
    const s = npyShape(h, `${path}:${name}`, param, dtype);
    counts.push((h as NpyHeader).shape[0]!);
    return s;
  };
  const x = arrayOf('x', dtypeArg(ctx));
  ctx.knowSamples(counts[0]!);
  if (stringArg(ctx, 'y') === undefined) return { kind: 'array', shape: x };
  const y = arrayOf('y', 'float32');
  if (counts[0] !== counts[1]) throw RuleError.of('E0423', { x: `array '${stringArg(ctx, 'x')}' of ${path}`, xCount: counts[0]!, y: `array '${stringArg(ctx, 'y')}'`, yCount: counts[1]! }, { at: 'y' });
  const labels = (ctx.args.get('labels') as { name: string }).name;
  const classes = ctx.args.get('classes')?.kind === 'int' ? ctx.int('classes') : undefined;
  if (labels === 'ids') return { kind: 'dataset', x, y: idsShape(y), labels: 'ids', classes };
  return { kind: 'dataset', x, y, labels: labels === 'onehot' ? 'onehot' : undefined };
}

/** The class count of a folder of class folders (undefined when the host cannot list it). */
function classFolders(ctx: DataCtx): number | undefined {
  const folders = ctx.folders('dir');
  if (Array.isArray(folders) && folders.length < 2) throw RuleError.of('E0420', { path: stringArg(ctx, 'dir') ?? '', reason: `a folder of classes needs one sub-folder per class (2 or more), found ${folders.length ? `only ${folders[0]}` : 'none'}` }, { at: 'dir' });
  return Array.isArray(folders) ? folders.length : undefined;
}

export const FILE_SOURCES: DataSourceDef[] = [
  PARQUET,
  {
    name: 'text_folder', module: 'core', files: ['dir'],
    doc: 'Labelled texts from a folder with one sub-folder per class of .txt files (as Keras\'s `text_dataset_from_directory`), classes interleaved, class names the sorted sub-folder names; for `tokenize`.',
    params: [str('dir', 'The folder of class folders, relative to the .nn file.')],
    type: (ctx) => ({ kind: 'dataset', x: { dtype: 'float32', dims: [n] }, y: shape([n, 1]), labels: 'ids', classes: classFolders(ctx) }),
  },
  {
    name: 'image_folder', module: 'core', files: ['dir'],
    doc: 'Labelled images from a folder with one sub-folder per class (as Keras\'s `image_dataset_from_directory`): every .jpg, .jpeg and .png resized bilinearly, pixels in [0, 1], classes interleaved so any leading part holds every class; class names are the sub-folder names, sorted. Type: `x: [n, height, width, 1 or 3]`, `y: [n, 1]` class ids.',
    params: [str('dir', 'The folder of class folders, relative to the .nn file.'), posInt('height', 'Height after resizing.'), posInt('width', 'Width after resizing.'),
      { name: 'color', type: { kind: 'enum', values: ['rgb', 'grey'] }, doc: 'Three channels, or one (luma).', default: { kind: 'enum', name: 'rgb' } },
      { name: 'stream', type: { kind: 'bool' }, doc: 'Decode the images a batch at a time as training asks (flat memory for a folder of any size) instead of all at the start: by default when the decoded pixels would pass 256 MiB.', default: { kind: 'null' } }],
    type(ctx) {
      const channels = (ctx.args.get('color') as { name: string }).name === 'grey' ? 1 : 3;
      return { kind: 'dataset', x: shape([n, ctx.int('height'), ctx.int('width'), channels]), y: shape([n, 1]), labels: 'ids', classes: classFolders(ctx) };
    },
  },
  {
    name: 'npy', module: 'core', files: ['path'],
    doc: 'Reads a NumPy `.npy` array (little-endian numbers or bool, C order) as float32 (or int32). Axis 0 is the samples; the checker reads the shape from the header. Type: the array\'s shape with `n` for axis 0 (`[n, 1]` for a 1-d array).',
    params: [str('path', 'Path of the .npy file, relative to the .nn file.'), DTYPE],
    type(ctx) {
      const h = npyHeader(requiredHead(ctx, NPY_HEAD_BYTES));
      const t: DataType = { kind: 'array', shape: npyShape(h, stringArg(ctx, 'path') ?? '', 'path', dtypeArg(ctx)) };
      if (!(h instanceof Error)) ctx.knowSamples(h.shape[0]!);
      return t;
    },
  },
  {
    name: 'npz', module: 'core', files: ['path'],
    doc: 'Reads arrays of a NumPy `.npz` archive (np.savez or np.savez_compressed) by name: `npz(path, x: "images", y: "labels")` is a dataset, without `y` an array. The checker reads the shapes from the archive.',
    params: [str('path', 'Path of the .npz file, relative to the .nn file.'),
      { name: 'x', type: { kind: 'string' }, doc: 'Name of the input array (as given to np.savez).' },
      { name: 'y', type: { kind: 'string' }, doc: 'Name of the target array.', default: { kind: 'null' } },
      { name: 'labels', type: { kind: 'enum', values: ['ids', 'onehot', 'values'] }, doc: 'What y holds: class ids, one-hot rows, or values to predict.', default: { kind: 'enum', name: 'values' } },
      { name: 'classes', type: { kind: 'int', min: 2 }, doc: 'The class count of `ids` labels, checked against the output units.', default: { kind: 'null' } },
      DTYPE],
    type: npzType,
  },
  {
    name: 'csv', module: 'core', files: ['path'],
    doc: 'Reads a CSV file. `csv(path, columns: [...])` is a numeric table `[n, columns]`; `csv(path, x: [...], y: "label")` labelled examples `x: [n, k]`, `y: [n, 1]` (class ids of a column of names, with the sorted names kept as the class names; or numbers). The checker reads the header and first rows.',
    params: CSV_PARAMS,
    type: csvType,
  },
];
