// The vocabularies task fields draw on: losses, metrics and optimizers (runtime/tasks/vocab.ts
// gives each its meaning; test/runtime/vocab.test.ts checks the two cover each other).
import type { ParamSpec, ParamType, Value } from '../ir.js';

export const LOSSES = ['mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'huber'] as const;
export const METRICS = ['mae', 'mse', 'accuracy'] as const;

/** A loss field: one loss, or for a model of several outputs one per output name. */
export const LOSS_TYPE = { kind: 'dict', of: { kind: 'enum', values: LOSSES }, keys: 'output names', orOne: true } as const satisfies ParamType;

const f = (name: string, lr: number, extra: ParamSpec[] = []) => ({
  name,
  params: [{ name: 'lr', type: { kind: 'float', min: 0, minExclusive: true }, doc: 'Learning rate.', default: { kind: 'float', value: lr }, positional: true } as ParamSpec, ...extra],
});
const fl = (name: string, doc: string, def: number): ParamSpec => ({ name, type: { kind: 'float', min: 0 }, doc, default: { kind: 'float', value: def } });

export interface CallableDef { name: string; params: readonly ParamSpec[] }

export const OPTIMIZERS: ReadonlyMap<string, CallableDef> = new Map([
  f('adam', 0.001, [fl('beta1', 'Decay of the first moment.', 0.9), fl('beta2', 'Decay of the second moment.', 0.999), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('rmsprop', 0.001, [fl('rho', 'Decay of the squared-gradient average.', 0.9), fl('momentum', 'Momentum.', 0), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('sgd', 0.01, [fl('momentum', 'Momentum (0 for plain SGD).', 0)]),
].map((o) => [o.name, o]));

/** A task field holding an optimizer call, `name(lr: ...)` by default. */
export function optimizerParam(name: string, doc: string, optimizer: string, lr?: number): ParamSpec {
  const args = new Map<string, Value>(lr === undefined ? [] : [['lr', { kind: 'float', value: lr }]]);
  return { name, type: { kind: 'call', table: 'optimizer' }, doc, default: { kind: 'call', table: 'optimizer', name: optimizer, args } };
}
