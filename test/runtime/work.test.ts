// forwardMultiplyAdds (runtime/model/work.ts), which sizes the wasm thread pool for a task:
// plain layers, a `.nn` model used as a layer (once and twice), and a shared layer.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { nodeHost } from '../../driver/host.js';
import { selectBackend } from '../../runtime/backend.js';
import { buildModel } from '../../runtime/interpret/build.js';
import { forwardMultiplyAdds } from '../../runtime/model/work.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

function model(body: string, name = 'M'): tf.LayersModel {
  const r = check('work.nn', nodeHost, `import std.convseq\n\nmodel Block {\n  input x: [batch, time, 4]\n  conv1d(8, 3)\n}\n\n${body}\n`);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return buildModel(r.program.models.get(name)!);
}

describe('forwardMultiplyAdds', () => {
  it('counts weights times the positions they slide over', () => {
    // conv1d(8, 3) over 10 steps of 4 features: (3·4·8 + 8) weights at 8 output steps; then
    // dense(2) over 8 · 8 flattened values: 130 weights once.
    expect(forwardMultiplyAdds(model('model M {\n  input x: [batch, 10, 4]\n  conv1d(8, 3)\n  flatten\n  dense(2)\n}'))).toBe(104 * 10 + 130);
  });

  it('counts a nested model\'s layers (std.convseq\'s ConvStack, as examples/spam_conv1d.nn uses it)', () => {
    const m = model('model M {\n  input x: [batch, 50, 4]\n  ConvStack(filters: 8, kernel: 3, pool: 2)\n  dense(1)\n}');
    // conv1d over 50 → 48 steps (4 → 8), pooled to 24, conv1d to 22 steps (8 → 8), then dense(1).
    expect(forwardMultiplyAdds(m)).toBe(104 * 50 + 200 * 24 + 9);
  });

  it('counts a model called twice, twice', () => {
    const m = model('model M {\n  input x: [batch, 10, 4]\n  a = Block(x)\n  b = Block(x)\n  a + b\n}');
    expect(forwardMultiplyAdds(m)).toBe(2 * 104 * 10);
  });
});
