// The task kinds as `nnc run` runs them: each compiler entry (compiler/tasks/kinds/) with its
// procedure (runtime/tasks/). `taskKind` is where the two halves meet in one type: the
// procedure must take what the entry's lowering makes (fields) and what its inputs describe
// (models, data), so a field renamed or retyped on one side fails to compile here. The emitted
// program is checked the same way by tsc (test/driver/compile.test.ts).
import type { TaskIR } from '../../compiler/ir.js';
import { TASK_KINDS, type TaskKindName } from '../../compiler/tasks/index.js';
import type { TaskInputs, TaskKind } from '../../compiler/tasks/kind.js';
import type { Session } from '../session.js';
import { runDreamTask } from '../tasks/dream.js';
import { runEvaluateTask } from '../tasks/evaluate.js';
import { runGanTask } from '../tasks/gan.js';
import { runGenerateTask } from '../tasks/generate.js';
import type { TaskOutcome } from '../tasks/outcome.js';
import { runPredictTask } from '../tasks/predict.js';
import { runStyleTask } from '../tasks/style.js';
import { runTrainTask } from '../tasks/train-task.js';
import { runVaeTask } from '../tasks/vae.js';
import { procedureArgs, type Load, type ProcedureArgs } from './task-args.js';

export type Procedure<F, I extends TaskInputs> = (args: ProcedureArgs<F, I>, s: Session) => Promise<TaskOutcome>;

export interface InterpretedKind<K extends string = string> {
  kind: TaskKind<K>;
  /** The procedure itself, for the test that the names the emitter imports (kind.runtime) are its. */
  procedure: unknown;
  run: (task: TaskIR, file: string, load: Load, s: Session) => Promise<TaskOutcome>;
}

/** Pairs an entry with its procedure; F and I come from the entry alone (NoInfer), so the
 *  procedure is checked against them rather than widening them. */
export function taskKind<K extends string, F, I extends TaskInputs>(kind: TaskKind<K, F, I>, procedure: Procedure<NoInfer<F>, NoInfer<I>>): InterpretedKind<K> {
  return {
    kind,
    procedure,
    run: async (task, file, load, s) => procedure(await procedureArgs(kind, task, file, load), s),
  };
}

/** One procedure per kind of compiler/tasks/index.ts: a kind left out fails to compile. */
export const TASK_PROCEDURES: { readonly [K in TaskKindName]: InterpretedKind<K> } = {
  train: taskKind(TASK_KINDS.train, runTrainTask),
  evaluate: taskKind(TASK_KINDS.evaluate, runEvaluateTask),
  predict: taskKind(TASK_KINDS.predict, runPredictTask),
  vae: taskKind(TASK_KINDS.vae, runVaeTask),
  generate_text: taskKind(TASK_KINDS.generate_text, runGenerateTask),
  gan: taskKind(TASK_KINDS.gan, runGanTask),
  dream: taskKind(TASK_KINDS.dream, runDreamTask),
  style_transfer: taskKind(TASK_KINDS.style_transfer, runStyleTask),
};
