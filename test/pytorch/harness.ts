// What the PyTorch tests share: whether /usr/bin/python3 has torch (they skip without it),
// emitting a checked program's package into a folder, and tfjs checkpoints with random
// weights to compare against.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { CheckedProgram, TaskIR } from '../../compiler/ir.js';
import { emitPytorch, PYTORCH_HELPERS, type ExportedTaskData } from '../../compiler/emit/pytorch/emit.js';
import { Dim } from '../../compiler/shapes/dim.js';
import { npyBytes } from '../../driver/npy.js';
import { buildModel } from '../../runtime/interpret/build.js';
import { saveCheckpoint } from '../../runtime/io/checkpoint.js';
import { mulberry32 } from '../../runtime/random.js';

/** Debian's python3-torch installs into the system Python, which a pyenv python3 does not
 *  see; NNC_PYTHON names another (NNC_PYTHON=/nonexistent shows the skipped run). */
export const PYTHON = process.env['NNC_PYTHON'] ?? '/usr/bin/python3';
export const HAS_TORCH = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
export const NO_TORCH = `skipped: ${PYTHON} has no torch (apt-get install python3-torch)`;

const HELPERS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'compiler', 'emit', 'pytorch');

export function python(args: string[], cwd?: string, env: Record<string, string> = {}) {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes the emitted package of `program`'s models (its tasks other than train left out)
 *  into `dir`, with named dims bound by `dims`. */
export function emitInto(program: CheckedProgram, dir: string, dims: Record<string, number> = {}): void {
  const trainOnly = { ...program, tasks: program.tasks.filter((t) => t.kind === 'train') };
  const data = new Map<TaskIR, ExportedTaskData>(trainOnly.tasks.map((t) => [t, { x: { file: 'x.npy' }, y: { file: 'y.npy' }, dims }]));
  const r = emitPytorch(trainOnly, program.file, data);
  expect(r.refusals.map((x) => `${x.model}.${x.node}: ${x.reason}`)).toEqual([]);
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of r.files) writeFileSync(join(dir, rel), text);
  for (const h of PYTORCH_HELPERS) writeFileSync(join(dir, h), readFileSync(join(HELPERS, h)));
}

/** A seeded pseudo-random generator (the runtime's mulberry32), so a failure repeats. */
export const random = mulberry32;

/** Builds `model` in tfjs with random weights (variances positive), saves it as a checkpoint
 *  in `dir`/ckpt, and writes random inputs and the tfjs outputs as .npy files. */
export async function tfjsReference(program: CheckedProgram, model: string, dir: string, dims: Record<string, number>, seed: number, batch = 3) {
  const ir = program.models.get(model)!;
  const bindings = new Map(Object.entries(dims).map(([k, v]) => [k, Dim.const(v)]));
  const m = buildModel(ir, bindings);
  const rand = random(seed);
  m.setWeights(m.weights.map((w) => {
    const shape = w.shape as number[]; // a weight's shape is always known
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, () => (w.originalName.endsWith('variance') ? 0.5 + rand() : (rand() - 0.5) * 1.2));
    return tf.tensor(values, shape);
  }));
  await saveCheckpoint(m, join(dir, 'ckpt'), 'e1', {});
  const inputs = m.inputs.map((inp, i) => {
    const shape = [batch, ...inp.shape.slice(1).map((d) => d!)];
    const n = shape.reduce((a, b) => a * b, 1);
    const ints = inp.dtype === 'int32';
    const data = ints ? Int32Array.from({ length: n }, () => Math.floor(rand() * 5)) : Float32Array.from({ length: n }, () => rand() * 2 - 1);
    writeFileSync(join(dir, `in${i}.npy`), npyBytes(data, shape));
    return tf.tensor(data, shape, inp.dtype);
  });
  const out = m.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  outs.forEach((o, i) => writeFileSync(join(dir, `out${i}.npy`), npyBytes(o.dataSync() as Float32Array, o.shape)));
  return { inputs: inputs.length, outputs: outs.length, model: m };
}
