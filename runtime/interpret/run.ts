// `nnc run`: executes the tasks of a checked program, each through its kind's procedure
// (task-kinds.ts) with the argument task-args.ts makes.
import { dirname } from 'node:path';
import type { TaskIR } from '../../compiler/ir.js';
import type { Session } from '../session.js';
import { makeLoader } from './loaders.js';
import type { Load } from './task-args.js';
import { TASK_PROCEDURES, type InterpretedKind } from './task-kinds.js';
import { fault } from '../errors.js';

const PROCEDURES: ReadonlyMap<string, InterpretedKind> = new Map(Object.entries(TASK_PROCEDURES));

/** Runs the tasks in order, telling each outcome; stops after a NaN or an interrupt.
 *  Returns the exit code. `load` is for tests that share loaded data between runs. */
export async function runTasks(file: string, tasks: readonly TaskIR[], s: Session, load: Load = makeLoader(dirname(file))): Promise<number> {
  const interruptible: Load = (v) => s.loading(() => load(v));
  for (const task of tasks) {
    const proc = PROCEDURES.get(task.kind);
    if (!proc) throw fault('data', `nnc run cannot run ${task.kind} tasks yet`);
    const code = s.report(await proc.run(task, file, interruptible, s));
    if (code) return code;
  }
  return 0;
}
