// Paths a .nn file names (a task's save or checkpoint, a data file) that leave its project:
// a warning for nnc check, an error in an editor (W0421), since an untrusted file must not
// write or read elsewhere unnoticed. The host decides where the project ends; without files,
// the text of the path against the file's folder.
import type { Span } from '../../grammar/ast.js';
import type { CompilerHost } from './loader.js';
import type { Sink } from './context.js';

/** Whether `path`, relative to a folder, lies outside it: absolute (POSIX or Windows), under
 *  the home folder (`~`), or climbing above it with `..`. */
export function leavesFolder(path: string): boolean {
  if (/^([\\/]|[A-Za-z]:|~)/.test(path)) return true;
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** Reports W0421 when `value`, named by `file`, lies outside the file's project (as the host
 *  sees it; without files, when it leaves the file's folder). */
export function checkProjectPath(host: CompilerHost, sink: Sink, file: string, span: Span, name: string, access: 'read' | 'write', value: string): void {
  const outside = host.outsideProject ? host.outsideProject(file, value) : leavesFolder(value);
  if (outside) sink.report('W0421', file, span, { name, access: access === 'write' ? 'writes to' : 'reads', path: JSON.stringify(value) });
}
