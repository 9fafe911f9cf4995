// Data transforms over labels: input/target pairs from two arrays (`examples`, also the
// autoencoder's y = x) and class ids as one-hot rows (`one_hot`).
import { DenseColumn, NamedColumns, OneHotColumn, type Column, type RuntimeData } from './column.js';
import { StreamColumn } from './stream.js';
import { fault } from '../errors.js';

function inputs(d: RuntimeData, what: string): { column: Column; classNames?: string[] } {
  if (d.kind === 'array') return { column: d.column };
  if (d.kind === 'dataset') return { column: d.x, classNames: d.info.classNames };
  throw fault('data', `examples: ${what} must be numeric data, found ${d.kind}`);
}

type Labels = 'ids' | 'onehot' | 'values';
/** A value for y, or one per output name (absent names: `values`, no class count). */
type PerOutput<T> = T | Record<string, T>;

export function examples(a: { x: RuntimeData | Record<string, RuntimeData>; y: RuntimeData | Record<string, RuntimeData>; labels: PerOutput<Labels>; classes: PerOutput<number> | null }, _ctx?: unknown): RuntimeData {
  // A model of several inputs: x by input name; of several outputs: y by output name.
  const named = (v: RuntimeData | Record<string, RuntimeData>, param: string) => (isNamed(v)
    ? new NamedColumns(Object.entries(v).map(([name, d]) => ({ name, column: inputs(d, `${param}.${name}`).column })))
    : undefined);
  const namedX = named(a.x, 'x'), namedY = named(a.y, 'y');
  const x = namedX ? namedX.parts[0]!.column : inputs(a.x as RuntimeData, 'x').column;
  const ys = namedY?.parts ?? [{ name: '', column: inputs(a.y as RuntimeData, 'y').column }];
  for (const [param, parts] of [['x', namedX], ['y', namedY]] as const) {
    const streamed = parts?.parts.find((i) => i.column instanceof StreamColumn);
    const role = param === 'x' ? 'input' : 'output';
    if (streamed) throw fault('data', `examples: the ${role} '${streamed.name}' is streamed (a CSV file past 64 MiB, or stream: true); the ${role}s of a model of several are read whole: give it stream: false`);
  }
  const n = ys[0]!.column.n;
  for (const { name, column } of [...(namedX?.parts ?? [{ name: '', column: x }]).map((p) => ({ name: `x${p.name ? `.${p.name}` : ''}`, column: p.column })), ...ys.slice(1).map((p) => ({ name: `y.${p.name}`, column: p.column }))]) {
    if (column.n !== n) throw fault('data', `examples: ${name} has ${column.n} samples but ${namedY ? `y.${ys[0]!.name}` : 'y'} has ${n}; they pair sample for sample`);
  }
  const pick = <T>(v: PerOutput<T> | null, name: string): T | null | undefined => (v !== null && typeof v === 'object' ? (v as Record<string, T>)[name] : v);
  const targets = ys.map(({ name, column }) => ({
    name, column: pick(a.labels, name) === 'ids' ? classIdColumn(column, pick(a.classes, name) ?? null, namedY ? `y.${name}` : 'y') : column,
  }));
  const yInfo = !namedY && (a.y as RuntimeData).kind === 'dataset' ? (a.y as Extract<RuntimeData, { kind: 'dataset' }>).info : undefined;
  return {
    kind: 'dataset', x, y: targets[0]!.column, info: yInfo?.where ? { where: yInfo.where } : {},
    ...(namedX ? { inputs: namedX } : {}), ...(namedY ? { outputs: new NamedColumns(targets) } : {}),
  };
}

/** Class ids as the checker types them: one id per sample [1], or one per step of a sequence [time, 1]. */
function classIdColumn(y: Column, classes: number | null, what: string): DenseColumn {
  if (!(y instanceof DenseColumn)) throw fault('data', `examples: class ids must be numbers (${what})`);
  const s = y.sampleShape;
  const shape = s.length === 0 || s[s.length - 1] !== 1 ? [...s, 1] : [...s];
  const size = y.rowSize;
  const ids = new Float32Array(y.n * size);
  for (let i = 0; i < y.n; i++) ids.set(y.row(i), i * size);
  const limit = classes ?? Infinity;
  const bad = ids.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
  const at = size === 1 ? `${what}[${bad}]` : `${what}[${Math.floor(bad / size)}] (step ${bad % size})`;
  if (bad >= 0) throw fault('data', `examples: ${at} is ${ids[bad]}, not a class id 0..${classes !== null ? classes - 1 : 'k-1'}`);
  return new DenseColumn(ids, shape);
}

const isNamed = (x: RuntimeData | Record<string, RuntimeData>): x is Record<string, RuntimeData> => typeof (x as { kind?: unknown }).kind !== 'string';

export function one_hot(a: { data: RuntimeData; classes: number | null }, _ctx?: unknown): RuntimeData {
  const d = a.data;
  if (d.kind === 'dataset' && d.y instanceof StreamColumn && d.y.sampleShape[0] === 1) {
    const k = a.classes ?? d.info.classNames?.length;
    if (k === undefined) throw fault('data', 'one_hot needs classes: k');
    return { ...d, y: d.y.mapped([k], (r, where) => {
      const v = r[0]!;
      if (!Number.isInteger(v) || v < 0 || v >= k) throw fault('data', `one_hot: the label at ${where} is ${v}, not a class id 0..${k - 1}`);
      const out = new Float32Array(k);
      out[v] = 1;
      return out;
    }) };
  }
  if (d.kind !== 'dataset' || !(d.y instanceof DenseColumn) || d.y.rowSize !== 1) throw fault('data', 'one_hot needs a dataset of class ids [n, 1]');
  const ids = d.y;
  const k = a.classes ?? d.info.classNames?.length;
  if (k === undefined) throw fault('data', 'one_hot needs classes: k');
  for (let i = 0; i < ids.n; i++) {
    const v = ids.row(i)[0]!;
    if (!Number.isInteger(v) || v < 0 || v >= k) throw fault('data', `one_hot: label ${i} is ${v}, not a class id 0..${k - 1}${d.info.classNames ? ` (the data has ${d.info.classNames.length} classes)` : ''}`);
  }
  return { ...d, y: new OneHotColumn(new DenseColumn(ids.data, [], ids.stride), k) };
}
