// The dream and style_transfer tasks end to end, as a user runs them: a small convnet saved
// as a tfjs model.json, pictures written here, `nnc run` on cpu; then the same program
// through `nnc compile`, which must write the same pictures. Plus the pieces (octave sizes,
// Gram matrix, total variation) against hand-computed values.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoScratch } from '../helpers.js';
import { selectBackend } from '../../runtime/backend.js';
import { readImage } from '../../runtime/io/image.js';
import { encodePng } from '../../runtime/io/png.js';
import { octaveSizes } from '../../runtime/tasks/dream.js';
import { gram, totalVariation } from '../../runtime/tasks/style.js';
import { writeKerasModel } from '../h5.js';

const scratch = repoScratch();
afterAll(scratch.removeAll);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('pieces', () => {
  it('octave sizes grow by the scale up to the image', () => {
    expect(octaveSizes(100, 140, 3, 1.4)).toEqual([[51, 71], [71, 100], [100, 140]]);
    expect(octaveSizes(30, 30, 1, 2)).toEqual([[30, 30]]);
  });

  it('gram is FᵀF / (h·w) and total variation the mean squared neighbour difference', () => {
    const f = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]); // pixels (1,2) (3,4) (5,6) (7,8)
    // Σ a² = 1+9+25+49 = 84, Σ ab = 2+12+30+56 = 100, Σ b² = 4+16+36+64 = 120; / 4 pixels.
    expect(Array.from(gram(f).dataSync())).toEqual([21, 25, 25, 30]);
    const x = tf.tensor4d([0, 1, 3, 7], [1, 2, 2, 1]);
    // down: (3-0)², (7-1)² → 22.5; across: (1-0)², (7-3)² → 8.5.
    expect(totalVariation(x).dataSync()[0]).toBeCloseTo(31, 5);
  });
});

const node = (args: string[], cwd = '.') => {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const nnc = (...args: string[]) => node(['bin/nnc.js', ...args]);

/** A tiny convnet with the shape of a real one (conv, batch norm, relu, pooling, concat). */
async function saveConvnet(dir: string): Promise<void> {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: k });
  const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
  const c1 = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1), name: 'conv1' }).apply(input);
  const b1 = tf.layers.batchNormalization({ scale: false, name: 'bn1' }).apply(c1);
  const r1 = tf.layers.activation({ activation: 'relu', name: 'block1' }).apply(b1);
  const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(r1);
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2), name: 'branch_a' }).apply(p1);
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu', kernelInitializer: init(3), name: 'branch_b' }).apply(p1);
  const mixed = tf.layers.concatenate({ name: 'block2' }).apply([a, b] as tf.SymbolicTensor[]);
  const model = tf.model({ inputs: input, outputs: mixed as tf.SymbolicTensor });
  await writeKerasModel(join(dir, 'net.h5'), model);
  await model.save(tf.io.withSaveHandler(async (art) => {
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(art.weightData as ArrayBuffer));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

/** A picture: smooth colour gradients with stripes (diagonal, or checks for the painting). */
function picture(h: number, w: number, phase: number, checks = false): Buffer {
  const data = new Float32Array(h * w * 3);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    const p = (i * w + j) * 3;
    data[p] = i / h;
    data[p + 1] = 0.5 + 0.4 * Math.sin((j + phase) / 2);
    data[p + 2] = checks ? ((i >> 1) + (j >> 1)) % 2 : (i + j) % 7 < 2 ? 0.9 : 0.2;
  }
  return encodePng({ data, height: h, width: w, channels: 3 });
}

const PROGRAM = `
import std.dream
import std.style

data photo = image("photo.png", height: 24, width: 32)
data painting = image("painting.png", height: 20, width: 20)

dream Small on photo {
  network: load("net/model.json")
  layers: { block1: 0.5, block2: 1.0 }
  octaves: 2
  iterations: 6
  step: 0.01
  save: "dream"
}

style_transfer Painted on photo {
  network: load("net/model.json")
  style: painting
  content_layer: "block2"
  style_layers: ["block1", "block2"]
  style_weight: 10000
  tv_weight: 0.1
  optimizer: adam(lr: 0.05)
  iterations: 60
  save_every: 0
  save: "style"
}
`;

describe('dream and style_transfer, end to end', () => {
  const dir = scratch.make('dream-style-');
  beforeAll(async () => {
    mkdirSync(join(dir, 'net'));
    await saveConvnet(join(dir, 'net'));
    writeFileSync(join(dir, 'photo.png'), picture(24, 32, 0));
    writeFileSync(join(dir, 'painting.png'), picture(20, 20, 3, true));
    writeFileSync(join(dir, 'm.nn'), PROGRAM);
  });

  it('checks clean, then dreams: every octave raises the loss, the result excites the layers more', () => {
    expect(nnc('check', join(dir, 'm.nn')).code).toBe(0);
    const r = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--task', 'Small');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'dream', 'metrics.json'), 'utf8'));
    const d = m.dreams[0];
    expect(d.octaves.map((o: { size: number[] }) => o.size)).toEqual([[17, 23], [24, 32]]);
    for (const o of d.octaves) expect(o.lossEnd).toBeGreaterThan(o.lossStart);
    expect(d.gain).toBeGreaterThan(1.5);
    const png = readImage(join(dir, 'dream', 'dream.png'));
    expect([png.height, png.width]).toEqual([24, 32]);
    const original = readImage(join(dir, 'photo.png'));
    const changed = png.data.filter((v, i) => Math.abs(v - original.data[i]!) > 2 / 255).length;
    expect(changed).toBeGreaterThan(png.data.length / 4);
  });

  it('transfers style: the style loss falls tenfold, content loss stays small', () => {
    const r = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--task', 'Painted');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'style', 'metrics.json'), 'utf8'));
    expect(m.start.content).toBe(0);
    expect(m.end.content).toBeLessThan(m.contentOfStyle);
    expect(m.start.style / m.end.style).toBeGreaterThan(10);
    expect(m.end.total).toBeLessThan(m.start.total);
    expect(readFileSync(join(dir, 'style', 'loss.svg'), 'utf8')).toContain('<svg');
    expect(readImage(join(dir, 'style', 'style.png')).width).toBe(32);
  });

  it('the compiled program writes the same pictures', () => {
    // Compiled into the .nn file's own folder: the emitted program resolves paths from its
    // folder (as nnc run does from the .nn file's), so it reads the same photo and network.
    expect(nnc('compile', join(dir, 'm.nn'), '-o', dir).code).toBe(0);
    const run = node([resolve('node_modules/tsx/dist/cli.mjs'), 'main.ts', '--backend', 'cpu'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // It wrote over the same files, so compare against a fresh nnc run in another folder.
    const again = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu', '--task', 'Small', '--out', join(dir, 'again'));
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'dream', 'dream.png')).equals(readFileSync(join(dir, 'again', 'dream.png')))).toBe(true);
  });
});

