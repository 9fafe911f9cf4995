// Fault injection for the train checkpoint: the process is "killed" (a hook throws) at every
// write boundary in turn; each time, what is on disk is one consistent checkpoint (the main
// model.json names complete files, best/ is the epoch it names), no temporary file survives
// the next start, and --resume finishes the run from it.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { DenseColumn } from '../../runtime/data/column.js';
import { prepareOutputFolder, SimulatedKill, writeBoundaries } from '../../runtime/io/atomic.js';
import { NncError } from '../../runtime/errors.js';
import { loadCheckpoint, repairCheckpoint } from '../../runtime/io/checkpoint.js';
import { silentReporter } from '../../runtime/progress.js';
import { seedGlobalRandom } from '../../runtime/random.js';
import { train, type TrainOptions } from '../../runtime/tasks/train.js';

beforeAll(async () => {
  await selectBackend('cpu');
});
afterEach(() => { writeBoundaries.hook = undefined; });

function data() {
  const n = 48, x = new Float32Array(n * 2), y = new Float32Array(n);
  let s = 3;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    x[2 * i] = rnd();
    x[2 * i + 1] = rnd();
    y[i] = x[2 * i]! - x[2 * i + 1]! + 0.3 * rnd();
  }
  return { x: new DenseColumn(x, [2]), y: new DenseColumn(y, [1]), info: {} };
}

const build = () => {
  const input = tf.input({ shape: [2] });
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(input) as tf.SymbolicTensor });
};

function options(): TrainOptions {
  seedGlobalRandom(5);
  // A large rate makes val_loss go up and down, so best/ is sometimes behind the last epoch.
  return {
    name: 'Tiny', build, data: data(), validationSplit: 0.25, loss: 'mse', optimizer: () => tf.train.sgd(0.9),
    metrics: [], epochs: 3, restoreBest: true, batchSize: 12, shuffle: true, seed: 5,
    outDir: mkdtempSync(join(tmpdir(), 'nnc-kill-')), resume: false, reporter: silentReporter,
  };
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)).map((g) => `${f}/${g}`) : [f]));

/** What must hold of a checkpoint folder at any instant: the main model.json loads, and
 *  names a best/ weights file that exists; best/model.json names that file too, or (killed
 *  between the two model.json renames) the previous one, which also still exists, or none. */
async function assertConsistent(dir: string): Promise<'same' | 'lagging' | 'none'> {
  if (!existsSync(join(dir, 'model.json'))) return 'none';
  const main = await loadCheckpoint(dir);
  expect(main).toBeDefined();
  const bestWeights = main!.state['bestWeights'] as string;
  expect(existsSync(join(dir, 'best', bestWeights))).toBe(true);
  // Killed in the first save between the two renames, best/model.json is not there yet.
  if (!existsSync(join(dir, 'best', 'model.json'))) return 'lagging';
  const named = json(join(dir, 'best', 'model.json')).weightsManifest[0].paths[0];
  expect(existsSync(join(dir, 'best', named))).toBe(true);
  expect(await loadCheckpoint(join(dir, 'best'))).toBeDefined();
  return named === bestWeights ? 'same' : 'lagging';
}

describe('a kill at any write boundary', () => {
  it('leaves one consistent checkpoint, and --resume finishes from it', async () => {
    const boundaries: string[] = [];
    writeBoundaries.hook = (b, path) => { boundaries.push(`${b} ${path.split('/').slice(-2).join('/')}`); };
    const whole = await train(options());
    writeBoundaries.hook = undefined;
    expect(whole.status).toBe('done');
    expect(boundaries.length).toBeGreaterThan(40);
    const lagging: string[] = [];
    for (let k = 0; k < boundaries.length; k++) {
      const o = options();
      let n = 0;
      writeBoundaries.hook = () => { if (n++ === k) throw new SimulatedKill(`killed at ${boundaries[k]}`); };
      await expect(train(o)).rejects.toBeInstanceOf(SimulatedKill);
      writeBoundaries.hook = undefined;
      if ((await assertConsistent(o.outDir)) === 'lagging') lagging.push(boundaries[k]!);
      // The next start removes what the kill left: temporary files, unnamed weights, a lagging best/.
      repairCheckpoint(o.outDir);
      expect(files(o.outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const state = await assertConsistent(o.outDir);
      expect(state === 'same' || state === 'none').toBe(true);
      const resumed = await train({ ...o, resume: true });
      expect(resumed.status).toBe('done');
      expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      expect(await assertConsistent(o.outDir)).toBe('same');
      const m = json(join(o.outDir, 'metrics.json'));
      const main = json(join(o.outDir, 'model.json')).userDefinedMetadata.nnc;
      const best = json(join(o.outDir, 'best', 'model.json')).userDefinedMetadata.nnc;
      expect(best.bestEpoch).toBe(main.bestEpoch);
      expect(m.best_epoch).toBe(main.bestEpoch);
      // Exactly one weights file each: nothing leaked.
      expect(files(o.outDir).filter((f) => /weights-|\.tmp$/.test(f)).sort()).toEqual([`best/${best.bestWeights}`, json(join(o.outDir, 'model.json')).weightsManifest[0].paths[0]].sort());
    }
    // Only a kill between the main model.json's rename and best/model.json's leaves best/ behind.
    expect(lagging.length).toBeGreaterThan(0);
    for (const b of lagging) expect(b).toMatch(/^(renamed nnc-kill-\w+\/model\.json|begin best\/model\.json|partial best\/model\.json|written best\/model\.json)$/);
  }, 60_000);
});

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

describe('an output folder that cannot be written', () => {
  it('is one file fault before training: full disk, read-only, no permission', () => {
    for (const [code, why] of [['ENOSPC', 'the disk is full (ENOSPC)'], ['EROFS', 'the file system is read-only'], ['EACCES', 'permission denied']] as const) {
      const dir = join(mkdtempSync(join(tmpdir(), 'nnc-out-')), 'out');
      writeBoundaries.hook = (b, path) => { if (b === 'partial' && path.endsWith('.nnc-probe')) throw errno(code); };
      let err: unknown;
      try { prepareOutputFolder(dir); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(NncError);
      expect((err as NncError).fault).toEqual({ kind: 'file', detail: `the output folder ${dir} cannot be written: ${why}` });
      expect(readdirSync(dir)).toEqual([]); // no probe, no temporary file left
    }
  });

  it('a file on the way is one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-out-'));
    writeFileSync(join(dir, 'f'), '');
    expect(() => prepareOutputFolder(join(dir, 'f', 'sub'))).toThrow(`cannot create the folder ${dir}/f/sub: ${dir}/f is a file`);
    expect(() => prepareOutputFolder(join(dir, 'f'))).toThrow(`the output folder ${dir}/f is an existing file; name a folder`);
  });

  it('a disk that fills during training: one line, the last checkpoint kept whole', async () => {
    const o = options();
    let saves = 0;
    writeBoundaries.hook = (b, path) => { if (b === 'partial' && /weights-e2\.bin$/.test(path) && saves++ === 0) throw errno('ENOSPC'); };
    const err = await train(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NncError);
    expect((err as NncError).fault.detail).toMatch(/^cannot write \S+weights-e2\.bin: the disk is full \(ENOSPC\)$/);
    writeBoundaries.hook = undefined;
    expect(files(o.outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await loadCheckpoint(o.outDir))!.state['epoch']).toBe(1);
  });
});
