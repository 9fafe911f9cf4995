// A run of tasks, as `nnc run` and emitted programs start it: flags, the backend (printed),
// Ctrl-C handling, the reporter, and how a task's result is told and turned into an exit code.
import { selectBackend } from './backend.js';
import { prepareOutputFolder } from './io/atomic.js';
import { lockOutputFolder, releaseOutputFolders } from './io/lock.js';
import { parseRunFlags, type RunFlags } from './flags.js';
import { consoleReporter, type Reporter } from './progress.js';
import type { TaskOutcome } from './tasks/outcome.js';
import { describeError, fault } from './errors.js';
import { taskList, taskSelected, type TaskRef } from './tasks/select.js';

export interface Session {
  flags: RunFlags;
  reporter: Reporter;
  interrupt: { requested: boolean };
  /** Prints a task's outcome; returns the exit code it implies (0, 1 for NaN, 130 for Ctrl-C). */
  report(r: TaskOutcome): number;
  /** Runs a data load with no SIGINT listener at all (ours, the lock's), so Ctrl-C ends the
   *  process at once: a load is synchronous, no listener could run before it ends, and
   *  nothing is being written then. */
  loading<T>(load: () => Promise<T> | T): Promise<T>;
  close(): void;
}

/** A closed pipe (`nnc run x | head`) ends the run quietly, as SIGPIPE ends other tools
 *  (exit 141, 128 + SIGPIPE), instead of an uncaught EPIPE. */
let pipeWatched = false;
function quietOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(141); throw e; });
  }
}

export async function startSession(flags: RunFlags, reporter: Reporter = consoleReporter(), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<Session> {
  quietOnClosedPipe();
  // --out is checked before the backend starts or any data are loaded.
  if (flags.out) {
    prepareOutputFolder(flags.out);
    lockOutputFolder(flags.out);
  }
  const backend = await selectBackend(flags.backend);
  reporter.line(`backend: ${backend.name} (${backend.detail})`);
  if (backend.passedOver?.length) reporter.line(`  auto passed over ${backend.passedOver.join('; ')}`);
  const interrupt = { requested: false };
  const onSigint = () => {
    if (interrupt.requested) process.exit(130);
    interrupt.requested = true;
    err('\ninterrupt: finishing this step and saving a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  return {
    flags, reporter, interrupt,
    report(r) {
      reporter.line(r.message);
      for (const b of [...(r.baseline ? [r.baseline] : []), ...(r.baselines ?? [])]) {
        const better = b.metric.endsWith('accuracy') ? b.model > b.baseline : b.model < b.baseline;
        reporter.line(`${b.metric}: model ${b.model.toFixed(4)} vs ${b.name} ${b.baseline.toFixed(4)} (${better ? 'beats' : 'does not beat'} the baseline)`);
      }
      return r.status === 'nan' ? 1 : r.status === 'interrupted' ? 130 : 0;
    },
    async loading(load) {
      const held = process.listeners('SIGINT');
      process.removeAllListeners('SIGINT');
      try {
        return await load();
      } finally {
        for (const l of held) process.on('SIGINT', l);
      }
    },
    close() {
      process.off('SIGINT', onSigint);
      releaseOutputFolders();
    },
  };
}

/** `--backend wasm --seed 3 --resume --out DIR --task NAME`, as `nnc run` takes them (flags.ts); for emitted programs. */
export function parseFlags(argv: readonly string[]): RunFlags {
  const read = parseRunFlags(argv);
  if ('error' in read) throw fault('flag', read.error);
  return read.flags;
}

/** The main of an emitted program: flags, session, the tasks (those of `declared` that
 *  `--task` selects: `tasks` asks `wants` before each), an exit code; an error is one line and
 *  an exit code, as describeError maps it (2 for bad input, 70 for a bug). */
export async function runMain(argv: readonly string[], declared: readonly TaskRef[], tasks: (s: Session, wants: (kind: string, name: string) => boolean) => Promise<number>): Promise<never> {
  let code: number;
  try {
    const flags = parseFlags(argv);
    const filter = flags.task;
    // Checked before the backend starts, as `nnc run` checks it before loading anything.
    if (filter !== undefined && !declared.some((t) => taskSelected(filter, t))) throw fault('flag', `no task ${filter} (tasks: ${taskList(declared)})`);
    const session = await startSession(flags);
    try {
      code = await tasks(session, (kind, name) => filter === undefined || taskSelected(filter, { kind, name }));
    } finally {
      session.close();
    }
  } catch (err) {
    const { exitCode, line } = describeError(err);
    process.stderr.write(`error: ${line}\n`);
    code = exitCode;
  }
  process.exit(code);
}
