// One writer per output folder: a run takes a lock in the folder before it writes there and
// holds it until the process ends, so a second run on the same folder refuses at once instead
// of interleaving checkpoints with the first. proper-lockfile's lock is a folder made with
// mkdir (atomic on every file system) whose mtime the holder refreshes; a lock whose holder
// was killed goes stale and is taken over after STALE_MS.
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { fault } from '../errors.js';

const STALE_MS = 10_000;
export const LOCK_NAME = '.nnc-lock';

/** Folders this process holds, so tasks of one run can share a folder. */
const held = new Map<string, () => void>();

/** Locks `dir` (which exists) for this process; a folder another live run holds is a `file`
 *  fault that says so. Released when the process exits, or by releaseOutputFolders. */
export function lockOutputFolder(dir: string): void {
  const key = resolve(dir);
  if (held.has(key)) return;
  try {
    const release = lockfile.lockSync(key, { lockfilePath: join(key, LOCK_NAME), stale: STALE_MS, realpath: false });
    held.set(key, release);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw fault('file', `the output folder ${dir} is in use by another nnc run; wait for it to end or choose another --out (a lock left by a killed run expires within ${STALE_MS / 1000} s)`);
    }
    throw fault('file', `cannot lock the output folder ${dir}: ${(err as Error).message}`);
  }
}

/** Releases every folder this process locked (a session's end; tests). */
export function releaseOutputFolders(): void {
  for (const [key, release] of held) {
    held.delete(key);
    try { release(); } catch { /* already released or compromised: nothing left to undo */ }
  }
}
