// The parquet() data source: the checker reads the file's footer (its schema: column names
// and types, parquet-footer.ts) through the host, from the end of the file, to type `[n, columns]` and to
// report an unknown or non-numeric column at the data line.
import { didYouMean, RuleError } from '../diagnostics.js';
import type { DataType, ParamSpec } from '../ir.js';
import { shape } from '../shapes/shape.js';
import { columnRefs, resolveRefs, stringArg } from './columns.js';
import { n, str, type DataCtx, type DataSourceDef } from './params.js';
import { parquetColumns } from './parquet-footer.js';

const MAX_FOOTER_BYTES = 64 * 2 ** 20;
const NUMERIC = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** Top-level column names and physical types, or undefined when the host reads no files or the file is not there (warned). */
function columnsOf(ctx: DataCtx, path: string): Map<string, string> | undefined {
  const tail = ctx.head('path', 8, -8);
  if (tail === undefined || tail === 'missing') return undefined;
  const fail = (reason: string) => RuleError.of('E0420', { path, reason }, { at: 'path' });
  try {
    const length = tail.length === 8 ? new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true) : 0;
    // A file that is not Parquet (or a footer past any real one's size) fails on its tail alone.
    if (!length || length > MAX_FOOTER_BYTES || new TextDecoder().decode(tail.subarray(4)) !== 'PAR1') return parquetColumns(tail);
    const footer = ctx.head('path', length + 8, -(length + 8));
    return parquetColumns(footer instanceof Uint8Array ? footer : tail);
  } catch (err) {
    throw fail((err as Error).message);
  }
}

function parquetType(ctx: DataCtx): DataType {
  const path = stringArg(ctx, 'path') ?? '';
  const columns = columnsOf(ctx, path);
  const names = columns && [...columns.keys()];
  const x = resolveRefs(ctx, names, 'x', columnRefs(ctx, 'x'))!;
  const yRefs = columnRefs(ctx, 'y');
  if (yRefs && yRefs.length !== 1) throw RuleError.of('E0207', { name: 'y', expected: 'one label column, by name or 0-based number', found: `${yRefs.length} columns` }, { at: 'y' });
  const y = resolveRefs(ctx, names, 'y', yRefs)?.[0];
  const classes = ctx.args.get('classes')?.kind === 'int' ? ctx.int('classes') : undefined;
  const known = (name: string, param: string) => {
    if (!columns || columns.has(name)) return;
    throw RuleError.of('E0417', { path, what: 'column', name, guess: didYouMean(name, columns.keys()), names: [...columns.keys()].join(', ') }, { at: param });
  };
  for (const name of x) {
    known(name, 'x');
    const type = columns?.get(name);
    if (type !== undefined && !NUMERIC.has(type)) throw RuleError.of('E0420', { path, reason: `column '${name}' holds ${type === 'BYTE_ARRAY' ? 'strings' : type.toLowerCase()}, not numbers; x columns must be numeric (a column of names can be the label: y: "${name}")` }, { at: 'x' });
  }
  if (y === undefined) return { kind: 'array', shape: shape([n, x.length]) };
  known(y, 'y');
  let labels = ctx.args.get('labels')?.kind === 'enum' ? (ctx.args.get('labels') as { name: string }).name : undefined;
  if (!labels) {
    const type = columns?.get(y);
    if (type === 'BYTE_ARRAY' || classes !== undefined) labels = 'ids';
    else if (type !== undefined) labels = 'values';
    if (labels) ctx.settle('labels', { kind: 'enum', name: labels });
  }
  return labels === 'values'
    ? { kind: 'dataset', x: shape([n, x.length]), y: shape([n, 1]) }
    : { kind: 'dataset', x: shape([n, x.length]), y: shape([n, 1]), labels: 'ids', classes };
}

const PARAMS: readonly ParamSpec[] = [
  str('path', 'Path of the .parquet file, relative to the .nn file.'),
  { name: 'x', type: { kind: 'any' }, doc: 'Input columns (numbers), by name or 0-based number (`range(0, 13)` is columns 0..12; names and ranges mix in a list).' },
  { name: 'y', type: { kind: 'any' }, doc: 'The label or target column, by name or number: strings are class names (ids of the sorted names), numbers values to predict unless `labels: ids`.', default: { kind: 'null' } },
  { name: 'labels', type: { kind: 'enum', values: ['ids', 'values'], nullable: true }, doc: 'How a numeric y column is read: class ids or values to predict (by default: names are ids, numbers values).', default: { kind: 'null' } },
  { name: 'classes', type: { kind: 'int', min: 2 }, doc: 'The class count of `ids` labels, checked against the output units.', default: { kind: 'null' } },
];

export const PARQUET: DataSourceDef = {
  name: 'parquet', module: 'core', files: ['path'],
  doc: 'Reads columns of an Apache Parquet file (through hyparquet): `parquet(path, x: [...], y: "label")` labelled examples `x: [n, k]`, `y: [n, 1]`; without `y` a table `[n, k]`. The checker reads the schema from the footer. The file is read whole.',
  params: PARAMS,
  type: parquetType,
};
