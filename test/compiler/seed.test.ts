// The seed's first four Keras snippets, written in .nn, check clean and have Keras' counts.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { nodeHost } from '../../driver/host.js';
import { Dim } from '../../compiler/shapes/dim.js';
import { totalParams } from '../../compiler/summary.js';

const seeds: [string, string, number][] = [
  ['examples/seed/simple_rnn.nn', 'RnnForecaster', 1088 + 33],
  ['examples/seed/lstm.nn', 'LstmForecaster', 4352 + 33],
  ['examples/seed/conv1d.nn', 'ConvForecaster', 128 + 3104 + 33],
  // LSTM(128) on 57 characters: 4*(128*(57+128)+128) = 95,232; Dense(57): 7,353.
  ['examples/seed/char_lstm.nn', 'CharLstm', 95232 + 7353],
];

describe('seed snippets', () => {
  it.each(seeds)('%s checks and counts like Keras', (file, model, count) => {
    const r = check(file, nodeHost);
    expect(r.diagnostics).toEqual([]);
    expect(r.program.tasks).toHaveLength(1);
    const total = totalParams(r.program.models.get(model)!).substitute(new Map([['vocab', Dim.const(57)]]));
    expect(total.value).toBe(count);
  });
});

describe('examples', () => {
  const files = readdirSync('examples').filter((f) => f.endsWith('.nn')).map((f) => `examples/${f}`);
  it.each(files)('%s checks clean and has a task', (file) => {
    const r = check(file, nodeHost);
    expect(r.diagnostics).toEqual([]);
    expect(r.program.tasks.length).toBeGreaterThan(0);
  });
});

describe('the seed\'s dream and style snippets with RNNs', () => {
  it.each([
    ['examples/seed/dream_rnn.nn', 'dream needs a model that takes images [batch, height, width, 3]; DreamRnn takes [batch, 10, 1]', 'DeepDream changes the pixels'],
    ['examples/seed/style_rnn.nn', 'style_transfer needs a model that takes images [batch, height, width, 3]; StyleRnn takes [batch, 10, 1]', 'Gram matrices'],
  ])('%s is rejected with the reason', (file, message, why) => {
    const r = check(file, nodeHost);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0412']);
    expect(r.diagnostics[0]!.message).toContain(message);
    expect(r.diagnostics[0]!.help).toContain(why);
  });
});
