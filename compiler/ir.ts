// The checked IR: what the runtime builds and the emitter prints (every tensor has a shape),
// and the compile-time values it carries: what an expression in a .nn file evaluates to.
// One file, because the two refer to each other (a layer value holds a model's IR).
import type { Span } from '../grammar/ast.js';
import type { Dim } from './shapes/dim.js';
import type { Shape } from './shapes/shape.js';
import type { PretrainedModel } from './pretrained/topology.js';

export interface IRNode {
  id: number;
  /** `input` nodes start the graph; `layer` nodes apply a table layer or a nested model. */
  op: 'input' | 'layer';
  /** The user's name (binding or input name) or a generated `dense_1`-style one. */
  name: string;
  /** Nodes with the same layerId share one layer and its weights. */
  layerId?: number;
  layer?: string;
  args?: Map<string, Value>;
  /** For a nested model: its instantiated IR. */
  model?: ModelIR;
  inputs: number[];
  shape: Shape;
  params: Dim;
  span: Span;
}

export interface ModelIR {
  name: string;
  doc?: string;
  file: string;
  span: Span;
  args: Map<string, Value>;
  inputs: { name: string; node: number }[];
  outputs: { name?: string; node: number }[];
  nodes: IRNode[];
  /** Named dims that layers need as numbers (weight sizes), to be bound by data. */
  requires: KnownRequirement[];
}

export interface KnownRequirement { dim: Dim; why: string; span: Span; file: string }

export interface DataIR { name: string; doc?: string; value: DataValue; span: Span }

export interface TaskIR {
  kind: string;
  name: string;
  model?: ModelIR;
  data?: DataValue;
  fields: Map<string, Value>;
  span: Span;
  /** Dims bound when the data met the model (`batch` → n, `vocab` → vocab). */
  bindings: Map<string, Dim>;
}

export interface CheckedProgram {
  file: string;
  models: Map<string, ModelIR>;
  data: Map<string, DataIR>;
  tasks: TaskIR[];
}

// Compile-time values.
/** Parameter types understood by argument checking (layers, data sources, task fields). */
export type ParamType =
  | { kind: 'int'; min?: number; symbolic?: boolean }
  | { kind: 'float'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: 'bool' }
  /** `path`: the string names a file or folder the task or data source writes or reads. */
  | { kind: 'string'; path?: 'read' | 'write' }
  | { kind: 'enum'; values: readonly string[]; nullable?: boolean }
  | { kind: 'ints'; length?: number; min?: number } // an int, or a list of ints (kernel_size: 3 or [3, 3])
  | { kind: 'list'; of: ParamType }
  | { kind: 'layer' }
  | { kind: 'model' }
  /** A model that takes images: a pretrained one (`inception_v3()`, `load(...)`) or one of the file's. */
  | { kind: 'image_model' }
  | { kind: 'data' }
  | { kind: 'call'; table: 'optimizer' }
  | { kind: 'map'; fields: readonly ParamSpec[] }
  /** A map whose keys are the user's names (layer names), each value of one type; with
   *  `orOne`, also one value of that type for every key (`loss: mse` or `loss: {a: mse, b: mae}`). */
  | { kind: 'dict'; of: ParamType; keys: string; orOne?: boolean }
  | { kind: 'any' };

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Absent means required. */
  readonly default?: Value;
  readonly doc: string;
  /** May be given by position (Keras order). */
  readonly positional?: boolean;
  /** Collects all remaining positional arguments (`reshape(7, 7, 32)`). */
  readonly rest?: boolean;
}

export type Value =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'dim'; dim: Dim }
  | { kind: 'list'; items: Value[] }
  | { kind: 'map'; entries: Map<string, Value> }
  | { kind: 'enum'; name: string }
  | { kind: 'null' }
  | { kind: 'tensor'; tensor: TensorRef }
  | { kind: 'layer'; layer: LayerInstance }
  | { kind: 'call'; table: string; name: string; args: Map<string, Value> }
  | { kind: 'data'; data: DataValue }
  | { kind: 'model'; model: string }
  | { kind: 'pretrained'; pretrained: PretrainedModel }
  | { kind: 'poison' };

/** A tensor during model checking: the IR node that produces it and its shape. */
export interface TensorRef { node: number; shape: Shape }

/** A layer with its arguments checked; `id` is shared by every application (shared weights). */
export interface LayerInstance {
  id: number;
  /** A layer-table name, or a model name for a nested model. */
  layer: string;
  isModel: boolean;
  args: Map<string, Value>;
  span: Span;
  /** For nested models: the instantiated model IR. */
  model?: ModelIR;
}

export interface DataValue {
  /** The data source or transform that produced it, with its checked arguments. */
  source: string;
  args: Map<string, Value>;
  type: DataType;
  /** The number of samples, where the checker read it from the file (a NumPy header); a
   *  transform's value never has it. */
  samples?: number;
}

