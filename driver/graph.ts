// `nnc graph FILE [--model M] [-o model.svg]`: the model as an SVG picture (compiler/graph/),
// written to a file or to stdout.
import type { CheckResult } from '../compiler/check/checker.js';
import { modelSvg } from '../compiler/graph/svg.js';
import { renderText } from '../compiler/render.js';
import { fault } from '../runtime/errors.js';
import { writeFileAtomic } from '../runtime/io/atomic.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

/** The model to draw: the one named, or the file's only model. */
export function graphModel(r: CheckResult, file: string, name: string | undefined) {
  const names = [...r.program.models.keys()];
  const listed = names.length ? ` (models: ${names.join(', ')})` : '';
  if (name) {
    const m = r.program.models.get(name);
    if (!m) throw fault('flag', `${file} has no model ${name}${listed}`);
    return m;
  }
  const only = r.program.models.values().next().value;
  if (names.length !== 1 || !only) throw fault('flag', `${file} has ${names.length || 'no'} models; pick one with --model${listed}`);
  return only;
}

export async function graphCommand(r: CheckResult, file: string, opts: { model?: string; out?: string }, io: Out): Promise<number> {
  if (r.diagnostics.some((d) => d.severity === 'error')) {
    io.err(renderText(r.diagnostics, r.sources));
    return 1;
  }
  const svg = await modelSvg(graphModel(r, file, opts.model));
  if (opts.out) writeFileAtomic(opts.out, svg);
  else io.out(svg);
  return 0;
}
