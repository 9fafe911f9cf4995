// What the data-source table's entries are made of: the entry type, the context their type
// rules run in, and the parameter helpers the entries share.
import { Dim } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import type { DataType, ParamSpec, Value } from '../ir.js';
import { RuleError } from '../diagnostics.js';

export interface DataCtx {
  args: ReadonlyMap<string, Value>;
  int(name: string): number;
  data(name: string): DataType;
  /** Up to `maxBytes` of the file a string argument names, read through the host (from
   *  `offset`; a negative one counts from the end of the file); 'missing' when there is no such file (W0416 is reported at the argument unless `quiet`),
   *  undefined when the host reads no files (the type stays as symbolic as without it). */
  head(param: string, maxBytes: number, offset?: number, quiet?: boolean): Uint8Array | 'missing' | undefined;
  /** Sub-folders of the folder a string argument names, like head(). */
  folders(param: string): string[] | 'missing' | undefined;
  /** Reports a diagnostic without giving up the type (a warning, or an error whose type is still usable). */
  report(err: RuleError): void;
  /** The sample count of a data argument, where its file's header gave it (npy, npz). */
  samplesOf(param: string): number | undefined;
  /** Records the sample count the file's header gives (axis 0 of a NumPy array). */
  knowSamples(n: number): void;
  /** Fixes an argument the type rule decided from the file (a label encoding), so the
   *  runtime and emitted programs do what was checked. */
  settle(name: string, value: Value): void;
}

export interface DataSourceDef {
  name: string;
  /** `core` needs no import; otherwise the std module that exports it. */
  module: 'core' | 'std.data';
  doc: string;
  params: readonly ParamSpec[];
  type(ctx: DataCtx): DataType;
  /** The npm package the runtime reads this data from (by name, at run time, so no import
   *  shows it): `nnc compile` lists it in the emitted program's package.json. */
  npm?: string;
  /** The parameters that name files or folders the data is read from (relative to the .nn
   *  file): `nnc compile` lists them as the emitted program's inputs. */
  files?: readonly string[];
}

export const n = Dim.sym('n');
export const str = (name: string, doc: string): ParamSpec => ({ name, type: { kind: 'string' }, doc, positional: true });
export const dataParam = (name: string, doc: string): ParamSpec => ({ name, type: { kind: 'data' }, doc, positional: true });
export const posInt = (name: string, doc: string, def?: number, positional = false): ParamSpec =>
  ({ name, type: { kind: 'int', min: 1 }, doc, positional, default: def === undefined ? undefined : { kind: 'int', value: def } });
export const columnsParam = (def?: string[]): ParamSpec => ({
  name: 'columns', type: { kind: 'list', of: { kind: 'string' } }, doc: 'Columns to read, by header name.',
  default: def ? { kind: 'list', items: def.map((value) => ({ kind: 'string', value })) } : undefined,
});
export const columnCount = (ctx: DataCtx): number => (ctx.args.get('columns') as { items: unknown[] }).items.length;

/** What a data type is, for "found ..." (E0414). */
export function describeDataType(t: DataType): string {
  return t.kind === 'text' ? 'text' : t.kind === 'array' ? `a numeric series ${formatShape(t.shape)}` : `a dataset of x ${formatShape(t.x)}`;
}

export function arrayOf(t: DataType, what: string, param: string, rank?: number): Shape {
  if (t.kind !== 'array') throw RuleError.of('E0414', { source: what, expected: 'a numeric series', found: describeDataType(t), example: 'csv("file.csv", columns: ["a"])' }, { at: param });
  if (rank !== undefined && t.shape.dims.length !== rank) throw RuleError.of('E0415', { source: what, expected: rank, found: formatShape(t.shape) }, { at: param });
  return t.shape;
}

/** Class ids as the checker types them: one id per sample [n, 1] (from [n] or [n, 1]), or
 *  one per step of a sequence [n, time, 1] (from [n, time] or [n, time, 1]). */
export function idsShape(y: Shape): Shape {
  const last = y.dims[y.dims.length - 1]!;
  return y.dims.length === 1 || last.value !== 1 ? { ...y, dims: [...y.dims, Dim.const(1)] } : y;
}
