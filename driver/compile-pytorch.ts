// `nnc compile FILE --target pytorch -o DIR`: the Python package of compiler/emit/pytorch,
// its fixed helper files, and each train task's samples as .npy files (data/NAME/x.npy,
// y.npy), so train.py needs neither nnc nor the npm data packages. The data are loaded as
// `nnc run` loads them (same sources, same normalisation and windows), which also binds
// named dims such as `vocab` into the emitted models.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskIR } from '../compiler/ir.js';
import { renderText } from '../compiler/render.js';
import { TASK_KINDS } from '../compiler/tasks/index.js';
import { emitPytorch, PYTORCH_HELPERS, pytorchRefusals, refusalDiagnostic, type ExportedColumn, type ExportedTaskData } from '../compiler/emit/pytorch/emit.js';
import { pyIdent } from '../compiler/emit/pytorch/python.js';
import { DenseColumn, NamedColumns, OneHotColumn, type Column } from '../runtime/data/column.js';
import { fault } from '../runtime/errors.js';
import { makeLoader } from '../runtime/interpret/loaders.js';
import { procedureArgs } from '../runtime/interpret/task-args.js';
import { trainingData } from '../runtime/tasks/train-task.js';
import { checkedOrExitCode } from './checked.js';
import { writeEmitted } from './compile.js';
import { npyBytes } from './npy.js';
import { PACKAGE_ROOT } from './package-root.js';

const HELPERS = join(PACKAGE_ROOT, 'compiler', 'emit', 'pytorch');
/** Exports past this size are refused: train.py memory-maps them, but the disk is the user's. */
const MAX_EXPORT_BYTES = 2 ** 30;

type Io = { out: (s: string) => void; err: (s: string) => void };

/** A column's rows as one contiguous array: ids for one-hot columns (expanded by train.py). */
async function columnArray(c: Column): Promise<{ data: Float32Array | Int32Array; shape: number[]; oneHot?: number }> {
  if (c instanceof OneHotColumn) return { ...(await columnArray(c.ids)), oneHot: c.depth };
  if (c instanceof DenseColumn) {
    const data = c.dtype === 'int32' ? new Int32Array(c.n * c.rowSize) : new Float32Array(c.n * c.rowSize);
    for (let i = 0; i < c.n; i++) data.set(c.row(i), i * c.rowSize);
    return { data, shape: [c.n, ...c.sampleShape] };
  }
  const size = c.sampleShape.reduce((a, b) => a * b, 1);
  const data = c.dtype === 'int32' ? new Int32Array(c.n * size) : new Float32Array(c.n * size);
  for (let at = 0; at < c.n; at += 4096) {
    const t = c.gather(Array.from({ length: Math.min(4096, c.n - at) }, (_, i) => at + i));
    data.set(await t.data() as Float32Array | Int32Array, at * size);
    t.dispose();
  }
  return { data, shape: [c.n, ...c.sampleShape] };
}

/** Exported files by a hash of their bytes: tasks on the same data share one copy. */
type Exports = { files: Map<string, Uint8Array>; byHash: Map<string, string> };

async function exportTask(task: TaskIR, dataName: string, file: string, out: Exports): Promise<ExportedTaskData> {
  const args = await procedureArgs(TASK_KINDS.train, task, file, makeLoader(dirname(file)));
  const d = trainingData(args.data, `train ${task.name}`, args.fields.loss);
  if (d.x instanceof NamedColumns || d.y instanceof NamedColumns) throw fault('emit', `train ${task.name}: a model of several ${d.x instanceof NamedColumns ? 'inputs' : 'outputs'} cannot be compiled for PyTorch yet; nnc run and nnc compile (TypeScript) train it`);
  const folder = `data/${pyIdent(dataName)}`;
  const column = async (c: Column, name: string): Promise<ExportedColumn> => {
    const a = await columnArray(c);
    const bytes = npyBytes(a.data, a.shape);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const rel = out.byHash.get(hash) ?? `${folder}/${name}.npy`;
    out.byHash.set(hash, rel);
    out.files.set(rel, bytes);
    return { file: rel, ...(a.oneHot && { oneHot: a.oneHot }) };
  };
  const v = args.validationData && trainingData(args.validationData, 'validation_data', args.fields.loss);
  const validation = v && !(v.x instanceof NamedColumns) && !(v.y instanceof NamedColumns) && { x: await column(v.x, 'validation_x'), y: await column(v.y, 'validation_y') };
  return { x: await column(d.x, 'x'), y: await column(d.y, 'y'), ...(validation && { validation }), dims: args.dims ?? {} };
}

export async function compilePytorchCommand(file: string, outDir: string, force: boolean, io: Io): Promise<number> {
  const result = checkedOrExitCode(file, io.err);
  if (result === 1) return 1;
  const program = result.program!;
  const early = pytorchRefusals(program);
  if (early.length) {
    io.err(renderText(early.map(refusalDiagnostic), result.sources));
    return 1;
  }
  const binary = new Map<string, Uint8Array>();
  const data = new Map<TaskIR, ExportedTaskData>();
  const exports: Exports = { files: binary, byHash: new Map() };
  for (const task of program.tasks) {
    if (task.kind !== 'train') continue;
    // Named after the file's `data` declaration when the task trains on one.
    const declared = [...program.data.values()].find((d) => d.value === task.data)?.name ?? task.name;
    data.set(task, await exportTask(task, declared, resolve(file), exports));
  }
  const bytes = [...binary.values()].reduce((a, b) => a + b.length, 0);
  if (bytes > MAX_EXPORT_BYTES) throw fault('emit', `the train tasks' data would take ${(bytes / 2 ** 30).toFixed(1)} GiB as .npy files; nnc compile --target pytorch exports at most 1 GiB`);
  const emitted = emitPytorch(program, file, data);
  if (emitted.refusals.length) {
    io.err(renderText(emitted.refusals.map(refusalDiagnostic), result.sources));
    return 1;
  }
  const files = new Map<string, string | Uint8Array>(emitted.files);
  for (const helper of PYTORCH_HELPERS) files.set(helper, readFileSync(join(HELPERS, helper), 'utf8'));
  for (const [rel, b] of binary) files.set(rel, b);
  const out = resolve(outDir);
  writeEmitted(out, files, file, force);
  const where = relative(process.cwd(), out) || '.';
  io.out(`wrote ${files.size} files to ${out}; train with: cd ${where} && python3 train.py (several processes: torchrun --nproc_per_node=N train.py, docs/pytorch.md)\n`);
  return 0;
}
