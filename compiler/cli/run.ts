// `nnc run`: the CLI edge of the runtime. tfjs is imported only here, on demand, so `nnc
// check` and the LSP start without it.
import { resolve } from 'node:path';
import { check } from '../check/checker.js';
import { renderText } from '../render.js';
import { UserError } from './errors.js';
import { nodeHost, readUserFile } from './host.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

export async function runCommand(file: string, opts: { backend?: string; seed?: string; resume: boolean; task?: string; out?: string }, io: Out): Promise<number> {
  const read = readUserFile(file);
  if ('error' in read) throw new UserError(read.error);
  const r = check(file, nodeHost, read.text);
  if (r.diagnostics.length) {
    io.err(renderText(r.diagnostics, r.sources));
    if (r.diagnostics.some((d) => d.severity === 'error')) return 1;
  }
  let tasks = r.program.tasks;
  if (opts.task) {
    tasks = tasks.filter((t) => t.name === opts.task);
    if (!tasks.length) throw new UserError(`${file} has no task ${opts.task} (tasks: ${r.program.tasks.map((t) => t.name).join(', ') || 'none'})`);
  }
  if (!tasks.length) {
    io.err(`${file} declares no tasks; nothing to run\n`);
    return 0;
  }
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UserError(`--seed must be an integer, not ${opts.seed}`);
  const { selectBackend } = await import('../../runtime/backend.js');
  const { runTasks } = await import('../../runtime/run.js');
  const { consoleReporter } = await import('../../runtime/progress.js');
  const backend = await selectBackend(opts.backend ?? process.env['NNC_BACKEND'] ?? 'auto');
  io.out(`backend: ${backend.name} (${backend.detail})\n`);
  const interrupt = { requested: false };
  const onSigint = () => {
    if (interrupt.requested) process.exit(130);
    interrupt.requested = true;
    io.err('\ninterrupt: finishing this step and saving a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const reporter = consoleReporter();
    const results = await runTasks(resolve(file), tasks, { seed, resume: opts.resume, out: opts.out && resolve(opts.out), reporter, interrupt });
    for (const res of results) {
      io.out(res.message + '\n');
      if (res.baseline) {
        const b = res.baseline;
        const better = b.metric.endsWith('accuracy') ? b.model > b.baseline : b.model < b.baseline;
        io.out(`${b.metric}: model ${b.model.toFixed(4)} vs ${b.name} ${b.baseline.toFixed(4)} (${better ? 'beats' : 'does not beat'} the baseline)\n`);
      }
      if (res.status === 'nan') return 1;
      if (res.status === 'interrupted') return 130;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

