// `nnc graph FILE [--model M] [-o model.svg]`: the model as an SVG picture (compiler/graph/),
// written to a file or to stdout.
import type { CheckResult } from '../compiler/check/checker.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import type { ModelIR } from '../compiler/ir.js';
import { modelSvg } from '../compiler/graph/svg.js';
import { renderText } from '../compiler/render.js';
import { fault } from '../runtime/errors.js';
import { writeFileAtomic } from '../runtime/io/atomic.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

const isError = (d: Diagnostic) => d.severity === 'error';

/** The model to draw: the one named, or the file's only model. A model whose declaration
 *  has errors is not among the checked ones. */
export function graphModel(r: CheckResult, file: string, name: string | undefined) {
  const names = [...r.program.models.keys()];
  const listed = names.length ? ` (models: ${names.join(', ')})` : '';
  if (name) {
    const m = r.program.models.get(name);
    const errors = r.diagnostics.filter(isError).length;
    if (!m && errors) throw fault('file', `${file} has no model ${name} to draw: the file has ${errors} error${errors === 1 ? '' : 's'} (nnc check ${file} lists them)${listed}`);
    if (!m) throw fault('flag', `${file} has no model ${name}${listed}`);
    return m;
  }
  const only = r.program.models.values().next().value;
  if (names.length !== 1 || !only) throw fault('flag', `${file} has ${names.length || 'no'} models; pick one with --model${listed}`);
  return only;
}

/** Errors inside a model's declaration: its IR may be partial, so it is not drawn. (Errors
 *  elsewhere, in a task say, leave the model's picture true.) */
export function modelErrors(r: CheckResult, m: ModelIR): Diagnostic[] {
  return r.diagnostics.filter((d) => isError(d) && d.file === m.file && d.span.start >= m.span.start && d.span.end <= m.span.end);
}

/** The SVG of a checked file's model. */
export async function graphSvg(r: CheckResult, file: string, model: string | undefined): Promise<string> {
  const m = graphModel(r, file, model);
  const errors = modelErrors(r, m).length;
  if (errors) throw fault('file', `model ${m.name} has ${errors} error${errors === 1 ? '' : 's'}; fix ${errors === 1 ? 'it' : 'them'} to draw it`);
  return modelSvg(m);
}

export async function graphCommand(r: CheckResult, file: string, opts: { model?: string; out?: string }, io: Out): Promise<number> {
  // A named model that did not check: the file's errors say why.
  const unchecked = opts.model !== undefined && !r.program.models.has(opts.model) && r.diagnostics.some(isError);
  const errors = unchecked ? r.diagnostics.filter(isError) : modelErrors(r, graphModel(r, file, opts.model));
  if (errors.length) {
    io.err(renderText(errors, r.sources));
    return 1;
  }
  const svg = await graphSvg(r, file, opts.model);
  if (opts.out) writeFileAtomic(opts.out, svg);
  else io.out(svg);
  return 0;
}