export type DataType =
  | { kind: 'array'; shape: Shape }
  | { kind: 'text' }
  | { kind: 'dataset'; x: Shape; y?: Shape; labels?: LabelEncoding; classes?: number; classesSeen?: number; inputs?: readonly NamedInput[]; outputs?: readonly NamedOutput[] };

/** One input of a model of several (`examples(x: {words: w, extra: e}, y: t)`), matched to
 *  the model's `input` of that name; a dataset with inputs has `x` = the first one's shape,
 *  and only train and evaluate take it. */
export interface NamedInput { name: string; shape: Shape }

/** One target of a model of several outputs (`examples(x: d, y: {price: p, kind: k})`),
 *  matched to the model's `output` of that name, with its own label encoding; a dataset with
 *  outputs has `y`, `labels` and `classes` of the first one, and only train and evaluate take it. */
export interface NamedOutput { name: string; shape: Shape; labels?: LabelEncoding; classes?: number }

/** How a dataset's y encodes classes: one-hot rows [n, k], class ids [n, 1], or (absent)
 *  plain values such as a forecast's target or multi-label 0/1 rows. Losses read it
 *  (compiler/check/labels.ts). `classes` on a dataset is the class count of ids labels when
 *  declared (`csv(..., classes: 3)`) or counted (class folders); otherwise it is known only
 *  at run time, and `classesSeen` is how many the checker saw in a file's first rows. */
export type LabelEncoding = 'onehot' | 'ids';

export const POISON: Value = { kind: 'poison' };

export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'int': case 'float': return `${v.kind === 'int' ? 'Int' : 'Float'} ${v.value}`;
    case 'string': return `String ${JSON.stringify(v.value)}`;
    case 'bool': return `Bool ${v.value}`;
    case 'dim': return `dim ${v.dim}`;
    case 'list': return 'a list';
    case 'map': return 'a map';
    case 'enum': return `'${v.name}'`;
    case 'null': return 'none';
    case 'tensor': return 'a tensor';
    case 'layer': return `layer ${v.layer.layer}`;
    case 'call': return `${v.name}(...)`;
    case 'data': return 'data';
    case 'model': return `model ${v.model}`;
    case 'pretrained': return `pretrained model ${v.pretrained.label}`;
    case 'poison': return 'an invalid value';
  }
}

export function describeType(t: ParamType): string {
  switch (t.kind) {
    case 'int': return t.min !== undefined && t.min > 0 ? 'a positive Int' : 'an Int';
    case 'float': return 'a Float';
    case 'bool': return 'a Bool (true or false)';
    case 'string': return 'a String';
    case 'enum': return `one of ${t.values.join(', ')}`;
    case 'ints': return t.length ? `an Int or a list of ${t.length} Ints` : 'an Int or a list of Ints';
    case 'list': return `a list of ${describeType(t.of)}`;
    case 'layer': return 'a layer';
    case 'model': return 'a model';
    case 'image_model': return 'a model that takes images (inception_v3(), load("model.json"), or a model of this file)';
    case 'dict': return `${t.orOne ? `${describeType(t.of)}, or ` : ''}a map from ${t.keys} to ${describeType(t.of)}`;
    case 'data': return 'data';
    case 'call': return `an ${t.table}`;
    case 'map': return `a map with fields ${t.fields.map((f) => f.name).join(', ')}`;
    case 'any': return 'a value';
  }
}


/** A value with named dims replaced (vocab → 57), inside lists, maps and wrapped layers. */
export function substituteValue(v: Value, b: ReadonlyMap<string, Dim>): Value {
  switch (v.kind) {
    case 'dim': return { kind: 'dim', dim: v.dim.substitute(b) };
    case 'list': return { kind: 'list', items: v.items.map((i) => substituteValue(i, b)) };
    case 'map': return { kind: 'map', entries: substituteArgs(v.entries, b) };
    case 'layer': return { kind: 'layer', layer: { ...v.layer, args: substituteArgs(v.layer.args, b) } };
    default: return v;
  }
}

export const substituteArgs = (args: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Dim>) =>
  new Map([...args].map(([k, v]) => [k, substituteValue(v, b)]));

export const substituteShape = (s: Shape, b: ReadonlyMap<string, Dim>): Shape => ({ dtype: s.dtype, dims: s.dims.map((d) => d.substitute(b)) });

/** Named dims a model leaves open (from its input shapes): bindable by whoever uses it. */
export function modelSymbols(ir: ModelIR): Set<string> {
  const out = new Set<string>();
  for (const i of ir.inputs) for (const d of ir.nodes[i.node]!.shape.dims) d.symbols(out);
  return out;
}
