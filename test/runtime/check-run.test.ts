// What `nnc check` accepts, `nnc run` runs (issue 17): a differential test over loss × output
// activation × output rank × output width × data source, and over the fields of every task
// kind. Each program is checked; an accepted one runs one training step (or the smallest
// run of its kind) on the cpu backend through `runTasks`, the path of `nnc run`, and must not
// throw; a rejected one must carry a diagnostic with a code inside the task.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { DataValue } from '../../compiler/ir.js';
import { TASKS } from '../../compiler/tasks/index.js';
import { LOSSES } from '../../compiler/tasks/vocab.js';
import { nodeHost } from '../../driver/host.js';
import { selectBackend } from '../../runtime/backend.js';
import { DenseColumn, type RuntimeData } from '../../runtime/data/column.js';
import { makeLoader } from '../../runtime/interpret/loaders.js';
import { runTasks } from '../../runtime/interpret/run.js';
import { encodePng } from '../../runtime/io/png.js';
import { silentReporter } from '../../runtime/progress.js';
import type { Session } from '../../runtime/session.js';
import { NncError } from '../../runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nnc-checkrun-'));
let programs = 0;

function idxFile(name: string, dims: number[], values: number[]): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  [0, 0, 8, dims.length].forEach((b, i) => head.writeUInt8(b, i));
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(values)]));
}

function png(path: string, height: number, width: number, seed: number): void {
  const data = Float32Array.from({ length: height * width * 3 }, (_, i) => ((i * 37 + seed * 11) % 97) / 96);
  writeFileSync(path, encodePng({ data, height, width, channels: 3 }));
}

