// std.text: temperature reweighting and draws by hand, and generate_text end to end on a
// tiny corpus through the CLI: deterministic with a seed, and sampling again from the
// checkpoint in a later run (the vocabulary travels with the weights).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoScratch } from '../helpers.js';
import { draw, reweight } from '../../runtime/tasks/generate.js';

const scratch = repoScratch();
afterAll(scratch.removeAll);

const nnc = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/nnc.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('temperature', () => {
  it('reweights p to p^(1/T), renormalised, as computed by hand; zeros stay zero', () => {
    const p = [0.5, 0.3, 0.2, 0];
    const sq = [0.25, 0.09, 0.04];
    const sum = sq.reduce((a, b) => a + b);
    expect([...reweight(p, 0.5)].map((x) => +x.toFixed(12))).toEqual([...sq.map((x) => +(x / sum).toFixed(12)), 0]);
    expect([...reweight(p, 1)].map((x) => +x.toFixed(12))).toEqual(p);
    const hot = reweight(p, 1e6);
    expect(hot[0]! - hot[2]!).toBeLessThan(1e-6); // flat over the possible ones
    expect(reweight(p, 0.01)[0]).toBeCloseTo(1, 10); // nearly argmax
  });

  it('draws by the cumulative distribution', () => {
    const p = [0.2, 0.5, 0.3];
    expect([0, 0.19, 0.21, 0.69, 0.71, 0.999].map((u) => draw(p, () => u))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(draw([0.5, 0.5, 0], () => 0.9999999999)).toBe(1);
  });
});

describe('generate_text', () => {
  const dir = scratch.make('text-');
  writeFileSync(join(dir, 'corpus.txt'), 'the cat sat on the mat. the dog sat on the log. '.repeat(12));
  writeFileSync(join(dir, 'gen.nn'), `import std.text
let maxlen = 8
model Chars {
  input x: [batch, maxlen, vocab]
  lstm(16)
  dense(vocab, activation: softmax)
}
data chars = char_sequences(text("corpus.txt"), maxlen: maxlen, step: 2)
train Chars on chars { loss: categorical_crossentropy, optimizer: adam(lr: 0.02), epochs: 3, batch_size: 16, save: "model" }
generate_text Chars on chars { temperatures: [0.5, 1.0], length: 30, save: "text" }
`);

  it('trains, then samples at each temperature from the saved model; the same seed gives the same text; a later run samples from the checkpoint alone', () => {
    const first = nnc('run', join(dir, 'gen.nn'), '--backend', 'cpu', '--seed', '3');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/--- temperature 0\.5 ---\n.{8}\|.{30}\n/);
    const samples = JSON.parse(readFileSync(join(dir, 'text', 'samples.json'), 'utf8'));
    expect(samples.samples.map((x: { temperature: number }) => x.temperature)).toEqual([0.5, 1]);
    expect(readFileSync(join(dir, 'text', 'sample-0.5.txt'), 'utf8')).toBe(samples.samples[0].seed + samples.samples[0].text + '\n');
    const again = nnc('run', join(dir, 'gen.nn'), '--backend', 'cpu', '--seed', '3', '--task', 'generate_text');
    expect(again.stderr).toBe('');
    expect(again.stdout).not.toMatch(/epoch/);
    expect(JSON.parse(readFileSync(join(dir, 'text', 'samples.json'), 'utf8')).samples).toEqual(samples.samples);
  }, 120_000);

  it('with --out, generate_text reads the model the train task wrote there', () => {
    const out = join(dir, 'elsewhere');
    const r = nnc('run', join(dir, 'gen.nn'), '--backend', 'cpu', '--seed', '4', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`generate_text Chars: model from ${out} `);
    expect(JSON.parse(readFileSync(join(out, 'samples.json'), 'utf8')).checkpoint).toBe(out);
  }, 120_000);

  it('a seed_text with characters the model never saw, and a missing checkpoint, are one-line errors', () => {
    writeFileSync(join(dir, 'bad.nn'), readFileSync(join(dir, 'gen.nn'), 'utf8').replace('save: "text" }', 'save: "text", seed_text: "THE CAT SAT!!" }'));
    const bad = nnc('run', join(dir, 'bad.nn'), '--backend', 'cpu', '--task', 'generate_text');
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'nnc: seed_text has characters the model never saw: "T", "H", "E", "C", "A", "S", "!"']);
    writeFileSync(join(dir, 'none.nn'), readFileSync(join(dir, 'gen.nn'), 'utf8').replace('save: "model" }', 'save: "nowhere" }'));
    const none = nnc('run', join(dir, 'none.nn'), '--backend', 'cpu', '--task', 'generate_text');
    expect([none.code, none.stderr.trim()]).toEqual([2, `nnc: no trained model in ${join(dir, 'nowhere')}: run the train task first (or set checkpoint:)`]);
  }, 60_000);
});

describe('the words-of-the-corpus measure (bench/words.ts)', () => {
  it('counts the generated words found in the corpus, without a word the seed began', async () => {
    const { generatedPart, knownShare } = await import('../../bench/words.js');
    const known = new Set(['the', 'whale', "ship's"]);
    expect(knownShare("The whale, the WHALE! zxq ship's", known)).toEqual({ share: 5 / 6, words: 6 });
    expect(generatedPart('call me ishm', 'ael. the whale')).toBe('. the whale');
    expect(generatedPart('call me ', 'ishmael')).toBe('ishmael');
  });
});
