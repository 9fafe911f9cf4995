// The data sources that read the user's files (CSV tables, NumPy arrays, image folders by
// class): the checker reads their headers through the host, so their shapes are static and
// a file that does not fit is reported at the data line.
import { didYouMean, RuleError } from '../diagnostics.js';
import type { DataType, ParamSpec, Value } from '../ir.js';
import { shape } from '../shapes/shape.js';
import { CSV_HEAD_BYTES, csvHead, DECIMAL, MISSING_CELLS, type CsvHead } from './heads.js';
import { columnCount, columnsParam, n, str, type DataCtx, type DataSourceDef } from './params.js';

const strings = (v: Value | undefined): string[] | undefined =>
  v?.kind === 'list' ? v.items.map((i) => (i.kind === 'string' ? i.value : '')) : v?.kind === 'string' ? [v.value] : undefined;
const stringArg = (ctx: DataCtx, name: string): string | undefined => {
  const v = ctx.args.get(name);
  return v?.kind === 'string' ? v.value : undefined;
};

const CSV_PARAMS: readonly ParamSpec[] = [
  str('path', 'Path of the CSV file, relative to the .nn file.'),
  { ...columnsParam(), doc: 'Numeric columns, by header name: a table `[n, columns]` (without `x`).', default: { kind: 'null' } },
  { name: 'x', type: { kind: 'list', of: { kind: 'string' } }, doc: 'Input columns (numbers), by header name: makes a labelled dataset with `y`.', default: { kind: 'null' } },
  { name: 'y', type: { kind: 'any' }, doc: 'The label column (`"species"`), or several 0/1 or numeric target columns (`["a", "b"]`, multi-label or multi-output).', default: { kind: 'null' } },
  { name: 'labels', type: { kind: 'enum', values: ['ids', 'values'], nullable: true }, doc: 'How one y column is read: `ids` (class ids 0..k-1; a column of names becomes ids of the sorted names) or `values` (numbers to predict). By default a column of names is ids and a numeric column values.', default: { kind: 'null' } },
  { name: 'classes', type: { kind: 'int', min: 2 }, doc: 'The number of classes of `ids` labels, checked against the model\'s output units; otherwise known at run time.', default: { kind: 'null' } },
  { name: 'delimiter', type: { kind: 'string' }, doc: 'Field separator.', default: { kind: 'string', value: ',' } },
  { name: 'header', type: { kind: 'bool' }, doc: 'Whether the first row names the columns; without one, columns are named "0", "1", ... (0-based).', default: { kind: 'bool', value: true } },
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
      throw RuleError.of('E0417', { path, name, guess: didYouMean(name, head.columns), columns: shown }, { at: param });
    }
    if (!numeric) continue;
    const bad = head.rows.find((r) => { const c = r.cells[k] ?? ''; return !MISSING_CELLS.has(c) && !DECIMAL.test(c); });
    if (bad) throw RuleError.of('E0418', { name, path, value: JSON.stringify(bad.cells[k]), line: bad.line }, { at: param });
  }
}

function csvType(ctx: DataCtx): DataType {
  const x = strings(ctx.args.get('x'));
  const columns = strings(ctx.args.get('columns'));
  const yArg = ctx.args.get('y');
  const y = strings(yArg);
  if (yArg && yArg.kind !== 'null' && !y) throw RuleError.of('E0414', { source: 'csv', expected: 'a column name or a list of them for y', found: yArg.kind, example: 'csv("iris.csv", x: ["sepal_length"], y: "species")' }, { at: 'y' });
  if (!x && !columns) throw RuleError.of('E0414', { source: 'csv', expected: '`columns: [...]` (a table) or `x: [...]` with `y:` (labelled examples)', found: 'neither', example: 'csv("iris.csv", x: ["sepal_length", "petal_length"], y: "species")' }, { at: 'path' });
  const head = readHead(ctx);
  if (!x) {
    if (head) checkColumns(ctx, head, 'columns', columns!, true);
    return { kind: 'array', shape: shape([n, columnCount(ctx)]) };
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
  return { kind: 'dataset', x: shape([n, x.length]), y: shape([n, 1]), labels: 'ids', classes };
}

export const FILE_SOURCES: DataSourceDef[] = [
  {
    name: 'csv', module: 'core',
    doc: 'Reads a CSV file. `csv(path, columns: [...])` is a numeric table `[n, columns]`; `csv(path, x: [...], y: "label")` labelled examples `x: [n, k]`, `y: [n, 1]` (class ids of a column of names, with the sorted names kept as the class names; or numbers). The checker reads the header and first rows.',
    params: CSV_PARAMS,
    type: csvType,
  },
];
