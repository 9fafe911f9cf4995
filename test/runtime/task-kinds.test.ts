// Each task kind is one compiler entry and one procedure: the names the emitter imports are the
// procedure the interpreter calls, and a procedure that does not take what the entry makes
// fails to compile (the @ts-expect-error lines below are checked by `tsc` in npm test).
import { describe, expect, it } from 'vitest';
import { TASK_KINDS, TASKS } from '../../compiler/tasks/index.js';
import { defineTaskKind } from '../../compiler/tasks/kind.js';
import { TASK_PROCEDURES, taskKind } from '../../runtime/interpret/task-kinds.js';
import { runDreamTask } from '../../runtime/tasks/dream.js';
import { runGanTask } from '../../runtime/tasks/gan.js';
import { runStyleTask } from '../../runtime/tasks/style.js';
import { runTrainTask } from '../../runtime/tasks/train-task.js';
import { runVaeTask } from '../../runtime/tasks/vae.js';

describe('task kinds', () => {
  it('every kind has its procedure, exported under the name and module the emitter imports', async () => {
    expect(Object.keys(TASK_PROCEDURES).sort()).toEqual([...TASKS.keys()].sort());
    for (const [name, interpreted] of Object.entries(TASK_PROCEDURES)) {
      expect(interpreted.kind).toBe(TASKS.get(name));
      const { module, procedure } = interpreted.kind.runtime;
      const exported = (await import(`../../runtime/tasks/${module}.ts`) as Record<string, unknown>)[procedure];
      expect(exported, `${name}: runtime/tasks/${module}.ts exports ${procedure}`).toBe(interpreted.procedure);
    }
  });

  it('a procedure that does not take what the entry makes is a type error', () => {
    // Type-level cases; the calls only build table entries, nothing runs.
    // @ts-expect-error: another kind's procedure
    taskKind(TASK_KINDS.vae, runGanTask);
    const renamed = defineTaskKind({ ...TASK_KINDS.train, lower: (t) => {
      const { batchSize, ...rest } = TASK_KINDS.train.lower(t);
      return { ...rest, batch_size: batchSize };
    } });
    // @ts-expect-error: a field renamed in the lowering
    taskKind(renamed, runTrainTask);
    const widened = defineTaskKind({ ...TASK_KINDS.gan, lower: (t) => ({ ...TASK_KINDS.gan.lower(t), pixels: 'signed' as 'signed' | 'bgr' }) });
    // @ts-expect-error: an enum value the procedure does not know
    taskKind(widened, runGanTask);
    const unknownPixels = defineTaskKind({ ...TASK_KINDS.dream, lower: (t) => ({ ...TASK_KINDS.dream.lower(t), network: { kind: 'checkpoint' as const, folder: 'x', pixels: 'bgr' as const } }) });
    // @ts-expect-error: a pixel range the runtime cannot preprocess
    taskKind(unknownPixels, runDreamTask);
    const oneModel = defineTaskKind({ ...TASK_KINDS.vae, inputs: { encoder: { kind: 'model', field: 'encoder' } } });
    // @ts-expect-error: a model input missing
    taskKind(oneModel, runVaeTask);
    const optionalStyle = defineTaskKind({ ...TASK_KINDS.style_transfer, inputs: { style: { kind: 'data', field: 'style', optional: true } } });
    // @ts-expect-error: optional data where the procedure needs it
    taskKind(optionalStyle, runStyleTask);
    expect(taskKind(TASK_KINDS.train, runTrainTask).kind).toBe(TASK_KINDS.train);
  });
});
