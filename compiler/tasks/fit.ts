// What the task checks share: the task being fitted to its data and models, where to point a
// diagnostic about one of its fields, and the shape questions several kinds ask.
import type { Decl } from '../../grammar/ast.js';
import type { Sink, SourceModule } from '../check/context.js';
import type { DataValue, ModelIR, Value } from '../ir.js';
import type { Dim } from '../shapes/dim.js';
import type { Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';

export type TaskDecl = Extract<Decl, { kind: 'task' }>;

export interface FitCtx { decl: TaskDecl; file: string; data: DataValue; fields: Map<string, Value>; sink: Sink; bindings: Map<string, Dim>; module: SourceModule }

export const inShape = (m: ModelIR, i = 0): Shape => m.nodes[m.inputs[i]!.node]!.shape;
export const outShape = (m: ModelIR, i = 0): Shape => m.nodes[m.outputs[i]!.node]!.shape;
export const fieldSpan = (c: FitCtx, name: string) => c.decl.fields.find((f) => f.name.name === name)?.value.span ?? c.decl.taskKind.span;

/** Whether two tensors hold the same samples: equal rank and equal dims after the batch axis
 *  (named dims of the models may be bound, e.g. `latent`). */
export function sameSamples(a: Shape, b: Shape, c: FitCtx, flexible: ReadonlySet<string>): boolean {
  if (a.dims.length !== b.dims.length || a.dtype !== b.dtype) return false;
  const drop = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  return !unifyShapes(drop(a), drop(b), c.bindings, flexible);
}

/** A model field must have this many inputs and outputs (`expected` says which, e.g. "one
 *  input (an image) and two outputs"); reports at the field otherwise. */
export function arity(c: FitCtx, field: string, m: ModelIR, inputs: number, outputs: number, expected: string): boolean {
  if (m.inputs.length === inputs && m.outputs.length === outputs) return true;
  c.sink.report('E0432', c.file, fieldSpan(c, field), { role: `the ${field}`, model: m.name, expected, inputs: m.inputs.length, outputs: m.outputs.length }, [{ span: m.span, file: m.file }]);
  return false;
}

/** The images of the task's data (its x, or the array itself); text is reported. */
export function imagesOf(c: FitCtx): Shape | undefined {
  const t = c.data.type;
  if (t.kind === 'dataset') return t.x;
  if (t.kind === 'array') return t.shape;
  c.sink.report('E0414', c.file, c.decl.on!.span, { source: c.decl.taskKind.name, expected: 'images', found: 'text', example: 'mnist() from std.data' });
  return undefined;
}

/** The file's `train` task of the task's subject model, if it has one. */
export function trainTaskOfSubject(c: FitCtx): TaskDecl | undefined {
  const train = c.module.ast.decls.find((d) => d.kind === 'task' && d.taskKind.name === 'train' && d.subject?.name === c.decl.subject?.name);
  return train?.kind === 'task' ? train : undefined;
}

/** A task that uses a trained model reads it from `checkpoint`; left out, that is the `save`
 *  of the file's train task for the same model, or that task's default folder. */
export function defaultCheckpoint(c: FitCtx): void {
  if (c.fields.get('checkpoint')?.kind !== 'null') return;
  const save = trainTaskOfSubject(c)?.fields.find((f) => f.name.name === 'save')?.value;
  c.fields.set('checkpoint', { kind: 'string', value: save?.kind === 'string' ? save.value : `out/${(c.decl.subject?.name ?? '').toLowerCase()}` });
}
