// What every task does first: pick its output folder (the task's `save`, relative to the
// .nn file, unless --out overrides it) and seed all randomness (--seed, else the task's
// `seed`, else a fresh one that is printed so the run can be repeated). The folder is checked
// (created, written) and locked against another run before the task trains.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { prepareOutputFolder } from '../io/atomic.js';
import { lockOutputFolder } from '../io/lock.js';
import { seedGlobalRandom } from '../random.js';
import type { Session } from '../session.js';

export function taskSetup(s: Session, baseDir: string, save: string, seedField: number | undefined): { outDir: string; seed: number } {
  const outDir = s.flags.out ?? (isAbsolute(save) ? save : resolve(baseDir, save));
  prepareOutputFolder(outDir);
  lockOutputFolder(outDir);
  const seed = s.flags.seed ?? seedField ?? Math.floor(Math.random() * 2 ** 31);
  seedGlobalRandom(seed);
  return { outDir, seed };
}

/** The folder a task reads a trained model from: its `checkpoint` (relative to the .nn
 *  file), or --out where that holds one, since with --out every task writes there, the
 *  train task's checkpoint included. */
export function checkpointFolder(s: Session, baseDir: string, checkpoint: string): string {
  if (s.flags.out && existsSync(join(s.flags.out, 'model.json'))) return s.flags.out;
  return isAbsolute(checkpoint) ? checkpoint : resolve(baseDir, checkpoint);
}
