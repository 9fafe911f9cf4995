// A checked train block's fields as plain data, every default filled: what the runtime's
// train procedure takes, and what the emitter prints as a literal.
import type { ModelIR, TaskIR } from '../ir.js';
import type { Value } from '../ir.js';
import { OPTIMIZERS } from './schemas.js';
import type { PixelRange } from '../pretrained/topology.js';

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
/** A number field. The checker filled every default from the task schema, so the value is
 *  there; the defaults live in the schema alone. */
function num(v: Value | undefined, name: string): number {
  if (v?.kind === 'int' || v?.kind === 'float') return v.value;
  throw new Error(`internal: field ${name} is ${v?.kind ?? 'missing'}, not a number`);
}
const numField = (task: TaskIR, name: string) => num(task.fields.get(name), name);

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
    epochs: numField(task, 'epochs'),
    batchSize: numField(task, 'batch_size'),
    validationSplit: numField(task, 'validation_split'),
    metrics: (field(task, 'metrics', 'list')?.items ?? []).map((m) => (m.kind === 'enum' ? m.name : '')),
    earlyStopping: es ? { patience: num(es.entries.get('patience'), 'early_stopping.patience'), monitor: (es.entries.get('monitor') as { name: 'loss' | 'val_loss' }).name } : undefined,
    restoreBest: field(task, 'restore_best', 'bool')?.value ?? true,
    seed: field(task, 'seed', 'int')?.value,
    shuffle: field(task, 'shuffle', 'bool')?.value ?? true,
    save: field(task, 'save', 'string')?.value ?? `out/${task.model!.name.toLowerCase()}`,
  };
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

const saveOf = (task: TaskIR) => field(task, 'save', 'string')?.value ?? `out/${task.name.toLowerCase()}`;

export interface PlainVaeFields {
  reconstruction: 'binary_crossentropy' | 'mse'; klWeight: number; optimizer: { name: string; params: Record<string, number> };
  epochs: number; batchSize: number; grid: number; seed?: number; save: string;
}

export function vaeFields(task: TaskIR): PlainVaeFields {
  return {
    reconstruction: (field(task, 'reconstruction', 'enum')?.name ?? 'binary_crossentropy') as PlainVaeFields['reconstruction'],
    klWeight: numField(task, 'kl_weight'),
    optimizer: optimizerSpec(task.fields.get('optimizer')),
    epochs: numField(task, 'epochs'),
    batchSize: numField(task, 'batch_size'),
    grid: numField(task, 'grid'),
    seed: field(task, 'seed', 'int')?.value,
    save: saveOf(task),
  };
}

export interface PlainGanFields {
  steps: number; batchSize: number; dOptimizer: { name: string; params: Record<string, number> }; gOptimizer: { name: string; params: Record<string, number> };
  clipValue: number; pixels: 'signed' | 'unit'; labelNoise: number; sampleEvery: number; grid: number; seed?: number; save: string;
}

export function ganFields(task: TaskIR): PlainGanFields {
  return {
    steps: numField(task, 'steps'),
    batchSize: numField(task, 'batch_size'),
    dOptimizer: optimizerSpec(task.fields.get('d_optimizer')),
    gOptimizer: optimizerSpec(task.fields.get('g_optimizer')),
    clipValue: numField(task, 'clip_value'),
    // The checker admitted only the schema's enum values.
    pixels: (field(task, 'pixels', 'enum')?.name ?? 'signed') as PlainGanFields['pixels'],
    labelNoise: numField(task, 'label_noise'),
    sampleEvery: numField(task, 'sample_every'),
    grid: numField(task, 'grid'),
    seed: field(task, 'seed', 'int')?.value,
    save: saveOf(task),
  };
}

export interface PlainGenerateFields {
  checkpoint: string; temperatures: number[]; length: number; seedText: string | null; seed?: number; save: string;
}

export function generateFields(task: TaskIR): PlainGenerateFields {
  return {
    checkpoint: field(task, 'checkpoint', 'string')!.value, // filled by the checker when not given
    temperatures: (field(task, 'temperatures', 'list')?.items ?? []).map((t) => num(t, 'temperatures')),
    length: numField(task, 'length'),
    seedText: field(task, 'seed_text', 'string')?.value ?? null,
    seed: field(task, 'seed', 'int')?.value,
    save: field(task, 'save', 'string')?.value ?? `out/${task.name.toLowerCase()}_text`,
  };
}

/** Where a dream or style task's network comes from, as the runtime loads it: a pretrained
 *  model (packaged or a model.json) or the checkpoint folder of a model of the file. */
export type PlainNetwork =
  | { kind: 'package'; npm: string; folder: string; label: string; pixels: PixelRange }
  | { kind: 'file'; path: string; weights: string | null; pixels: PixelRange }
  | { kind: 'checkpoint'; folder: string; pixels: PixelRange };

function networkOf(task: TaskIR): PlainNetwork {
  const v = task.fields.get('network');
  if (v?.kind === 'pretrained') {
    const { location, pixels } = v.pretrained;
    return location.kind === 'package' ? { kind: 'package', npm: location.npm, folder: location.folder, label: v.pretrained.label, pixels } : { kind: 'file', path: location.path, weights: location.weights, pixels };
  }
  // A model of the file: the checker required `weights`, the folder its train task saved.
  return { kind: 'checkpoint', folder: field(task, 'weights', 'string')!.value, pixels: 'unit' };
}

export interface PlainDreamFields {
  network: PlainNetwork; layers: Record<string, number>; octaves: number; octaveScale: number; iterations: number;
  step: number; maxLoss: number; normalizeGradient: boolean; detail: boolean; save: string;
}

export function dreamFields(task: TaskIR): PlainDreamFields {
  const layers = field(task, 'layers', 'map')!;
  return {
    network: networkOf(task),
    layers: Object.fromEntries([...layers.entries].map(([k, v]) => [k, num(v, `layers.${k}`)])),
    octaves: numField(task, 'octaves'),
    octaveScale: numField(task, 'octave_scale'),
    iterations: numField(task, 'iterations'),
    step: numField(task, 'step'),
    maxLoss: numField(task, 'max_loss'),
    normalizeGradient: field(task, 'normalize_gradient', 'bool')!.value,
    detail: field(task, 'detail', 'bool')!.value,
    save: saveOf(task),
  };
}

export interface PlainStyleFields {
  network: PlainNetwork; contentLayer: string; styleLayers: string[]; contentWeight: number; styleWeight: number; tvWeight: number;
  optimizer: { name: string; params: Record<string, number> }; iterations: number; saveEvery: number; save: string;
}

export function styleFields(task: TaskIR): PlainStyleFields {
  return {
    network: networkOf(task),
    contentLayer: field(task, 'content_layer', 'string')!.value,
    styleLayers: field(task, 'style_layers', 'list')!.items.map((i) => (i.kind === 'string' ? i.value : '')),
    contentWeight: numField(task, 'content_weight'),
    styleWeight: numField(task, 'style_weight'),
    tvWeight: numField(task, 'tv_weight'),
    optimizer: optimizerSpec(task.fields.get('optimizer')),
    iterations: numField(task, 'iterations'),
    saveEvery: numField(task, 'save_every'),
    save: saveOf(task),
  };
}
