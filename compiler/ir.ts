// The checked IR: what the runtime builds and the emitter prints. Every tensor has a shape.
import type { Span } from '../grammar/ast.js';
import type { Dim } from './shapes/dim.js';
import type { Shape } from './shapes/shape.js';
import type { DataValue, Value } from './values.js';

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
