// One writer per output folder: a run takes a lock in the folder before it writes there and
// holds it until the process ends, so a second run on the same folder refuses at once instead
// of interleaving checkpoints with the first. proper-lockfile's lock is a folder made with
// mkdir (atomic on every file system) whose mtime the holder refreshes. Beside it the holder
// writes its pid and host: on the same host a lock whose holder is gone (a killed run) is taken
// over at once, and one whose holder lives is never taken, even when its mtime went stale
// while a long synchronous data load kept the holder from refreshing it. Only a lock of
// another host (a shared file system) is judged by its mtime, after STALE_MS.
import { readFileSync, rmSync, rmdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { fault } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

const STALE_MS = 10_000;
export const LOCK_NAME = '.nnc-lock';
export const OWNER_NAME = '.nnc-lock-owner';

/** Folders this process holds, so tasks of one run can share a folder. */
const held = new Map<string, () => void>();

interface Owner { pid: number; host: string }

function readOwner(dir: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER_NAME), 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // there, but another user's
  }
}

function refuse(dir: string, owner: Owner | undefined): never {
  const who = owner ? ` (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`})` : '';
  throw fault('file', `the output folder ${dir} is in use by another nnc run${who}; wait for it to end or choose another --out`);
}

/** Locks `dir` (which exists) for this process; a folder another live run holds is a `file`
 *  fault that says so. Released when the process exits, or by releaseOutputFolders. */
export function lockOutputFolder(dir: string): void {
  const key = resolve(dir);
  if (held.has(key)) return;
  const lockPath = join(key, LOCK_NAME);
  const owner = readOwner(key);
  const here = owner?.host === hostname();
  const holderAlive = here && alive(owner.pid);
  if (here && owner.pid !== process.pid && !holderAlive) {
    // Its holder was killed: the lock is ours to take now, not after STALE_MS. The owner
    // file goes first, so a run starting meanwhile finds no dead owner to take over from.
    rmSync(join(key, OWNER_NAME), { force: true });
    try { rmdirSync(lockPath); } catch { /* already gone */ }
  }
  let release: () => void;
  try {
    // A live holder on this host keeps its lock however old its mtime: stale only applies
    // to other hosts' locks, whose holders cannot be asked.
    // The refresh interval is set apart: by default it is half of `stale`.
    release = lockfile.lockSync(key, { lockfilePath: lockPath, stale: holderAlive ? Number.MAX_SAFE_INTEGER : STALE_MS, update: STALE_MS / 2, realpath: false,
      // A lock removed or taken from under a live run (by hand): it goes on writing what it
      // owns; the default handler throws from a timer, a crash with a stack trace.
      onCompromised: () => {} });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') refuse(dir, readOwner(key));
    throw fault('file', `cannot lock the output folder ${dir}: ${(err as Error).message}`);
  }
  try {
    writeFileAtomic(join(key, OWNER_NAME), JSON.stringify({ pid: process.pid, host: hostname() }));
  } catch (err) {
    release();
    throw fault('file', `cannot write to the output folder ${dir}: ${(err as Error).message}`);
  }
  held.set(key, () => {
    rmSync(join(key, OWNER_NAME), { force: true });
    release();
  });
}

/** Releases every folder this process locked (a session's end; tests). */
export function releaseOutputFolders(): void {
  for (const [key, release] of held) {
    held.delete(key);
    try { release(); } catch { /* already released or compromised: nothing left to undo */ }
  }
}