describe('a whole Keras model in HDF5', () => {
  it('is checked through its model_config and dreams exactly like its model.json twin', async () => {
    const dir = scratch.make('dream-h5-');
    await saveConvnet(dir);
    writeFileSync(join(dir, 'photo.png'), picture(24, 32, 0));
    const program = (net: string, save: string) => `import std.dream
data photo = image("photo.png", height: 24, width: 32)
dream D on photo {
  network: ${net}
  layers: { block1: 0.5, block2: 1.0 }
  octaves: 2
  iterations: 4
  save: "${save}"
}
`;
    writeFileSync(join(dir, 'h5.nn'), program('load("net.h5")', 'from_h5'));
    writeFileSync(join(dir, 'json.nn'), program('load("model.json")', 'from_json'));
    writeFileSync(join(dir, 'typo.nn'), program('load("net.h5")', 'x').replace('block2', 'blok2'));
    const typo = nnc('check', join(dir, 'typo.nn'));
    expect(typo.stdout + typo.stderr).toMatch(/E0413.*has no layer 'blok2'[\s\S]*did you mean 'block2'/);
    for (const f of ['h5.nn', 'json.nn']) {
      const r = nnc('run', join(dir, f), '--backend', 'cpu');
      expect(r.stderr).toBe('');
    }
    expect(readFileSync(join(dir, 'from_h5', 'dream.png')).equals(readFileSync(join(dir, 'from_json', 'dream.png')))).toBe(true);
    writeFileSync(join(dir, 'fake.h5'), 'not hdf5');
    writeFileSync(join(dir, 'fake.nn'), program('load("fake.h5")', 'x'));
    const fake = nnc('check', join(dir, 'fake.nn'));
    expect(fake.stdout + fake.stderr).toMatch(/E0411.*cannot read fake\.h5: not an HDF5 file/);
  });
});

describe('dreaming through a model of the file', () => {
  it('loads the weights its train task saved and names layers as the file does', async () => {
    const dir = scratch.make('dream-own-');
    writeFileSync(join(dir, 'photo.png'), picture(16, 16, 1));
    const source = `
import std.dream
model Convnet {
  input image: [batch, 16, 16, 3]
  edges = image -> conv2d(6, 3, padding: same, activation: relu)
  edges -> max_pooling2d(2) -> flatten -> dense(2, activation: softmax)
}
data photo = image("photo.png", height: 16, width: 16)
dream Own on photo {
  network: Convnet
  weights: "trained"
  layers: { edges: 1.0 }
  octaves: 1
  iterations: 4
}
`;
    writeFileSync(join(dir, 'm.nn'), source);
    // Stand in for the train task: the model as nnc builds it, saved as train saves it.
    const { check } = await import('../../compiler/check/checker.js');
    const { nodeHost } = await import('../../driver/host.js');
    const { buildModel } = await import('../../runtime/interpret/build.js');
    const { saveCheckpoint } = await import('../../runtime/io/checkpoint.js');
    const checked = check(join(dir, 'm.nn'), nodeHost);
    expect(checked.diagnostics).toEqual([]);
    const model = buildModel(checked.program.models.get('Convnet')!);
    mkdirSync(join(dir, 'trained'));
    await saveCheckpoint(model, join(dir, 'trained'), '1', {});
    const r = nnc('run', join(dir, 'm.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/layers edges×1/);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'own', 'metrics.json'), 'utf8'));
    expect(m.dreams[0].gain).toBeGreaterThan(1);
  });
});
