// Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of
// one. Write a temporary sibling, flush it, rename it over the target.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirs, prepareOutDir, writeFault } from './outdir.js';

/** Test seam: `hook` is called at every write boundary (`begin`, `partial`, `written`,
 *  `renamed` of a file; `remove` before a file is deleted) with the boundary and the path.
 *  A hook that throws stands for the process dying there: nothing after it runs, and the
 *  temporary file is left behind as a kill would leave it. */
export const writeBoundaries: { hook?: (boundary: 'begin' | 'partial' | 'written' | 'renamed' | 'remove', path: string) => void } = {};

/** Thrown by a test's hook; writeFileAtomic does not clean up after it. */
export class SimulatedKill extends Error {}

const TMP = /^\..+\.(\d+)\.tmp$/;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeBoundaries.hook?.('begin', path);
  makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw writeFault(err, path);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    const half = bytes.length >> 1;
    while (off < half) off += writeSync(fd, bytes, off, half - off);
    writeBoundaries.hook?.('partial', path);
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    writeBoundaries.hook?.('written', path);
  } catch (err) {
    closeSync(fd);
    if (err instanceof SimulatedKill) throw err;
    rmSync(tmp, { force: true });
    throw writeFault(err, path);
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeFault(err, path);
  }
  writeBoundaries.hook?.('renamed', path);
}

/** Checks before a task starts that its output folder can be created and written (see
 *  outdir.ts), and removes temporary files a killed run left there. */
export function prepareOutputFolder(dir: string): void {
  prepareOutDir(dir, writeFileAtomic, removeFile);
  removeLeftoverTemps(dir);
}

/** Deletes a file, at a write boundary like the writes. */
export function removeFile(path: string): void {
  writeBoundaries.hook?.('remove', path);
  rmSync(path, { force: true });
}

/** Removes the temporary files writeFileAtomic left in `dir` and its direct subfolders when
 *  a process died mid-write (those of a process still running are left alone). */
export function removeLeftoverTemps(dir: string): void {
  if (!existsSync(dir)) return;
  const alive = (pid: number) => {
    if (pid === process.pid) return false;
    try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
  };
  const sweep = (d: string, depth: number) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const m = TMP.exec(f);
      if (m && !alive(Number(m[1]))) rmSync(p, { force: true });
      else if (depth > 0 && !f.startsWith('.') && statSync(p, { throwIfNoEntry: false })?.isDirectory()) sweep(p, depth - 1);
    }
  };
  sweep(dir, 1);
}
