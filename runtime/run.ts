// `nnc run`: executes the tasks of a checked program. Data are loaded and the model's named
// dims bound from them (vocab → 57), data that do not fit the model are refused before any
// training, then each task's procedure runs.
import type { TaskIR } from '../compiler/ir.js';
import { Dim } from '../compiler/shapes/dim.js';
import { formatShape, shape } from '../compiler/shapes/shape.js';
import { unifyShapes } from '../compiler/shapes/unify.js';
import { OPTIMIZERS } from '../compiler/tasks/schemas.js';
import type { DataValue, Value } from '../compiler/values.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { concreteShapes, type RuntimeData } from './data/column.js';
import { DataError } from './data/errors.js';
import { makeLoader } from './data/loaders.js';
import { buildModel, type Bindings } from './model/build.js';
import { seedGlobalRandom } from './random.js';
import type { Reporter } from './progress.js';
import { train, type TrainData, type TrainResult } from './tasks/train.js';
import { makeOptimizer, type TFJS_LOSSES } from './tasks/vocab.js';

export interface RunOptions {
  seed?: number;
  resume: boolean;
  /** Output folder for all tasks (overrides each task's `save`). */
  out?: string;
  reporter: Reporter;
  interrupt: { requested: boolean };
}

type Load = (v: DataValue) => Promise<RuntimeData>;

const field = <T extends Value['kind']>(t: TaskIR, name: string, kind: T) => {
  const v = t.fields.get(name);
  return v?.kind === kind ? (v as Extract<Value, { kind: T }>) : undefined;
};

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
    if (unifyShapes(want, actual, env, flexible)) throw new DataError(`${v.source}() produced ${formatShape(actual)} where ${formatShape(want)} was expected`);
  }
  return env;
}

async function trainingData(v: DataValue, load: Load, what: string): Promise<{ data: TrainData; env: Map<string, Dim> }> {
  const d = await load(v);
  if (d.kind !== 'dataset' || !d.y) throw new DataError(`${what} needs examples with targets`);
  return { data: { x: d.x, y: d.y, info: d.info }, env: dataDims(v, d) };
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
  return out;
}

function refuseMisfit(task: TaskIR, data: TrainData, bindings: Bindings) {
  const model = task.model!;
  const input = model.nodes[model.inputs[0]!.node]!.shape.dims.slice(1).map((d) => d.substitute(bindings).value);
  const have = data.x.sampleShape;
  if (input.length !== have.length || input.some((d, i) => d !== undefined && d !== have[i])) {
    throw new DataError(`the data's samples are [${have.join(', ')}] but ${model.name} takes [${input.map((d) => d ?? '?').join(', ')}]`);
  }
}

const num = (v: Value | undefined, def: number) => (v?.kind === 'int' || v?.kind === 'float' ? v.value : def);

async function runTrain(task: TaskIR, file: string, load: Load, o: RunOptions): Promise<TrainResult> {
  const { data, env } = await trainingData(task.data!, load, `train ${task.name}`);
  const bindings = modelBindings(task, env);
  refuseMisfit(task, data, bindings);
  const valValue = field(task, 'validation_data', 'data');
  const validationData = valValue ? (await trainingData(valValue.data, load, 'validation_data')).data : undefined;
  const baseDir = dirname(file);
  const save = field(task, 'save', 'string')?.value ?? `out/${task.model!.name.toLowerCase()}`;
  const outDir = o.out ?? (isAbsolute(save) ? save : resolve(baseDir, save));
  const seed = o.seed ?? field(task, 'seed', 'int')?.value ?? Math.floor(Math.random() * 2 ** 31);
  const opt = task.fields.get('optimizer')!;
  const optDefaults = new Map((OPTIMIZERS.get(opt.kind === 'call' ? opt.name : 'adam')?.params ?? []).map((p) => [p.name, p.default!]));
  const es = field(task, 'early_stopping', 'map');
  const boundDims = [...bindings].filter(([, d]) => d.value !== undefined).map(([k, d]) => `${k} = ${d}`);
  seedGlobalRandom(seed);
  o.reporter.line(`train ${task.name}: ${data.x.n} samples of [${data.x.sampleShape.join(', ')}]${boundDims.length ? ` (${boundDims.join(', ')})` : ''}, seed ${seed}, saving to ${outDir}`);
  return train({
    name: task.name,
    build: () => buildModel(task.model!, bindings),
    data, validationData,
    validationSplit: num(task.fields.get('validation_split'), 0),
    loss: (field(task, 'loss', 'enum')!.name) as keyof typeof TFJS_LOSSES,
    optimizer: () => makeOptimizer(opt, optDefaults),
    metrics: (field(task, 'metrics', 'list')?.items ?? []).map((m) => (m.kind === 'enum' ? m.name : '')),
    epochs: num(task.fields.get('epochs'), 10),
    batchSize: num(task.fields.get('batch_size'), 32),
    shuffle: field(task, 'shuffle', 'bool')?.value ?? true,
    restoreBest: field(task, 'restore_best', 'bool')?.value ?? true,
    earlyStopping: es ? { patience: num(es.entries.get('patience'), 3), monitor: (es.entries.get('monitor') as { name: 'loss' | 'val_loss' }).name } : undefined,
    seed, outDir, resume: o.resume, reporter: o.reporter, interrupt: o.interrupt,
    extraState: data.info.vocab ? { vocab: data.info.vocab } : undefined,
  });
}

/** One procedure per task kind (the kinds of compiler/tasks/schemas.ts). */
export const TASK_PROCEDURES: ReadonlyMap<string, (task: TaskIR, file: string, load: Load, o: RunOptions) => Promise<TrainResult>> = new Map([
  ['train', runTrain],
]);

export async function runTasks(file: string, tasks: readonly TaskIR[], o: RunOptions): Promise<TrainResult[]> {
  const load = makeLoader(dirname(file));
  const results: TrainResult[] = [];
  for (const task of tasks) {
    const proc = TASK_PROCEDURES.get(task.kind);
    if (!proc) throw new DataError(`nnc run cannot run ${task.kind} tasks yet`);
    const r = await proc(task, file, load, o);
    results.push(r);
    if (r.status === 'nan' || r.status === 'interrupted') break;
  }
  return results;
}
