// `nnc compile`: the emitted folder type-checks with tsc --strict, runs, and trains to the
// same weights as `nnc run` (bit for bit on cpu with one seed); hostile strings stay inert;
// files nnc did not write are not overwritten; the emitted code of an example is golden.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { nodeHost } from '../../driver/host.js';
import { emitProgram } from '../../compiler/emit/emit.js';

mkdirSync('out', { recursive: true });
const node = (args: string[], cwd = '.') => {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const nnc = (...args: string[]) => node(['bin/nnc.js', ...args]);
const tsx = resolve('node_modules/tsx/dist/cli.mjs');
const tsc = (dir: string) => node([resolve('node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir]);

/** A project inside the repo (so the emitted code resolves this package's node_modules). */
function project(nn: string) {
  const dir = mkdtempSync(join(resolve('out'), 'compile-'));
  const rows = Array.from({ length: 160 }, (_, i) => `${Math.sin(i / 6).toFixed(4)}`);
  writeFileSync(join(dir, 'series.csv'), `value\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'm.nn'), nn);
  return dir;
}

const SINE = `
/// A small forecaster; uses a runtime layer (causal dilated conv) and a shared tf layer.
model Forecaster {
  input x: [batch, 12, 1]
  conv1d(4, 3, padding: causal, dilation_rate: 2)
  gru(6)
  dense(1)
}

data waves = windows(csv("series.csv", columns: ["value"]), lookback: 12, horizon: 1)

train Forecaster on waves {
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 2
  batch_size: 16
  validation_split: 0.25
  save: "out"
}
`;

function weights(dir: string): Buffer {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  return readFileSync(join(dir, json.weightsManifest[0].paths[0]));
}

describe('nnc compile', () => {
  it('emits a folder that type-checks strictly and trains to the same weights as nnc run', () => {
    const dir = project(SINE);
    const ran = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'interpreted'));
    expect(ran.stderr).toBe('');
    const compiled = nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'emitted'));
    expect(compiled.code).toBe(0);
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
    const run = node([tsx, 'main.ts', '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'compiled')], join(dir, 'emitted'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/epoch 2\/2/);
    expect(weights(join(dir, 'compiled')).equals(weights(join(dir, 'interpreted')))).toBe(true);
  });

  it('vae and gan tasks: the emitted program trains all four models to the same weights as nnc run', () => {
    const dir = project(`
import std.data
import std.vae
import std.gan
data digits = mnist(count: 40)
vae Tiny on digits {
  encoder: DenseEncoder(hidden: 8)
  decoder: DenseDecoder(hidden: 8)
  epochs: 2
  batch_size: 16
  grid: 2
}
gan Duel on digits {
  generator: DenseGenerator(latent: 4, hidden: 8)
  discriminator: DenseDiscriminator(hidden: 8)
  steps: 4
  sample_every: 2
  batch_size: 8
  grid: 2
}
`);
    const ran = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'interpreted'));
    expect(ran.stderr).toBe('');
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'emitted')).code).toBe(0);
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
    const run = node([tsx, 'main.ts', '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'compiled')], join(dir, 'emitted'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/trained vae Tiny for 2 epochs[\s\S]*trained gan Duel for 4 steps/);
    for (const m of ['encoder', 'decoder', 'generator', 'discriminator']) {
      expect(weights(join(dir, 'compiled', m)).equals(weights(join(dir, 'interpreted', m))), m).toBe(true);
    }
  });

  it('every example compiles to strictly type-checked code', () => {
    const dir = mkdtempSync(join(resolve('out'), 'compile-examples-'));
    const examples = ['.', 'seed'].flatMap((sub) => readdirSync(join('examples', sub)).filter((f) => f.endsWith('.nn')).map((f) => join(sub, f.replace(/\.nn$/, ''))));
    expect(examples.length).toBeGreaterThanOrEqual(10);
    // The seed's dream and style snippets with RNNs are meant to be rejected (test/seed.test.ts).
    const rejected = new Set([join('seed', 'dream_rnn'), join('seed', 'style_rnn')]);
    for (const f of examples) {
      const out = join(dir, f.replace(/[\/]/g, '_'));
      const compiled = nnc('compile', `examples/${f}.nn`, '-o', out);
      if (rejected.has(f)) {
        expect(compiled.code).toBe(1);
        continue;
      }
      expect(compiled.code).toBe(0);
      const typed = tsc(out);
      expect(typed.stdout + typed.stderr).toBe('');
    }
    // A compile and a tsc run per example: 3–5 s each on the 2-core machine, 15 examples.
  }, 240_000);

  it('keeps hostile strings inert and doc comments closed', () => {
    const hostile = 'q\'"`${process.exit(3)}`*/ \\u2028 é';
    const dir = project(`
/// Doc with */ and \${"\`"} and ${'${x}'} and é.
model M {
  input x: [batch, 3, 1]
  flatten
  dense(1)
}
data d = windows(csv(${JSON.stringify(hostile + '.csv')}, columns: [${JSON.stringify(hostile)}]), lookback: 3)
train M on d { loss: mse
  save: ${JSON.stringify('out/' + hostile)} }
`);
    expect(check(join(dir, 'm.nn'), nodeHost).diagnostics).toEqual([]);
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'e')).code).toBe(0);
    const typed = tsc(join(dir, 'e'));
    expect(typed.stdout + typed.stderr).toBe('');
    // Importing the module runs no data loading and no process.exit.
    const r = node(['--import', 'tsx', '-e', `import(${JSON.stringify(join(dir, 'e', 'm.ts'))}).then((m) => console.log(typeof m.buildM))`]);
    expect(r.stdout.trim()).toBe('function');
  });

  it('refuses to overwrite files it did not write, unless --force', () => {
    const dir = project(SINE);
    mkdirSync(join(dir, 'e'));
    writeFileSync(join(dir, 'e', 'main.ts'), '// mine\n');
    const r = nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'e'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nnc: .* has files nnc did not write \(main\.ts\); use --force/);
    expect(readFileSync(join(dir, 'e', 'main.ts'), 'utf8')).toBe('// mine\n');
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'e'), '--force').code).toBe(0);
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'e')).code).toBe(0); // its own files: fine
    expect(existsSync(join(dir, 'e', 'nnc-runtime', 'tasks', 'train.ts'))).toBe(true);
  });

  it('the emitted code of the LSTM example matches its golden file', () => {
    const entry = resolve('examples/seed/lstm.nn');
    const files = emitProgram(check(entry, nodeHost), entry, resolve('out/golden-lstm')).files;
    const text = `${files.get('lstm.ts')}\n// ---- main.ts ----\n${files.get('main.ts')}`;
    const golden = 'test/golden/lstm.emitted.ts.txt';
    if (process.env['UPDATE_GOLDEN'] || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