/** A tiny convnet saved as a tfjs model.json (the network of dream and style_transfer). */
async function saveConvnet(at: string): Promise<void> {
  mkdirSync(at, { recursive: true });
  const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }).apply(input);
  const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(c1);
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }).apply(p1);
  const model = tf.model({ inputs: input, outputs: c2 as tf.SymbolicTensor });
  await model.save(tf.io.withSaveHandler(async (art) => {
    writeFileSync(join(at, 'weights.bin'), new Uint8Array(art.weightData as ArrayBuffer));
    writeFileSync(join(at, 'model.json'), JSON.stringify({ modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

beforeAll(async () => {
  await selectBackend('cpu');
  const rows = Array.from({ length: 24 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 3}`);
  writeFileSync(join(dir, 's.csv'), 'a,b,c\n' + rows.join('\n') + '\n');
  writeFileSync(join(dir, 'c.txt'), 'the cat sat on the mat. the dog sat on the log. '.repeat(2));
  idxFile('img.idx', [6, 4, 4], Array.from({ length: 96 }, (_, i) => (i * 29) % 256));
  idxFile('lab.idx', [6], [0, 1, 2, 0, 1, 2]);
  mkdirSync(join(dir, 'imgs'));
  for (let i = 0; i < 3; i++) png(join(dir, 'imgs', `p${i}.png`), 8, 8, i);
  png(join(dir, 'photo.png'), 24, 24, 7);
  png(join(dir, 'style.png'), 16, 16, 3);
  await saveConvnet(join(dir, 'net'));
});

/** Loaded data shared between runs (keyed by the checked call), so each source loads once. */
const loaded = new Map<string, Promise<RuntimeData>>();
const baseLoad = makeLoader(dir);
const key = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (x instanceof Map ? [...x] : x));
/** tokenize(spam_assassin()) reads and tokenizes 6,000 emails (seconds on the CI machine); the
 *  runs take 40 token rows and labels of the same type instead (test/runtime/data.test.ts
 *  tests tokenize itself). */
const tokens = (): RuntimeData => ({
  kind: 'dataset', info: {},
  x: new DenseColumn(Int32Array.from({ length: 160 }, (_, i) => (i * 7) % 50), [4]),
  y: DenseColumn.of(Array.from({ length: 40 }, (_, i) => [i % 2])),
});
const load = (v: DataValue) => {
  const k = key({ source: v.source, args: v.args });
  if (!loaded.has(k)) loaded.set(k, k.includes('"spam_assassin"') ? Promise.resolve(tokens()) : baseLoad(v));
  return loaded.get(k)!;
};

function session(out: string): Session {
  return { flags: { resume: false, out, seed: 1 }, reporter: silentReporter, interrupt: { requested: false }, report: (r) => (r.status === 'nan' ? 1 : 0), loading: async (load) => load(), close: () => {} };
}

type Outcome = { accepted: true } | { accepted: false; errors: Diagnostic[] };

/** Checks `text` as a file of the temp folder; runs its tasks when it checks. */
async function checkAndRun(text: string, tasks?: string[]): Promise<Outcome> {
  const file = join(dir, `p${++programs}.nn`);
  writeFileSync(file, text);
  const r = check(file, nodeHost, text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { accepted: false, errors };
  const run = tasks ? r.program.tasks.filter((t) => tasks.includes(t.name)) : r.program.tasks;
  // Every task, in order, as `nnc run` does; an exception here is the bug this test hunts.
  await runTasks(file, run, session(join(dir, `out${programs}`)), load);
  return { accepted: true };
}

/** The offset range of the line(s) holding `needle` in `text`. */
function linesOf(text: string, needle: string): { start: number; end: number } {
  const at = text.indexOf(needle);
  expect(at, `'${needle}' is in the program`).toBeGreaterThanOrEqual(0);
  return { start: text.lastIndexOf('\n', at) + 1, end: text.indexOf('\n', at + needle.length) };
}

type Range = { start: number; end: number };

function expectDiagnosticWithin(o: Outcome, text: string, where: Range | Range[], what: string): Diagnostic {
  expect(o.accepted, `${what}: rejected`).toBe(false);
  const errors = o.accepted ? [] : o.errors;
  const ranges = Array.isArray(where) ? where : [where];
  const d = errors.find((e) => ranges.some((r) => e.span.start >= r.start && e.span.start <= r.end));
  expect(d, `${what}: a diagnostic inside ${ranges.map((r) => JSON.stringify(text.slice(r.start, r.end))).join(' or ')}, got ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}`).toBeDefined();
  expect(d!.code).toMatch(/^E\d{4}$/);
  return d!;
}

// ---------------------------------------------------------------------------------------
// train: loss × output activation × output rank × output width × data source.

interface Source { name: string; imports: string; data: string; input: string; y: string }
const SOURCES: Source[] = [
  { name: 'csv windows', imports: '', data: 'windows(csv("s.csv", columns: ["a", "b"]), lookback: 4, step: 2)', input: '[batch, 4, 2]', y: '2' },
  { name: 'csv windows (target)', imports: '', data: 'windows(normalize(csv("s.csv", columns: ["a", "c"])), lookback: 4, step: 2, target: 1)', input: '[batch, 4, 2]', y: '1' },
  { name: 'char sequences', imports: '', data: 'char_sequences(text("c.txt"), maxlen: 5, step: 9)', input: '[batch, 5, vocab]', y: 'vocab' },
  { name: 'mnist', imports: 'import std.data\n', data: 'mnist(count: 8)', input: '[batch, 28, 28, 1]', y: '10' },
  { name: 'idx', imports: 'import std.data\n', data: 'idx("img.idx", labels: "lab.idx", height: 4, width: 4, classes: 3)', input: '[batch, 4, 4, 1]', y: '3' },
  { name: 'images', imports: '', data: 'images("imgs", height: 8, width: 8)', input: '[batch, 8, 8, 3]', y: '3' },
  { name: 'clusters', imports: 'import std.data\n', data: 'clusters(idx("img.idx", height: 4, width: 4), 2)', input: '[batch, 4, 4, 1]', y: '2' },
  { name: 'tokenize', imports: 'import std.data\n', data: 'tokenize(spam_assassin(), vocab_size: 50, length: 4)', input: 'int32[batch, 4]', y: '2' },
];
const ACTIVATIONS = ['', ', activation: softmax', ', activation: sigmoid', ', activation: tanh'];

function trainProgram(s: Source, loss: string, activation: string, rank: 2 | 3, units: string, extra = ''): string {
  const body = s.input.startsWith('int32') ? '  embedding(50, 3)\n  flatten\n' : '  flatten\n';
  const widen = rank === 3 ? '  repeat_vector(2)\n' : '';
  return `${s.imports}model M {
  input x: ${s.input}
${body}${widen}  dense(${units}${activation})
}
data d = ${s.data}
train M on d {
  loss: ${loss}
  epochs: 1
  batch_size: 64
${extra}}
`;
}

describe('train: what check accepts, run runs', () => {
  const tally = { accepted: 0, rejected: 0 };
  for (const s of SOURCES) {
    it(`${s.name}: every loss × activation × rank × width`, async () => {
      for (const loss of LOSSES) {
        for (const activation of ACTIVATIONS) {
          for (const rank of [2, 3] as const) {
            for (const units of new Set([s.y, '1'])) {
              const text = trainProgram(s, loss, activation, rank, units);
              const what = `${s.name}, ${loss}, dense(${units}${activation}), rank ${rank}`;
              const o = await checkAndRun(text).catch((e: Error) => { throw new Error(`${what}: checked, then the run threw: ${e.message}`); });
              if (o.accepted) tally.accepted++;
              else {
                tally.rejected++;
                expectDiagnosticWithin(o, text, { start: text.indexOf('data d'), end: text.length }, what);
              }
            }
          }
        }
      }
    });
  }

  it('covers both sides of the matrix', () => {
    // 8 sources × 6 losses × 4 activations × 2 ranks × 1 or 2 widths.
    expect(tally.accepted + tally.rejected).toBe(720);
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.rejected).toBeGreaterThan(100);
  });

  it('the Keras pairings: sparse on one-hot mnist runs; class ids or values and the wrong loss are refused at the loss field', async () => {
    const mnist = SOURCES.find((s) => s.name === 'mnist')!;
    expect(await checkAndRun(trainProgram(mnist, 'sparse_categorical_crossentropy', ', activation: softmax', 2, '10', '  metrics: [accuracy]\n'))).toEqual({ accepted: true });
    // Multi-label: several sigmoid units under binary cross-entropy.
    expect(await checkAndRun(trainProgram(mnist, 'binary_crossentropy', ', activation: sigmoid', 2, '10'))).toEqual({ accepted: true });
    const cases: [Source, string, RegExp][] = [
      [SOURCES.find((s) => s.name === 'tokenize')!, 'categorical_crossentropy', /categorical_crossentropy needs one-hot labels \[n, classes\], found class ids \[n, 1\]/],
      [SOURCES.find((s) => s.name === 'csv windows')!, 'sparse_categorical_crossentropy', /sparse_categorical_crossentropy needs class labels .*, found values \[n, 2\]/],
    ];
    for (const [s, loss, message] of cases) {
      const text = trainProgram(s, loss, ', activation: softmax', 2, s.y);
      const d = expectDiagnosticWithin(await checkAndRun(text), text, linesOf(text, `loss: ${loss}`), `${s.name} with ${loss}`);
      expect(d.code).toBe('E0405');
      expect(d.message).toMatch(message);
      expect(d.help).toMatch(loss === 'categorical_crossentropy' ? /sparse_categorical_crossentropy/ : /mse/);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Every field of every task kind: a base program that runs, and each field varied.

interface Kind {
  kind: string;
  /** The test's name where one kind has two cases. */
  title?: string;
  base: (fields: Record<string, string>) => string;
  fields: Record<string, string>;
  variants: Record<string, string[]>;
  /** Fields that must agree with each other: a mismatch may be reported at either one. */
  related?: string[];
  /** `field: value` pairs the checker cannot judge because they depend on what the data hold
   *  (characters of the corpus): the run must end in a one-line error of the user's, no crash. */
  dataDependent?: Record<string, RegExp>;
}

const windows = 'windows(csv("s.csv", columns: ["a", "b"]), lookback: 4, step: 2, target: 0)';
const KINDS: Kind[] = [
  {
    kind: 'train',
    base: (f) => `model M {
  input x: [batch, 4, 2]
  flatten
  dense(1)
}
data d = ${windows}
data other = windows(csv("s.csv", columns: ["a", "b", "c"]), lookback: 4, target: 0)
data letters = text("c.txt")
train M on d {
${fieldLines(f)}}
`,
    fields: { loss: 'mse', epochs: '1', batch_size: '64' },
    variants: {
      loss: ['huber', 'sparse_categorical_crossentropy', 'bogus'],
      optimizer: ['adam(lr: 0.01)', 'rmsprop()', 'sgd(momentum: 0.9)', 'sgd(lr: 0)', 'adam(lr: -1)', 'nadam()'],
      epochs: ['2', '0'],
      batch_size: ['1', '0', '2.5'],
      validation_split: ['0.5', '0.99', '1', '-0.1'],
      validation_data: ['d', 'split(d, 0.5, part: second)', 'other', 'letters', 'M'],
      metrics: ['[mae, mse, accuracy]', '[]', '[precision]'],
      early_stopping: ['{ patience: 1 }', '{ patience: 1, monitor: loss }', '{ patience: 0 }', '{ wait: 1 }', '{ patience: "x" }', '{ monitor: accuracy }'],
      restore_best: ['false', '3'],
      seed: ['0', '7', '-1'],
      shuffle: ['false'],
      save: ['"out/m"', '3'],
    },
  },
  {
    kind: 'evaluate',
    base: (f) => `model M {
  input x: [batch, 4, 2]
  flatten
  dense(1)
}
data d = ${windows}
train M on d { loss: mse, epochs: 1, batch_size: 64, metrics: [mae] }
evaluate M on d {
${fieldLines(f)}}
`,
    fields: {},
    variants: {
      checkpoint: ['"out/m"'],
      loss: ['mae', 'huber', 'sparse_categorical_crossentropy', 'bogus'],
      metrics: ['[mae, mse]', '[]', '[precision]'],
      batch_size: ['1', '0'],
    },
  },
  {
    kind: 'predict',
    base: (f) => `model M {
  input x: [batch, 4, 2]
  flatten
  dense(1)
}
data d = ${windows}
train M on d { loss: mse, epochs: 1, batch_size: 64 }
predict M on d {
${fieldLines(f)}}
`,
    fields: {},
    variants: {
      checkpoint: ['"out/m"'],
      save: ['"p.csv"', '3'],
      batch_size: ['1', '0'],
    },
  },
  {
    kind: 'vae',
    base: (f) => `import std.data
import std.vae
model Enc3 {
  input image: [batch, 4, 4, 1]
  h = image -> flatten -> dense(4)
  output a: h -> dense(2), b: h -> dense(2), c: h -> dense(2)
}
data d = idx("img.idx", height: 4, width: 4)
data photos = images("imgs", height: 8, width: 8)
vae V on d {
${fieldLines(f)}}
`,
    fields: { encoder: 'DenseEncoder(height: 4, width: 4, hidden: 4)', decoder: 'DenseDecoder(height: 4, width: 4, hidden: 4)', epochs: '1', batch_size: '8', grid: '2' },
    variants: {
      encoder: ['DenseEncoder(latent: 3, height: 4, width: 4, hidden: 4)', 'DenseEncoder(height: 8, width: 8, hidden: 4)', 'Enc3', 'DenseDecoder()'],
      decoder: ['DenseDecoder(latent: 3, height: 4, width: 4)', 'DenseDecoder(height: 4, width: 4, channels: 3)', 'ConvDecoder(height: 4, width: 4)'],
      reconstruction: ['mse', 'mae'],
      kl_weight: ['0', '2.5', '-1'],
      optimizer: ['sgd()', 'rmsprop(lr: 0.01)'],
      epochs: ['2', '0'],
      batch_size: ['1', '100'],
      grid: ['1', '3', '0'],
      lattice: ['encoded', 'linear', 'data', 'grey'],
      seed: ['3'],
      save: ['"out/v"'],
    },
    related: ['encoder', 'decoder'],
  },
  {
    kind: 'gan',
    base: (f) => `import std.data
import std.gan
data d = idx("img.idx", height: 4, width: 4)
gan G on d {
${fieldLines(f)}}
`,
    fields: { generator: 'DenseGenerator(latent: 2, height: 4, width: 4, hidden: 4)', discriminator: 'DenseDiscriminator(height: 4, width: 4, hidden: 4)', steps: '1', batch_size: '4', sample_every: '1', grid: '2' },
    variants: {
      generator: ['DenseGenerator(latent: 2, height: 8, width: 8, hidden: 4)', 'DcganGenerator(latent: 2, height: 4, width: 4)', 'DenseDiscriminator(height: 4, width: 4)'],
      discriminator: ['DenseDiscriminator(height: 4, width: 4, channels: 3)', 'DcganDiscriminator(height: 4, width: 4)', 'DenseGenerator(latent: 2, height: 4, width: 4)'],
      steps: ['2', '0'],
      batch_size: ['1', '100'],
      d_optimizer: ['adam(lr: 0.01)', 'sgd()'],
      g_optimizer: ['adam(beta1: 0.5)'],
      clip_value: ['0', '-1'],
      pixels: ['unit', 'grey'],
      label_noise: ['0', '1', '2'],
      real_label: ['0.9', '0.4'],
      d_steps: ['2', '0'],
      ema: ['0.99', '1'],
      sample_every: ['5', '0'],
      grid: ['1', '3'],
      seed: ['4'],
      save: ['"out/g"'],
    },
    related: ['generator', 'discriminator'],
  },
  {
    kind: 'gan',
    title: 'conditional gan',
    base: (f) => `import std.data
import std.gan
data d = idx("img.idx", labels: "lab.idx", height: 4, width: 4, classes: 3)
model RawHead {
  input image: [batch, 4, 4, 1]
  h = image -> flatten -> dense(4)
  output score: h -> dense(1, activation: sigmoid), class: h -> dense(3)
}
gan G on d {
${fieldLines(f)}}
`,
    fields: { generator: 'ConditionalDcganGenerator(latent: 2, classes: 3, height: 4, width: 4)', discriminator: 'ConditionalDcganDiscriminator(classes: 3, height: 4, width: 4)', steps: '1', batch_size: '4', sample_every: '1', grid: '2' },
    variants: {
      generator: ['ConditionalDcganGenerator(latent: 2, classes: 1, height: 4, width: 4)', 'ConditionalDcganGenerator(latent: 3, classes: 5, height: 4, width: 4)', 'ConditionalDcganGenerator(latent: 2, classes: 3, height: 8, width: 8)', 'DcganGenerator(latent: 2, height: 4, width: 4)', 'ConditionalDcganDiscriminator(classes: 3, height: 4, width: 4)'],
      discriminator: ['ConditionalDcganDiscriminator(classes: 2, height: 4, width: 4)', 'DcganDiscriminator(height: 4, width: 4)', 'ConditionalDcganGenerator(latent: 2, classes: 3, height: 4, width: 4)', 'RawHead'],
      class_weight: ['0', '2.5', '-1'],
      ema: ['0.9'],
      grid: ['3'],
      pixels: ['unit'],
      save: ['"out/c"'],
    },
    related: ['generator', 'discriminator'],
  },
  {
    kind: 'dream',
    base: (f) => `import std.dream
data photo = image("photo.png", height: 24, width: 24)
data several = images("imgs", height: 8, width: 8)
dream D on photo {
${fieldLines(f)}}
`,
    fields: { network: 'load("net/model.json")', layers: '{ conv2: 1.0 }', octaves: '1', iterations: '1' },
    variants: {
      network: ['load("net/model.json", pixels: signed)', 'load("missing/model.json")'],
      weights: ['"net"'],
      layers: ['{ conv1: 0.5, conv2: 2 }', '{ pool1: 1 }', '{ conv9: 1 }', '{ }'],
      octaves: ['2', '4', '9', '0'],
      octave_scale: ['1.4', '3', '1'],
      iterations: ['2', '0'],
      step: ['0.5', '0'],
      max_loss: ['0.001', '-1'],
      normalize_gradient: ['false'],
      detail: ['false'],
      save: ['"out/d"'],
    },
  },
  {
    kind: 'style_transfer',
    base: (f) => `import std.style
data photo = image("photo.png", height: 24, width: 24)
data painting = image("style.png", height: 16, width: 16)
data letters = text("c.txt")
style_transfer S on photo {
${fieldLines(f)}}
`,
    fields: { network: 'load("net/model.json")', style: 'painting', content_layer: '"conv2"', style_layers: '["conv1", "conv2"]', iterations: '1', save_every: '0' },
    variants: {
      network: ['load("net/model.json", pixels: caffe)'],
      weights: ['"net"'],
      style: ['photo', 'image("style.png", height: 4, width: 4)', 'image("style.png", height: 1, width: 1)', 'letters'],
      content_layer: ['"pool1"', '"conv3"'],
      style_layers: ['["pool1"]', '[]', '["nope"]'],
      content_weight: ['0', '-1'],
      style_weight: ['0.5'],
      tv_weight: ['0'],
      optimizer: ['sgd(lr: 0.1)'],
      iterations: ['2', '0'],
      save_every: ['1', '5'],
      save: ['"out/s"'],
    },
  },
  {
    kind: 'generate_text',
    base: (f) => `import std.text
model Chars {
  input x: [batch, 5, vocab]
  flatten
  dense(vocab, activation: softmax)
}
data chars = char_sequences(text("c.txt"), maxlen: 5, step: 9)
train Chars on chars { loss: categorical_crossentropy, epochs: 1, batch_size: 64, save: "model" }
generate_text Chars on chars {
${fieldLines(f)}}
`,
    fields: { temperatures: '[1.0]', length: '3' },
    variants: {
      checkpoint: ['"model"'],
      temperatures: ['[0.2, 0.5, 1.0, 1.2]', '[]', '[0]', '[100]'],
      length: ['1', '0'],
      seed_text: ['"the cat sat"', '"at"', '""', '"THE CAT"'],
      seed: ['9'],
      save: ['"out/t"'],
    },
    dataDependent: { 'seed_text: "THE CAT"': /seed_text has characters the model never saw: "T", "H", "E", "C", "A"/ },
  },
];

function fieldLines(f: Record<string, string>): string {
  return Object.entries(f).map(([k, v]) => `  ${k}: ${v}\n`).join('');
}

/** The values an enum field of a task kind's schema lists (none for other fields). */
function enumValues(kind: string, field: string): readonly string[] {
  const type = TASKS.get(kind)?.fields.find((f) => f.name === field)?.type;
  return type?.kind === 'enum' ? type.values : [];
}

describe('every field of every task kind: accepted runs, rejected has a diagnostic at the field', () => {
  for (const k of KINDS) {
    it(k.title ?? k.kind, async () => {
      const base = k.base(k.fields);
      expect(await checkAndRun(base), `the base ${k.kind} program`).toEqual({ accepted: true });
      for (const [field, values] of Object.entries(k.variants)) {
        for (const value of values) {
          const text = k.base({ ...k.fields, [field]: value });
          const what = `${k.kind} with ${field}: ${value}`;
          const dataDependent = k.dataDependent?.[`${field}: ${value}`];
          if (dataDependent) {
            const err = await checkAndRun(text).then(() => undefined, (e: unknown) => e as Error);
            expect(err?.message, what).toMatch(dataDependent);
            expect(err instanceof NncError, `${what}: a user's error, not an internal one`).toBe(true);
            continue;
          }
          const o = await checkAndRun(text).catch((e: Error) => { throw new Error(`${what}: checked, then the run threw: ${e.message}`); });
          // A value the schema lists may misfit the program, but it must parse (`data`, a keyword, did not).
          if (enumValues(k.kind, field).includes(value) && !o.accepted) expect(o.errors.map((e) => e.code), `${what}: a value the schema lists`).not.toContain('E0101');
          if (o.accepted) continue;
          const at = k.related?.includes(field) ? k.related.map((r) => linesOf(text, `  ${r}: `)) : [];
          expectDiagnosticWithin(o, text, [linesOf(text, `  ${field}: ${value}`), ...at], what);
        }
      }
    });
  }
});
