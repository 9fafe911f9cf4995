// `nnc compile`: the emitted folder type-checks with tsc --strict, runs, and trains to the
// same weights as `nnc run` (bit for bit on cpu with one seed); it lists exactly the packages
// it uses and runs when moved elsewhere; hostile strings and links stay inert; files nnc did
// not write are not overwritten; the emitted code of an example is golden.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { repoScratch } from '../helpers.js';
import { check } from '../../compiler/check/checker.js';
import { DATA_SOURCES } from '../../compiler/data/sources.js';
import { nodeHost } from '../../driver/host.js';
import { emitProgram } from '../../compiler/emit/emit.js';
import { compileCommand } from '../../driver/compile.js';

const scratch = repoScratch();
afterAll(scratch.removeAll);
const node = (args: string[], cwd = '.') => {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const nnc = (...args: string[]) => node(['bin/nnc.js', ...args]);
const tsx = resolve('node_modules/tsx/dist/cli.mjs');
const tsc = (dir: string) => node([resolve('node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir]);

/** A project inside the repo (so the emitted code resolves this package's node_modules). */
function project(nn: string) {
  const dir = scratch.make('compile-');
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

/** Every .ts file of an emitted folder, relative path → text. */
function tsFiles(dir: string, sub = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory() && e.name !== 'node_modules') tsFiles(dir, rel).forEach((t, f) => files.set(f, t));
    else if (e.name.endsWith('.ts')) files.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return files;
}

/** Module specifiers of a file, read from its syntax tree (not the way driver/compile.ts
 *  reads them): import and export declarations, `import('x')` calls and `typeof import('x')`.
 *  Cached by text: the copied runtime files repeat from one example to the next. */
const scanned = new Map<string, string[]>();
function specifiers(text: string): string[] {
  const known = scanned.get(text);
  if (known) return known;
  const specs: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) specs.push(n.arguments[0].text);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) specs.push(n.argument.literal.text);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile('scan.ts', text, ts.ScriptTarget.Latest, false));
  scanned.set(text, specs);
  return specs;
}

/** An emitted folder uses exactly what it lists: every package a file imports is a
 *  dependency, every dependency is imported or loaded by name (a data set or network the
 *  emitted calls name), every copied runtime file is reached by imports from the emitted
 *  files, and the tensorflow backends are optional peers. */
function expectSelfContained(dir: string): { files: string[]; dependencies: string[] } {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };
  const files = tsFiles(dir);
  const imported = new Set<string>();
  const reached = new Set<string>();
  const visit = (rel: string) => {
    if (reached.has(rel)) return;
    reached.add(rel);
    const text = files.get(rel);
    if (text === undefined) throw new Error(`${dir}: an import names ${rel}, which is not there`);
    for (const s of specifiers(text)) {
      if (s.startsWith('.')) visit(posix.normalize(posix.join(posix.dirname(rel), s.replace(/\.js$/, '.ts'))));
      else if (!isBuiltin(s)) imported.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    }
  };
  [...files.keys()].filter((f) => !f.includes('/')).forEach(visit);
  expect([...files.keys()].filter((f) => !reached.has(f)), `${dir}: copied but not imported`).toEqual([]);
  const byName = new Set<string>();
  for (const [f, text] of files) {
    if (f.includes('/')) continue;
    for (const m of text.matchAll(/\bdata\.(\w+)\(/g)) { const npm = DATA_SOURCES.get(m[1]!)?.npm; if (npm) byName.add(npm); }
    for (const m of text.matchAll(/\bnpm: "([^"]+)"/g)) byName.add(m[1]!);
  }
  const deps = Object.keys(pkg.dependencies);
  const listed = [...deps, ...Object.keys(pkg.optionalDependencies ?? {})];
  expect([...imported].filter((p) => !listed.includes(p)), `${dir}: imported but not in package.json`).toEqual([]);
  expect(listed.filter((p) => !imported.has(p) && !byName.has(p)), `${dir}: in package.json but unused`).toEqual([]);
  for (const peer of Object.keys(pkg.peerDependencies ?? {})) expect(pkg.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
  return { files: [...files.keys()].sort(), dependencies: deps };
}

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
    // Relative data paths are read from the emitted folder, and compile says which are missing.
    expect(compiled.stdout).toMatch(/reads series\.csv relative to .*emitted, where it is not yet/);
    copyFileSync(join(dir, 'series.csv'), join(dir, 'emitted', 'series.csv'));
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
    const run = node([tsx, 'main.ts', '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'compiled')], join(dir, 'emitted'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/epoch 2\/2/);
    expect(weights(join(dir, 'compiled')).equals(weights(join(dir, 'interpreted')))).toBe(true);
  });

  it('a labelled CSV (class names as ids, the encoding the checker settled) trains to the same weights compiled', () => {
    const dir = project(`
model Flowers {
  input x: [batch, 2]
  dense(8, activation: relu)
  dense(3, activation: softmax)
}
data flowers = csv("flowers.csv", x: ["a", "b"], y: "kind", missing: drop)
train Flowers on flowers { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.01), epochs: 2, batch_size: 8, save: "out" }
`);
    const kinds = ['red', 'green', 'blue'];
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 3 + Math.sin(i) / 4},${i === 7 ? '' : Math.cos(i)},${kinds[i % 3]}`);
    writeFileSync(join(dir, 'flowers.csv'), `a,b,kind\n${rows.join('\n')}\n`);
    const ran = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'interpreted'));
    expect(ran.stderr).toBe('');
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'emitted')).code).toBe(0);
    expect(readFileSync(join(dir, 'emitted', 'm.ts'), 'utf8')).toMatch(/data\.csv\(\{[^}]*labels: "ids"/);
    copyFileSync(join(dir, 'flowers.csv'), join(dir, 'emitted', 'flowers.csv'));
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
    const run = node([tsx, 'main.ts', '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'compiled')], join(dir, 'emitted'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/29 samples of \[2\]/);
    expect(weights(join(dir, 'compiled')).equals(weights(join(dir, 'interpreted')))).toBe(true);
  });

  it('a model of two named inputs and two named outputs, columns by range(): the emitted program trains to the same weights', () => {
    const dir = project(`
model Two {
  input main: [batch, 2]
  input extra: [batch, 1]
  h = concat(main -> dense(4, activation: relu), extra)
  output value: h -> dense(1), kind: h -> dense(3, activation: softmax)
}
data d = examples(x: {extra: csv("t.csv", columns: [2]), main: csv("t.csv", columns: range(0, 2))}, y: {kind: csv("t.csv", columns: [2]), value: csv("t.csv", columns: ["y"])}, labels: {kind: ids})
train Two on d { loss: {value: mse, kind: sparse_categorical_crossentropy}, loss_weights: {kind: 2}, metrics: [accuracy, mae], optimizer: adam(lr: 0.01), epochs: 2, batch_size: 8, validation_split: 0.25, save: "out" }
`);
    const rows = Array.from({ length: 24 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 3},${Math.sin(i) + (i % 3)}`);
    writeFileSync(join(dir, 't.csv'), `a,b,c,y\n${rows.join('\n')}\n`);
    const ran = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'interpreted'));
    expect(ran.stderr).toBe('');
    expect(nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'emitted')).code).toBe(0);
    // The checker settled the column numbers to the header's names.
    expect(readFileSync(join(dir, 'emitted', 'm.ts'), 'utf8')).toMatch(/x: \{ extra: data\.csv\(\{ path: "t\.csv", columns: \["c"\][^}]*\}, ctx\), main: data\.csv\(\{ path: "t\.csv", columns: \["a", "b"\]/);
    copyFileSync(join(dir, 't.csv'), join(dir, 'emitted', 't.csv'));
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
    const run = node([tsx, 'main.ts', '--backend', 'cpu', '--seed', '5', '--out', join(dir, 'compiled')], join(dir, 'emitted'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/24 samples of extra \[1\], main \[2\]/);
    // The same per-output figures, to the digit.
    const figures = (out: string) => /epoch 2\/2 {2}(loss .*) {2}\(/.exec(out)?.[1];
    expect(figures(run.stdout)).toMatch(/^loss [\d.]+ {2}value_loss [\d.]+ {2}kind_loss [\d.]+ {2}value_mae [\d.]+ {2}kind_accuracy [\d.]+ {2}val_loss/);
    expect(figures(run.stdout)).toBe(figures(ran.stdout));
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
    const dir = scratch.make('compile-examples-');
    const examples = ['.', 'seed', 'data'].flatMap((sub) => readdirSync(join('examples', sub)).filter((f) => f.endsWith('.nn')).map((f) => join(sub, f.replace(/\.nn$/, ''))));
    expect(examples.length).toBeGreaterThanOrEqual(10);
    // The seed's dream and style snippets with RNNs are meant to be rejected (test/seed.test.ts).
    const rejected = new Set([join('seed', 'dream_rnn'), join('seed', 'style_rnn')]);
    const io = { out: () => {}, err: () => {} };
    for (const f of examples) {
      const out = join(dir, f.replace(/[\/]/g, '_'));
      const code = compileCommand(`examples/${f}.nn`, out, false, io);
      expect(code, f).toBe(rejected.has(f) ? 1 : 0);
      if (!rejected.has(f)) expectSelfContained(out);
    }
    // One tsc over all the folders, each with its tsconfig's options (one tsc a folder took
    // most of this test's time, loading tfjs's types again each time).
    const first = examples.find((f) => !rejected.has(f))!;
    const emitted = JSON.parse(readFileSync(join(dir, first.replace(/[\/]/g, '_'), 'tsconfig.json'), 'utf8'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...emitted, include: ['*/*.ts', '*/nnc-runtime/**/*.ts'] }));
    const typed = tsc(dir);
    expect(typed.stdout + typed.stderr).toBe('');
  }, 240_000);

  it('evaluate and predict tasks compile to strictly type-checked code that reads the trained model', () => {
    const dir = project(`${SINE}
evaluate Forecaster on waves {}
predict Forecaster on waves { save: "preds.csv" }
`);
    const compiled = nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'emitted'));
    expect(compiled.code).toBe(0);
    const main = readFileSync(join(dir, 'emitted', 'main.ts'), 'utf8');
    expect(main).toMatch(/runEvaluateTask\(\{ name: "Forecaster", .*fields: \{ checkpoint: "out", loss: "mse", metrics: \[\], batchSize: 256 \}/);
    expect(main).toMatch(/runPredictTask\(\{ name: "Forecaster", .*fields: \{ checkpoint: "out", save: "preds.csv", batchSize: 256 \}/);
    const typed = tsc(join(dir, 'emitted'));
    expect(typed.stdout + typed.stderr).toBe('');
  });

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
    // The CSV is never made (its name holds a slash): only its W0416 warning is expected.
    expect(check(join(dir, 'm.nn'), nodeHost).diagnostics.map((d) => d.code)).toEqual(['W0416']);
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

  it('a model-only file yields its builder module and the runtime files the builders import, needing only tfjs', () => {
    const dir = project(`
model Tiny {
  input x: [batch, 4]
  dense(3, activation: relu)
  dense(1)
}
`);
    const r = nnc('compile', join(dir, 'm.nn'), '-o', join(dir, 'e'));
    expect(r.code).toBe(0);
    const { files, dependencies } = expectSelfContained(join(dir, 'e'));
    expect(dependencies).toEqual(['@tensorflow/tfjs']);
    expect(files).not.toContain('main.ts');
    // The builders use the runtime's fused layers (nncLayers) and nothing of data, tasks or sessions.
    expect(files.filter((f) => !f.startsWith('nnc-runtime/model/') && !f.startsWith('nnc-runtime/kernels/'))).toEqual(['m.ts']);
    const pkg = JSON.parse(readFileSync(join(dir, 'e', 'package.json'), 'utf8'));
    expect(pkg.peerDependencies).toBeUndefined();
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'typescript']);
    expect(readFileSync(join(dir, 'e', 'm.ts'), 'utf8')).not.toMatch(/baseDir|nnc-runtime\/data/);
  });

  it('the emitted folder moved outside the repo installs nothing it does not list, type-checks, trains and saves beside itself', () => {
    // Named main.nn: its module must not collide with the emitted main.ts.
    const dir = scratch.make('compile-moved-');
    writeFileSync(join(dir, 'series.csv'), `value\n${Array.from({ length: 40 }, (_, i) => Math.sin(i / 4).toFixed(4)).join('\n')}\n`);
    writeFileSync(join(dir, 'main.nn'), `
model Net {
  input x: [batch, 4, 1]
  flatten
  dense(1)
}
data waves = windows(csv("series.csv", columns: ["value"]), lookback: 4, horizon: 1)
train Net on waves { loss: mse
  epochs: 1
  batch_size: 16
  save: "ckpt" }
`);
    expect(nnc('compile', join(dir, 'main.nn'), '-o', join(dir, 'e')).code).toBe(0);
    expect(existsSync(join(dir, 'e', 'main_nn.ts'))).toBe(true);
    const moved = mkdtempSync(join(tmpdir(), 'nnc-moved-'));
    try {
      cpSync(join(dir, 'e'), moved, { recursive: true });
      copyFileSync(join(dir, 'series.csv'), join(moved, 'series.csv'));
      // No network here: instead of `npm install`, node_modules holds links to exactly the
      // packages package.json lists (resolved from this repo's node_modules). A package the
      // program imports but does not list fails to resolve, as after a real install.
      const pkg = JSON.parse(readFileSync(join(moved, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string>; devDependencies: Record<string, string> };
      for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {}), ...Object.keys(pkg.devDependencies)]) {
        mkdirSync(dirname(join(moved, 'node_modules', name)), { recursive: true });
        symlinkSync(resolve('node_modules', name), join(moved, 'node_modules', name), 'dir');
      }
      const typed = node([join(moved, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', moved]);
      expect(typed.stdout + typed.stderr).toBe('');
      const movedTsx = join(moved, 'node_modules/tsx/dist/cli.mjs');
      const miss = node([movedTsx, 'main.ts', '--task', 'gan'], moved);
      expect(miss.code).toBe(2);
      expect(miss.stderr).toBe('error: no task gan (tasks: train:Net)\n');
      const run = node([movedTsx, 'main.ts', '--backend', 'cpu', '--seed', '3', '--task', 'train:Net'], moved);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/epoch 1\/1/);
      expect(existsSync(join(moved, 'ckpt', 'model.json'))).toBe(true);
      expect(existsSync(join(dir, 'ckpt'))).toBe(false);
      expect(existsSync(join(dir, 'e', 'ckpt'))).toBe(false);
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  }, 120_000);

  it('escapes line separators in comments, refuses to write through links', () => {
    const dir = project('');
    // U+2028 would end a `//` comment early; what follows it would run on import.
    const name = 'evil\u2028globalThis.pwned = 1;\u2029 x.nn';
    writeFileSync(join(dir, name), `
/// Doc \u2028 globalThis.pwned = 2; */ end
model M {
  input x: [batch, 2]
  dense(1)
}
`);
    expect(nnc('compile', join(dir, name), '-o', join(dir, 'e')).code).toBe(0);
    const mod = readdirSync(join(dir, 'e')).find((f) => f.endsWith('.ts'))!;
    const text = readFileSync(join(dir, 'e', mod), 'utf8');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    const r = node(['--import', 'tsx', '-e', `import(${JSON.stringify(join(dir, 'e', mod))}).then((m) => console.log(typeof m.buildM, globalThis.pwned))`]);
    expect(r.stdout.trim()).toBe('function undefined');

    // A dangling main.ts link and a linked nnc-runtime/: refused even with --force, nothing written through them.
    const sine = project(SINE);
    mkdirSync(join(sine, 'e'));
    symlinkSync(join(sine, 'outside.ts'), join(sine, 'e', 'main.ts'));
    let c = nnc('compile', join(sine, 'm.nn'), '-o', join(sine, 'e'), '--force');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^nnc: refusing to write through the symbolic link .*main\.ts\n$/);
    expect(existsSync(join(sine, 'outside.ts'))).toBe(false);
    rmSync(join(sine, 'e', 'main.ts'));
    mkdirSync(join(sine, 'elsewhere'));
    symlinkSync(join(sine, 'elsewhere'), join(sine, 'e', 'nnc-runtime'));
    c = nnc('compile', join(sine, 'm.nn'), '-o', join(sine, 'e'), '--force');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/symbolic link .*nnc-runtime/);
    expect(readdirSync(join(sine, 'elsewhere'))).toEqual([]);
  });

  it('the data table names the npm packages the runtime reads data from', () => {
    const runtime = ['sources.ts', 'packaged.ts'].map((f) => readFileSync(join('runtime/data', f), 'utf8')).join('\n');
    const named = [...DATA_SOURCES.values()].filter((d) => d.npm);
    expect(named.length).toBeGreaterThanOrEqual(8);
    for (const d of named) expect(runtime, d.name).toContain(`'${d.npm}'`);
  });

  it('the emitted code of the LSTM example matches its golden file', () => {
    const entry = resolve('examples/seed/lstm.nn');
    const files = emitProgram(check(entry, nodeHost), entry).files;
    const text = `${files.get('lstm.ts')}\n// ---- main.ts ----\n${files.get('main.ts')}`;
    const golden = 'test/golden/lstm.emitted.ts.txt';
    if (process.env['UPDATE_GOLDEN'] || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
