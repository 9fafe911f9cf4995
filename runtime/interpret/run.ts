// `nnc run`: executes the tasks of a checked program. Data are loaded and the model's named
// dims bound from them (vocab → 57), data that do not fit the model are refused before any
// training, then each task's procedure runs.
import type { TaskIR } from '../../compiler/ir.js';
import { Dim } from '../../compiler/shapes/dim.js';
import { formatShape, shape } from '../../compiler/shapes/shape.js';
import { unifyShapes } from '../../compiler/shapes/unify.js';
import { dreamFields, field, ganFields, generateFields, modelField, styleFields, trainFields, vaeFields } from '../../compiler/tasks/fields.js';
import type { DataValue } from '../../compiler/ir.js';
import { dirname } from 'node:path';
import { concreteShapes, type RuntimeData } from '../data/column.js';
import { makeLoader } from './loaders.js';
import { buildModel, type Bindings } from './build.js';
import type { Session } from '../session.js';
import { runDreamTask } from '../tasks/dream.js';
import { runGanTask } from '../tasks/gan.js';
import { runStyleTask } from '../tasks/style.js';
import { runGenerateTask } from '../tasks/generate.js';
import type { TaskOutcome } from '../tasks/outcome.js';
import { runTrainTask, type TrainFields } from '../tasks/train-task.js';
import { runVaeTask } from '../tasks/vae.js';
import type { LossName } from '../tasks/vocab.js';
import { fault } from '../errors.js';

export type Load = (v: DataValue) => Promise<RuntimeData>;

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


async function runTrain(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  const data = await load(task.data!);
  const bindings = modelBindings(task, dataDims(task.data!, data));
  const valValue = field(task, 'validation_data', 'data');
  const dims = Object.fromEntries([...bindings].filter(([, d]) => d.value !== undefined).map(([k, d]) => [k, d.value!]));
  // Spelled out (no cast) so the compiler's plain fields and the runtime's TrainFields,
  // which cannot import each other's types, are checked against each other here.
  const plain = trainFields(task);
  const fields: TrainFields = { ...plain, loss: plain.loss as LossName };
  return runTrainTask({
    name: task.name, baseDir: dirname(file), data, validationData: valValue ? await load(valValue.data) : undefined,
    fields, build: () => buildModel(task.model!, bindings), dims,
  }, s);
}

async function runVae(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  const encoder = modelField(task, 'encoder'), decoder = modelField(task, 'decoder');
  return runVaeTask({
    name: task.name, baseDir: dirname(file), data: await load(task.data!), fields: vaeFields(task),
    encoder: () => buildModel(encoder, new Map()), decoder: () => buildModel(decoder, new Map()),
  }, s);
}

async function runGan(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  const generator = modelField(task, 'generator'), discriminator = modelField(task, 'discriminator');
  return runGanTask({
    name: task.name, baseDir: dirname(file), data: await load(task.data!), fields: ganFields(task),
    generator: () => buildModel(generator, new Map()), discriminator: () => buildModel(discriminator, new Map()),
  }, s);
}

async function runGenerate(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  return runGenerateTask({ name: task.name, baseDir: dirname(file), data: await load(task.data!), fields: generateFields(task) }, s);
}

async function runDream(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  return runDreamTask({ name: task.name, baseDir: dirname(file), data: await load(task.data!), fields: dreamFields(task) }, s);
}

async function runStyle(task: TaskIR, file: string, load: Load, s: Session): Promise<TaskOutcome> {
  const style = field(task, 'style', 'data')!;
  return runStyleTask({ name: task.name, baseDir: dirname(file), data: await load(task.data!), style: await load(style.data), fields: styleFields(task) }, s);
}

/** One procedure per task kind (the kinds of compiler/tasks/schemas.ts). */
export const TASK_PROCEDURES: ReadonlyMap<string, (task: TaskIR, file: string, load: Load, s: Session) => Promise<TaskOutcome>> = new Map([
  ['train', runTrain],
  ['vae', runVae],
  ['gan', runGan],
  ['generate_text', runGenerate],
  ['dream', runDream],
  ['style_transfer', runStyle],
]);

/** Runs the tasks in order, telling each outcome; stops after a NaN or an interrupt.
 *  Returns the exit code. `load` is for tests that share loaded data between runs. */
export async function runTasks(file: string, tasks: readonly TaskIR[], s: Session, load: Load = makeLoader(dirname(file))): Promise<number> {
  for (const task of tasks) {
    const proc = TASK_PROCEDURES.get(task.kind);
    if (!proc) throw fault('data', `nnc run cannot run ${task.kind} tasks yet`);
    const code = s.report(await proc(task, file, load, s));
    if (code) return code;
  }
  return 0;
}
