// Helpers of the lowerings: a checked task's fields as the plain data its runtime procedure
// takes (and the emitter prints as a literal). The checker filled every default from the
// task's schema, so a field a schema declares is there; the defaults live in the schema alone.
import type { ModelIR, TaskIR, Value } from '../ir.js';
import { OPTIMIZERS } from './vocab.js';

/** A task field's checked value, if it has the given kind. */
export const field = <T extends Value['kind']>(t: TaskIR, name: string, kind: T) => {
  const v = t.fields.get(name);
  return v?.kind === kind ? (v as Extract<Value, { kind: T }>) : undefined;
};

/** A number value (of a field, a map entry or a list item). */
export function num(v: Value | undefined, name: string): number {
  if (v?.kind === 'int' || v?.kind === 'float') return v.value;
  throw new Error(`internal: field ${name} is ${v?.kind ?? 'missing'}, not a number`);
}
export const numField = (task: TaskIR, name: string) => num(task.fields.get(name), name);

/** An enum value (of a field or a map entry) as one of the schema's `values`: typed, so the
 *  procedure's union is checked against the schema's where runtime/interpret/task-kinds.ts
 *  joins the two. */
export function oneOf<T extends string>(v: Value | undefined, name: string, values: readonly T[]): T {
  const found = values.find((x) => v?.kind === 'enum' && v.name === x);
  if (found === undefined) throw new Error(`internal: field ${name} is not one of ${values.join(', ')}`);
  return found;
}
export const enumField = <T extends string>(task: TaskIR, name: string, values: readonly T[]) => oneOf(task.fields.get(name), name, values);

/** A field of one value or a map of them by name (`loss: mse`, `loss: {a: mse, b: mae}`). */
export function enumOrMapField<T extends string>(task: TaskIR, name: string, values: readonly T[]): T | Record<string, T> {
  const v = task.fields.get(name);
  if (v?.kind === 'map') return Object.fromEntries([...v.entries].map(([k, e]) => [k, oneOf(e, `${name}.${k}`, values)]));
  return oneOf(v, name, values);
}

export const seedField = (task: TaskIR) => field(task, 'seed', 'int')?.value;
/** `save`, or out/ and the task's name in lower case. */
export const saveField = (task: TaskIR, name = task.name) => field(task, 'save', 'string')?.value ?? `out/${name.toLowerCase()}`;

/** `rmsprop(lr: 0.01)` → { name: 'rmsprop', params: { lr: 0.01, rho: 0.9, ... } } (defaults
 *  from the optimizer table): runtime/tasks/vocab.ts's OptimizerSpec. */
export function optimizerSpec(task: TaskIR, name: string) {
  const v = task.fields.get(name);
  const optimizer = v?.kind === 'call' ? v.name : 'adam';
  const params: Record<string, number> = {};
  for (const p of OPTIMIZERS.get(optimizer)?.params ?? []) {
    const a = (v?.kind === 'call' ? v.args.get(p.name) : undefined) ?? p.default;
    if (a?.kind === 'float' || a?.kind === 'int') params[p.name] = a.value;
  }
  return { name: optimizer, params };
}

/** A model-valued field's checked IR (`encoder: ConvEncoder(latent: 2)`), if it is one. */
export function modelIn(fields: ReadonlyMap<string, Value>, name: string): ModelIR | undefined {
  const v = fields.get(name);
  return v?.kind === 'layer' ? v.layer.model : undefined;
}

/** The same for a checked task, where the field is known to hold a model. */
export function modelField(task: TaskIR, name: string): ModelIR {
  const m = modelIn(task.fields, name);
  if (!m) throw new Error(`task ${task.name} has no model field ${name}`);
  return m;
}
