// A checked train block's fields as plain data, every default filled: what the runtime's
// train procedure takes, and what the emitter prints as a literal.
import type { TaskIR } from '../ir.js';
import type { Value } from '../values.js';
import { OPTIMIZERS } from './schemas.js';

export interface PlainTrainFields {
  loss: string;
  optimizer: { name: string; params: Record<string, number> };
  epochs: number;
  batchSize: number;
  validationSplit: number;
  metrics: string[];
  earlyStopping?: { patience: number; monitor: 'loss' | 'val_loss' };
  restoreBest: boolean;
  seed?: number;
  shuffle: boolean;
  save: string;
}

/** A task field's checked value, if it has the given kind. */
export const field = <T extends Value['kind']>(t: TaskIR, name: string, kind: T) => {
  const v = t.fields.get(name);
  return v?.kind === kind ? (v as Extract<Value, { kind: T }>) : undefined;
};
const num = (v: Value | undefined, def: number) => (v?.kind === 'int' || v?.kind === 'float' ? v.value : def);

/** `rmsprop(lr: 0.01)` → { name: 'rmsprop', params: { lr: 0.01, rho: 0.9, ... } } (defaults
 *  from the optimizer table); the emitter prints the same object. */
export function optimizerSpec(v: Value | undefined): { name: string; params: Record<string, number> } {
  const name = v?.kind === 'call' ? v.name : 'adam';
  const params: Record<string, number> = {};
  for (const p of OPTIMIZERS.get(name)?.params ?? []) {
    const a = (v?.kind === 'call' ? v.args.get(p.name) : undefined) ?? p.default;
    if (a?.kind === 'float' || a?.kind === 'int') params[p.name] = a.value;
  }
  return { name, params };
}

/** The checked train block's fields as the shared procedure takes them. */
export function trainFields(task: TaskIR): PlainTrainFields {
  const es = field(task, 'early_stopping', 'map');
  return {
    loss: field(task, 'loss', 'enum')!.name,
    optimizer: optimizerSpec(task.fields.get('optimizer')),
    epochs: num(task.fields.get('epochs'), 10),
    batchSize: num(task.fields.get('batch_size'), 32),
    validationSplit: num(task.fields.get('validation_split'), 0),
    metrics: (field(task, 'metrics', 'list')?.items ?? []).map((m) => (m.kind === 'enum' ? m.name : '')),
    earlyStopping: es ? { patience: num(es.entries.get('patience'), 3), monitor: (es.entries.get('monitor') as { name: 'loss' | 'val_loss' }).name } : undefined,
    restoreBest: field(task, 'restore_best', 'bool')?.value ?? true,
    seed: field(task, 'seed', 'int')?.value,
    shuffle: field(task, 'shuffle', 'bool')?.value ?? true,
    save: field(task, 'save', 'string')?.value ?? `out/${task.model!.name.toLowerCase()}`,
  };
}

