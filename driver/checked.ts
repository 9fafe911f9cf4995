// The first step of `nnc run` and `nnc compile`: read and check the file, print any
// diagnostics; a file with errors goes no further (exit 1).
import { check, type CheckResult } from '../compiler/check/checker.js';
import { renderText } from '../compiler/render.js';
import { fault } from '../runtime/errors.js';
import { nodeHost, readUserFile } from './host.js';

export function checkedOrExitCode(file: string, err: (s: string) => void): CheckResult | 1 {
  const read = readUserFile(file);
  if ('error' in read) throw fault('file', read.error);
  const r = check(file, nodeHost, read.text);
  if (r.diagnostics.length) {
    err(renderText(r.diagnostics, r.sources));
    if (r.diagnostics.some((d) => d.severity === 'error')) return 1;
  }
  return r;
}
