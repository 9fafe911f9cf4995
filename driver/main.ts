// The nnc command line. Every failure is one line on stderr and a non-zero exit; no stack
// traces reach the user.
import { Command, CommanderError, Option } from 'commander';
import type { CheckResult } from '../compiler/check/checker.js';
import { describeError, fault } from '../runtime/errors.js';
import { flagSyntax, RUN_FLAGS } from '../runtime/flags.js';
import { packageVersion } from './package-root.js';
import type { PredictOptions } from './predict.js';
import type { RunOptions } from './run.js';

// Each command imports what it needs when it runs: the parser, ts-morph and tfjs take from
// tens to hundreds of milliseconds to load, and `nnc --help` needs none of them.

interface Out { out: (s: string) => void; err: (s: string) => void }
const stdio: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

async function checkFile(path: string): Promise<CheckResult> {
  const [{ check }, { nodeHost, readUserFile }] = await Promise.all([import('../compiler/check/checker.js'), import('./host.js')]);
  const read = readUserFile(path);
  if ('error' in read) throw fault('file', read.error);
  return check(path, nodeHost, read.text);
}

const render = () => import('../compiler/render.js');


export async function main(argv: string[], io: Out = stdio): Promise<number> {
  let exit = 0;
  const program = new Command('nnc')
    .description('A declarative language for neural networks: check, summarise, run and compile .nn files.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run nnc --help for usage)');

  program.command('check')
    .description('Type- and shape-check .nn files; exit 1 on errors.')
    .argument('<files...>', '.nn files')
    .option('--format <format>', 'text or json', 'text')
    .action(async (files: string[], opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw fault('flag', `--format must be text or json, not ${opts.format}`);
      const all = await Promise.all(files.map(checkFile));
      const { renderJson, renderText } = await render();
      const diags = all.flatMap((r) => r.diagnostics);
      const sources = new Map(all.flatMap((r) => [...r.sources]));
      if (opts.format === 'json') io.out(renderJson(diags, sources) + '\n');
      else if (diags.length) io.err(renderText(diags, sources));
      const errors = diags.filter((d) => d.severity === 'error').length, warnings = diags.length - errors;
      const count = (n: number, what: string) => (n ? [`${n} ${what}${n === 1 ? '' : 's'}`] : []);
      const summary = [...count(errors, 'error'), ...count(warnings, 'warning')].join(', ');
      if (opts.format === 'text' && summary) io.err(summary + '\n');
      if (errors) exit = 1;
    });

  program.command('summary')
    .description("Per-layer output shapes and parameter counts, like Keras' model.summary().")
    .argument('<file>', '.nn file')
    .option('--model <name>', 'only this model')
    .action(async (file: string, opts: { model?: string }) => {
      const r = await checkFile(file);
      const [{ renderText }, { renderSummary }] = await Promise.all([render(), import('../compiler/summary.js')]);
      if (r.diagnostics.length) {
        io.err(renderText(r.diagnostics, r.sources));
        exit = 1;
      }
      const models = opts.model ? [r.program.models.get(opts.model)] : [...r.program.models.values()];
      if (opts.model && !models[0]) throw fault('flag', `${file} has no model ${opts.model}${r.program.models.size ? ` (models: ${[...r.program.models.keys()].join(', ')})` : ''}`);
      io.out(models.map((m) => renderSummary(m!)).join('\n\n') + '\n');
    });

  const run = program.command('run')
    .description('Check a .nn file, then run its tasks (train, ...) on TensorFlow.js.')
    .argument('<file>', '.nn file');
  // The run flags' one definition, which emitted programs parse too.
  for (const f of RUN_FLAGS) run.option(flagSyntax(f), f.help, f.default);
  run.action(async (file: string, opts: RunOptions) => {
    const { runCommand } = await import('./run.js');
    exit = await runCommand(file, opts, io);
  });

  program.command('predict')
    .description("Run a trained model (a train task's output folder) on new data: a CSV, a NumPy array, an image, a folder of images or a text file; writes class names and probabilities, or values, as CSV.")
    .argument('<model>', 'output folder of a train task (holds model.json)')
    .requiredOption('--input <path>', '.csv (a sample per row), .npy/.npz (samples on axis 0), .png/.jpg, a folder of images, or .txt (a text per line); for a model of several inputs NAME=PATH once per input (.npy or .npz), or one .npz of arrays named like them', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('-o, --output <file>', 'CSV file to write (default: stdout)')
    .option('--backend <name>', 'auto, tensorflow, webgpu, wasm or cpu (default: $NNC_BACKEND or auto)')
    .option('--batch-size <n>', 'samples per forward pass', '256')
    .action(async (model: string, opts: PredictOptions) => {
      const { predictCommand } = await import('./predict.js');
      exit = await predictCommand(model, opts, io);
    });

  program.command('fmt')
    .description('Lay out .nn files canonically (indentation, spacing; comments and line breaks kept).')
    .argument('<files...>', '.nn files')
    .option('--write', 'rewrite the files in place', false)
    .option('--check', 'list the files that are not formatted; exit 1 if any', false)
    .action(async (files: string[], opts: { write: boolean; check: boolean }) => {
      const [{ check }, { renderText }, { formatSource }, { writeFileAtomic }, { nodeHost, readUserFile }] = await Promise.all([
        import('../compiler/check/checker.js'), render(), import('../compiler/format.js'), import('../runtime/io/atomic.js'), import('./host.js')]);
      for (const file of files) {
        const read = readUserFile(file);
        if ('error' in read) throw fault('file', read.error);
        const formatted = formatSource(read.text);
        if (formatted === undefined) {
          const r = check(file, nodeHost, read.text);
          io.err(renderText(r.diagnostics.filter((d) => d.code.startsWith('E01')), r.sources));
          exit = 1;
          continue;
        }
        if (opts.check) {
          if (formatted !== read.text) {
            io.out(`${file}\n`);
            exit = 1;
          }
        } else if (opts.write) {
          if (formatted !== read.text) writeFileAtomic(file, formatted);
        } else io.out(formatted);
      }
    });

  program.command('graph')
    .description('Draw a model as SVG: layers with their arguments, output shapes and parameters, data flow, nested models.')
    .argument('<file>', '.nn file')
    .option('--model <name>', 'the model to draw (needed when the file has several)')
    .option('-o, --out <file>', 'write the SVG here instead of stdout')
    .action(async (file: string, opts: { model?: string; out?: string }) => {
      const { graphCommand } = await import('./graph.js');
      exit = await graphCommand(await checkFile(file), file, opts, io);
    });

  program.command('lsp')
    .description('Language server over stdio (diagnostics, hover, completion, ...); never runs a model or writes a file.')
    .option('--stdio', 'talk over stdin/stdout (the default; editors pass it)')
    .action(async () => {
      const { startServer } = await import('./lsp.js');
      startServer();
      // The server ends the process when the client says exit.
      await new Promise(() => {});
    });

  program.command('compile')
    .description('Emit standalone TypeScript (tf.layers builders, data, a main running the tasks) into a folder.')
    .argument('<file>', '.nn file')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--force', 'overwrite files nnc did not write', false)
    .addOption(new Option('--target <target>', 'typescript, or pytorch: a Python package trained with torchrun (docs/pytorch.md)').choices(['typescript', 'pytorch']).default('typescript'))
    .action(async (file: string, opts: { out: string; force: boolean; target: string }) => {
      if (opts.target === 'pytorch') {
        const { compilePytorchCommand } = await import('./compile-pytorch.js');
        exit = await compilePytorchCommand(file, opts.out, opts.force, io);
        return;
      }
      const { compileCommand } = await import('./compile.js');
      exit = compileCommand(file, opts.out, opts.force, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const { exitCode, line } = describeError(err);
    io.err(`nnc: ${line}\n`);
    return exitCode;
  }
  return exit;
}
