// The output folder, checked before any data are loaded or any training starts: it is
// created (one level at a time: Node's recursive mkdirSync loops forever where a file system
// refuses folders, as /proc does) and a probe file is written in it and removed. Every way
// that fails is one `file` fault naming the folder and why; writeFileAtomic maps its errors
// through the same words, so a disk that fills later is one line too.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fault, NncError } from '../errors.js';

/** `stat` of `p`, undefined when nothing is there (a file on the way, ENOTDIR, included). */
function statOf(p: string) {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Why an fs call failed, in words, from its error code. */
export function whyFailed(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC': case 'EDQUOT': return 'the disk is full (ENOSPC)';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    case 'ENOTDIR': case 'EEXIST': return 'a file stands where a folder must be';
    case 'ENOENT': return 'folders cannot be created there';
    default: return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** An fs error while writing `path` as one `file` fault (an NncError passes through). */
export function writeFault(err: unknown, path: string): NncError {
  if (err instanceof NncError) return err;
  return fault('file', `cannot write ${path}: ${whyFailed(err)}`);
}

/** Creates `dir` and its missing parents, one mkdir each; a file on the way, or a folder the
 *  file system will not make, is a `file` fault. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    const st = statOf(p);
    if (st) {
      if (!st.isDirectory()) throw fault('file', `cannot create the folder ${resolve(dir)}: ${p} is a file`);
      break;
    }
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statOf(p)?.isDirectory()) continue;
      throw fault('file', `cannot create the folder ${resolve(dir)}: ${whyFailed(err)}`);
    }
  }
}

/** Checks that `dir` can be created and written: makes it and writes a probe file there. */
export function prepareOutDir(dir: string, write: (path: string, data: string) => void, remove: (path: string) => void): void {
  const st = statOf(dir);
  if (st && !st.isDirectory()) throw fault('file', `the output folder ${dir} is an existing file; name a folder`);
  makeDirs(dir);
  const probe = join(dir, '.nnc-probe');
  try {
    write(probe, 'nnc checks that this folder can be written\n'.repeat(100));
    remove(probe);
  } catch (err) {
    if (err instanceof NncError && err.fault.kind !== 'file') throw err;
    throw fault('file', `the output folder ${dir} cannot be written: ${err instanceof NncError ? err.fault.detail.replace(/^cannot write \S+: /, '') : whyFailed(err)}`);
  }
}
