// Streamed CSV and class ids past the model's outputs, end to end through the CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nnc, projectFolder } from '../cli.js';

const folder = (files: Record<string, string | Uint8Array>) => projectFolder('nnc-stream-cli-', files);

/** Three separable classes of two features; `label` gives each row's class. */
function pointsCsv(n: number, label = (i: number) => String(i % 3)): string {
  const rows = ['u,v,kind'];
  const centre = [[1, 1], [4, 1], [2.5, 4]] as const;
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centre[i % 3]!;
    rows.push(`${(cx + Math.sin(i) * 0.3).toFixed(3)},${(cy + Math.cos(i * 1.7) * 0.3).toFixed(3)},${label(i)}`);
  }
  return rows.join('\n') + '\n';
}

const program = (data: string, extra = '') => `
model Points {
  input x: [batch, 2]
  dense(16, activation: relu)
  dense(3, activation: softmax)
}
data points = ${data}
train Points on points { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.05), epochs: 8, batch_size: 16, metrics: [accuracy], seed: 1, save: "out"${extra} }
`;

describe('streamed CSV through the CLI', () => {
  it('trains with stream: true, a shuffle buffer and a validation split; the epoch length is known', () => {
    const dir = folder({ 'p.csv': pointsCsv(300), 'p.nn': program('csv("p.csv", x: ["u", "v"], y: "kind", labels: ids, stream: true, shuffle_buffer: 50)', ', validation_split: 0.2') });
    expect(nnc('check', join(dir, 'p.nn')).code).toBe(0);
    const r = nnc('run', join(dir, 'p.nn'), '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train Points: 300 samples of \[2\]/);
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8')) as { final: { accuracy: number; val_accuracy: number } };
    expect(metrics.final.accuracy).toBeGreaterThan(0.9);
    expect(metrics.final.val_accuracy).toBeGreaterThan(0.9);
    // The trained model evaluated and used on the streamed file.
    writeFileSync(join(dir, 'p.nn'), readFileSync(join(dir, 'p.nn'), 'utf8') + 'evaluate Points on points { loss: sparse_categorical_crossentropy, metrics: [accuracy] }\npredict Points on points { save: "preds.csv" }\n');
    const e = nnc('run', join(dir, 'p.nn'), '--backend', 'cpu');
    expect(e.stderr).toBe('');
    expect(e.stdout).toMatch(/evaluate Points on 300 samples .*accuracy/);
    const preds = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(preds).toHaveLength(301);
  });

  // Row 5500 lies past the first 64 KiB the checker reads, so only the run can see it.
  it.each([['in memory', ''], ['streamed', ', stream: true']])('a class id past the output units is one line naming the file and row (%s)', (_, stream) => {
    const dir = folder({ 'p.csv': pointsCsv(6000, (i) => (i === 5500 ? '5' : String(i % 3))), 'p.nn': program(`csv("p.csv", x: ["u", "v"], y: "kind", labels: ids${stream})`).replace('epochs: 8', 'epochs: 1') });
    expect(nnc('check', join(dir, 'p.nn')).code).toBe(0);
    const r = nnc('run', join(dir, 'p.nn'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nnc: .*p\.csv:5502: class id 5 is past Points's 3 output units \(ids 0\.\.2\); give the model 6 or more units, or fix the label\n$/);
  });
});
