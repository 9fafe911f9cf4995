// The argument object a task's procedure takes, made from the checked task as its kind's entry
// (compiler/tasks/kind.ts) describes it: the data loaded and the model's named dims bound from
// them (vocab → 57), data that do not fit the model refused before any training, the fields
// lowered, the models as builders. The emitter makes the same object as a literal.
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { DataValue, TaskIR } from '../../compiler/ir.js';
import { Dim } from '../../compiler/shapes/dim.js';
import { formatShape, shape } from '../../compiler/shapes/shape.js';
import { unifyShapes } from '../../compiler/shapes/unify.js';
import type { TaskInput, TaskInputs, TaskKind } from '../../compiler/tasks/kind.js';
import { field, modelField } from '../../compiler/tasks/lower.js';
import { concreteShapes, type RuntimeData } from '../data/column.js';
import { fault } from '../errors.js';
import type { TrainData } from '../tasks/train.js';
import { buildModel, type Bindings } from './build.js';

export type Load = (v: DataValue) => Promise<RuntimeData>;

/** What each kind of input is when the procedure gets it. */
type InputArg<I extends TaskInput> =
  I extends { kind: 'subject' } ? (data: TrainData) => tf.LayersModel
  : I extends { kind: 'model' } ? () => tf.LayersModel
  : I extends { kind: 'data'; optional: true } ? RuntimeData | undefined
  : RuntimeData;

/** The argument of a procedure whose fields are F and other inputs I. `dims`, the named dims
 *  the data bound (for the log line), comes with a subject model. */
export type ProcedureArgs<F, I extends TaskInputs> =
  { name: string; baseDir: string; data: RuntimeData; fields: F; dims?: Record<string, number> } & { -readonly [K in keyof I]: InputArg<I[K]> };

/** Binds the checker's symbolic data type to the loaded data's sizes: { n: 4407, vocab: 57 }. */
function dataDims(v: DataValue, d: RuntimeData): Map<string, Dim> {
  const env = new Map<string, Dim>();
  const t = v.type;
  const got = concreteShapes(d);
  const pairs = t.kind === 'dataset' ? [[t.x, got.x], [t.y, got.y]] as const : t.kind === 'array' ? [[t.shape, got.x]] as const : [];
  for (const [want, have] of pairs) {
    if (!want || !have) continue;
    const actual = shape(have, want.dtype);
    const flexible = new Set(want.dims.flatMap((x) => [...x.symbols()]));
    if (unifyShapes(want, actual, env, flexible)) throw fault('data', `${v.source}() produced ${formatShape(actual)} where ${formatShape(want)} was expected`);
  }
  return env;
}

/** Model dims bound through the task's bindings and the data's sizes; the sample count is
 *  never bound into the model (its batch axis stays free). */
function modelBindings(task: TaskIR, env: Map<string, Dim>): Bindings {
  const samples = task.data?.type.kind === 'dataset' ? task.data.type.x.dims[0]!.symbols() : new Set<string>();
  const out = new Map<string, Dim>();
  for (const [k, d] of task.bindings) {
    if ([...d.symbols()].some((s) => samples.has(s))) continue;
    out.set(k, d.substitute(env));
  }
  // A dim the model and the data share by name (`vocab` in both) unified without a binding.
  for (const [k, d] of env) if (!samples.has(k) && !out.has(k)) out.set(k, d);
  return out;
}

/** The procedure's argument for `task` of `kind`, run from the .nn file `file`. */
export async function procedureArgs<F, I extends TaskInputs>(kind: TaskKind<string, F, I>, task: TaskIR, file: string, load: Load): Promise<ProcedureArgs<F, I>> {
  const data = await load(task.data!);
  const args: Record<string, unknown> = { name: task.name, baseDir: dirname(file), data };
  const inputs = Object.entries(kind.inputs);
  // The subject first: data that do not fit its model are refused before anything else loads.
  for (const [arg, input] of inputs) {
    if (input.kind !== 'subject') continue;
    const bindings = modelBindings(task, dataDims(task.data!, data));
    args[arg] = () => buildModel(task.model!, bindings);
    args['dims'] = Object.fromEntries([...bindings].filter(([, d]) => d.value !== undefined).map(([k, d]) => [k, d.value!]));
  }
  for (const [arg, input] of inputs) {
    if (input.kind !== 'data') continue;
    const v = field(task, input.field, 'data');
    args[arg] = v ? await load(v.data) : undefined;
  }
  args['fields'] = kind.lower(task);
  for (const [arg, input] of inputs) if (input.kind === 'model') args[arg] = () => buildModel(modelField(task, input.field), new Map());
  // Built from the entry's inputs as ProcedureArgs maps them, which tsc cannot follow.
  return args as ProcedureArgs<F, I>;
}
