// What the task checks share: the task being fitted to its data and models, and where to
// point a diagnostic about one of its fields.
import type { Decl } from '../../grammar/ast.js';
import type { DataValue, ModelIR, Value } from '../ir.js';
import type { Dim } from '../shapes/dim.js';
import type { Shape } from '../shapes/shape.js';
import type { Sink, SourceModule } from './context.js';

export type TaskDecl = Extract<Decl, { kind: 'task' }>;

export interface FitCtx { decl: TaskDecl; file: string; data: DataValue; fields: Map<string, Value>; sink: Sink; bindings: Map<string, Dim>; module: SourceModule }

export const inShape = (m: ModelIR, i = 0): Shape => m.nodes[m.inputs[i]!.node]!.shape;
export const fieldSpan = (c: FitCtx, name: string) => c.decl.fields.find((f) => f.name.name === name)?.value.span ?? c.decl.taskKind.span;
