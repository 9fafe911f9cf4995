// `nnc run`: the CLI edge of the runtime. tfjs is imported only here, on demand, so `nnc
// check` and the LSP start without it.
import { resolve } from 'node:path';
import { checkedOrExitCode } from './checked.js';
import { fault } from '../runtime/errors.js';
import { taskList, taskSelected } from '../runtime/tasks/select.js';
import { runFlagsFrom } from '../runtime/flags.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

/** What commander parsed for `nnc run`: the run flags of runtime/flags.ts, values as strings. */
export interface RunOptions { backend?: string; seed?: string; resume: boolean; task?: string; out?: string }

export async function runCommand(file: string, opts: RunOptions, io: Out): Promise<number> {
  const r = checkedOrExitCode(file, io.err);
  if (r === 1) return 1;
  let tasks = r.program.tasks;
  if (opts.task) {
    const filter = opts.task;
    tasks = tasks.filter((t) => taskSelected(filter, t));
    if (!tasks.length) throw fault('flag', `${file} has no task ${opts.task} (tasks: ${taskList(r.program.tasks)})`);
  }
  if (!tasks.length) {
    io.err(`${file} declares no tasks; nothing to run\n`);
    return 0;
  }
  const read = runFlagsFrom(opts);
  if ('error' in read) throw fault('flag', read.error);
  const flags = read.flags;
  const { startSession } = await import('../runtime/session.js');
  const { runTasks } = await import('../runtime/interpret/run.js');
  const { consoleReporter } = await import('../runtime/progress.js');
  const reporter = consoleReporter();
  const session = await startSession({ ...flags, out: flags.out && resolve(flags.out) }, reporter, io.err);
  try {
    return await runTasks(resolve(file), tasks, session);
  } finally {
    session.close();
  }
}

