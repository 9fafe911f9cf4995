// Columns of a table file (CSV, Parquet) named by header name or by 0-based number: the
// checker resolves numbers against the file's column names and settles the argument to
// names, so the run, the saved model and its predictions speak of names.
import { RuleError } from '../diagnostics.js';
import { describeValue, type Value } from '../ir.js';
import type { DataCtx } from './params.js';

/** A column by name or by 0-based number. */
export type ColumnRef = string | number;

export const stringArg = (ctx: DataCtx, name: string): string | undefined => {
  const v = ctx.args.get(name);
  return v?.kind === 'string' ? v.value : undefined;
};

/** The columns an argument names: a name, a number, or a list of them (`range(0, 13)` is a
 *  list of numbers, and may sit in a list beside names). */
export function columnRefs(ctx: DataCtx, param: string): ColumnRef[] | undefined {
  const v = ctx.args.get(param);
  if (!v || v.kind === 'null') return undefined;
  const out: ColumnRef[] = [];
  const add = (item: Value, depth: number): boolean => {
    if (item.kind === 'string') out.push(item.value);
    else if (item.kind === 'int' && item.value >= 0) out.push(item.value);
    else if (item.kind === 'list' && depth < 2) return item.items.every((i) => add(i, depth + 1));
    else return false;
    return true;
  };
  if (!add(v, 0)) throw RuleError.of('E0207', { name: param, expected: 'column names or 0-based column numbers (`["a", "b"]`, `range(0, 13)`)', found: describeValue(v) }, { at: param });
  return out;
}

/** Column numbers as the file's column names (E0422 past the last one); settles the
 *  argument to names. When the names are not known (the host reads no files) numbers stay
 *  numbers in the argument and the runtime resolves them. */
export function resolveRefs(ctx: DataCtx, names: readonly string[] | undefined, param: string, refs: ColumnRef[] | undefined): string[] | undefined {
  if (!refs) return undefined;
  if (refs.every((r) => typeof r === 'string')) return refs as string[];
  if (!names) return refs.map(String);
  const resolved = refs.map((r) => {
    if (typeof r === 'string') return r;
    if (r >= names.length) throw RuleError.of('E0422', { path: stringArg(ctx, 'path') ?? '', count: names.length, last: names.length - 1, index: r }, { at: param });
    return names[r]!;
  });
  const v = ctx.args.get(param)!;
  ctx.settle(param, v.kind === 'list' || refs.length > 1 ? { kind: 'list', items: resolved.map((value) => ({ kind: 'string', value })) } : { kind: 'string', value: resolved[0]! });
  return resolved;
}
