// Shape rules and parameter counts from the design's table, through the real checker.
import { describe, expect, it } from 'vitest';
import { formatShape } from '../../compiler/shapes/shape.js';
import { totalParams } from '../../compiler/summary.js';
import { checkText } from '../helpers.js';

/** Checks a one-input model, asserting it has no diagnostics. */
function model(input: string, body: string) {
  const r = checkText(`model M {\n  input x: ${input}\n  ${body}\n}`);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.program.models.get('M')!;
}
function outShape(input: string, body: string): string {
  const m = model(input, body);
  return formatShape(m.nodes[m.outputs[0]!.node]!.shape);
}
function params(input: string, body: string): string {
  return totalParams(model(input, body)).toString();
}

describe('shape rules', () => {
  it.each([
    ['[b, t, 8]', 'dense(4)', '[b, t, 4]'],
    ['[b, t, 3]', 'lstm(16)', '[b, 16]'],
    ['[b, t, 3]', 'gru(16, return_sequences: true)', '[b, t, 16]'],
    ['[b, t, 3]', 'bidirectional(lstm(8))', '[b, 16]'],
    ['[b, t, 3]', 'bidirectional(lstm(8), merge: sum)', '[b, 8]'],
    ['[b, t, 3]', 'time_distributed(dense(5))', '[b, t, 5]'],
    ['int32[b, t]', 'embedding(1000, 32)', '[b, t, 32]'],
    ['[b, L, 4]', 'conv1d(8, 3, strides: 2)', '[b, (L + 1)/2 - 1, 8]'],
    ['[b, L, 4]', 'conv1d(8, 3, padding: same, strides: 2)', '[b, ceil(L/2), 8]'],
    ['[b, L, 4]', 'conv1d(8, 5, padding: causal)', '[b, L, 8]'],
    ['[b, 100, 4]', 'max_pooling1d(3)', '[b, 33, 4]'],
    ['[b, 7, 9]', 'flatten', '[b, 63]'],
    ['[b, 1568]', 'reshape(7, 7, 32)', '[b, 7, 7, 32]'],
    ['[b, 1568]', 'reshape(7, -1, 32)', '[b, 7, 7, 32]'],
    ['[b, 7, 7, 64]', 'conv2d_transpose(32, 3, strides: 2, padding: same)', '[b, 14, 14, 32]'],
    ['[b, 28, 28, 1]', 'conv2d(32, 3)', '[b, 26, 26, 32]'],
    ['[b, 28, 28, 1]', 'conv2d(32, [3, 5], padding: same)', '[b, 28, 28, 32]'],
    ['[b, 26, 26, 32]', 'max_pooling2d(2)', '[b, 13, 13, 32]'],
    ['[b, 7, 7, 8]', 'upsampling2d(2)', '[b, 14, 14, 8]'],
    ['[b, 28, 28, 3]', 'zero_padding2d(2)', '[b, 32, 32, 3]'],
    ['[b, 5, 3]', 'permute(2, 1)', '[b, 3, 5]'],
    ['[b, 16]', 'repeat_vector(4)', '[b, 4, 16]'],
    ['[b, 10, 8]', 'global_average_pooling1d', '[b, 8]'],
  ])('%s -> %s is %s', (input, body, want) => {
    expect(outShape(input, body)).toBe(want);
  });

  it('residuals and concat', () => {
    expect(outShape('[b, 16]', 'h = x -> dense(16)\n  x + h')).toBe('[b, 16]');
    expect(outShape('[b, t, 4]', 'h = x -> dense(6)\n  concat(x, h)')).toBe('[b, t, 10]');
  });
});

describe('messages that give the real reason', () => {
  it('concat along axis 0 says the batch axis cannot be joined; past the rank, out of range', () => {
    const at = (axis: number) => checkText(`model M {\n  input a: [b, 4]\n  input c: [b, 4]\n  concat(a, c, axis: ${axis})\n}`).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(at(0)).toEqual([expect.stringMatching(/^E0241 .*concat cannot join along axis 0, the batch axis/)]);
    expect(at(-2)).toEqual([expect.stringMatching(/^E0241 .*axis -2, the batch axis/)]);
    expect(at(2)).toEqual([expect.stringMatching(/^E0210 .*'axis' is out of range.*found 2/)]);
  });

  it('a missing closing bracket also points at the bracket left open', () => {
    const text = 'model M {\n  input x: [batch, 10, 1\n  lstm(8)\n}\n';
    const [d] = checkText(text).diagnostics;
    expect(d?.code).toBe('E0101');
    expect(text.slice(d!.span.start, d!.span.end)).toBe('lstm');
    expect(d!.labels.map((l) => [text.slice(l.span.start, l.span.end), l.message])).toEqual([['[', 'this bracket is never closed']]);
  });
});

describe('parameter counts (as tfjs countParams)', () => {
  it.each([
    ['[b, 10, 1]', 'simple_rnn(32)', '1088'],
    ['[b, 10, 1]', 'lstm(32)', '4352'],
    ['[b, 10, 1]', 'gru(32)', '3264'],
    ['[b, 10, 1]', 'bidirectional(lstm(32))', '8704'],
    ['[b, 20]', 'dense(10)', '210'],
    ['[b, 20]', 'dense(10, use_bias: false)', '200'],
    ['[b, 28, 28, 1]', 'conv2d(32, 3)', '320'],
    ['[b, 7, 7, 64]', 'conv2d_transpose(32, 4)', '32800'],
    ['[b, 8, 8, 16]', 'separable_conv2d(32, 3)', '688'],
    ['[b, 10, 8]', 'batch_norm', '32'],
    ['[b, 10, 8]', 'layer_norm', '16'],
    ['int32[b, 100]', 'embedding(10000, 32)', '320000'],
  ])('%s -> %s has %s', (input, body, want) => {
    expect(params(input, body)).toBe(want);
  });

  it('shared layers count once', () => {
    expect(params('[b, 8]', 'enc = dense(8)\n  h = x -> enc\n  h -> enc')).toBe('72');
  });
});

describe('models as layers', () => {
  it('nests a model, binding its dims from the caller', () => {
    const r = checkText(`
model Encoder(latent: Int = 2) {
  input x: [batch, 784]
  dense(64, activation: relu)
  dense(latent)
}
model Ae {
  input img: [b, 784]
  img -> Encoder(latent: 3) -> dense(784, activation: sigmoid)
}`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const m = r.program.models.get('Ae')!;
    expect(formatShape(m.nodes[1]!.shape)).toBe('[b, 3]');
    expect(totalParams(m).value).toBe(784 * 64 + 64 + 64 * 3 + 3 + 3 * 784 + 784);
  });

  it('reports a nested input mismatch at the call', () => {
    const r = checkText(`
model Head { input x: [batch, 16]  dense(1) }
model M { input x: [b, 8]  x -> Head }`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0313']);
  });
});
