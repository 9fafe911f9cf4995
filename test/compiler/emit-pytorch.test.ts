// The PyTorch emitter without Python: the mapping table covers the layer table, the text
// of model.py (names, docs, shape comments), the escaping of source strings, and what it
// refuses (test/pytorch/ runs the emitted code where torch is installed).
import { describe, expect, it } from 'vitest';
import { emitPytorch, pytorchRefusals } from '../../compiler/emit/pytorch/emit.js';
import { TORCH_LAYERS } from '../../compiler/emit/pytorch/layers.js';
import { pyDoc, pyIdent, pyIdents, pyStr } from '../../compiler/emit/pytorch/python.js';
import { LAYERS } from '../../compiler/layers/index.js';
import { checkText } from '../helpers.js';

describe('the PyTorch mapping table', () => {
  it('maps every layer of the layer table, and only those', () => {
    expect([...LAYERS.keys()].filter((k) => !(k in TORCH_LAYERS))).toEqual([]);
    expect(Object.keys(TORCH_LAYERS).filter((k) => !LAYERS.has(k))).toEqual([]);
  });
});

describe('Python spelling of source text', () => {
  it('escapes strings so that no quote, backslash or line break ends them', () => {
    expect(pyStr('a"b\\c\nd\u2028é\u{1F600}')).toBe('"a\\"b\\\\c\\nd\\u2028\\xe9\\U0001f600"');
    expect(pyDoc('one """ two\\\nthree', '    ')).toBe('    """one \\"\\"\\" two\\\\\n    three\n    """');
  });

  it('gives keywords and nn.Module\'s own names a trailing _, and clashes a number', () => {
    expect(['lambda', 'forward', 'training', 'None', 'x-y', '9a', '__init__'].map(pyIdent)).toEqual(['lambda_', 'forward_', 'training_', 'None_', 'x_y', '_9a', 'n__init__']);
    expect(pyIdents(['a-b', 'a_b', 'a.b'])).toEqual(['a_b', 'a_b_2', 'a_b_3']);
  });
});

describe('model.py', () => {
  it('names attributes after the source, documents the model and comments each shape', () => {
    const r = checkText(`
/// Forecasts "the next" value.
model Forecaster {
  input x: [batch, 12, 1]
  features = x -> conv1d(4, 4, strides: 2, padding: same)
  lstm(8)
  dense(1)
}
`);
    expect(r.diagnostics).toEqual([]);
    const model = emitPytorch(r.program, 'main.nn', new Map()).files.get('model.py')!;
    expect(model).toContain('class Forecaster(nn.Module):\n    """Forecasts \\"the next\\" value."""');
    expect(model).toContain('        self.features = K.Conv(1, 1, filters=4, kernel_size=[4], strides=[2], padding="same", dilation=[1], use_bias=True)');
    expect(model).toContain('        self.lstm_1 = R.Recurrent("lstm", 4, units=8, return_sequences=False, go_backwards=False)');
    expect(model).toContain('        features = self.features(x)  # [batch, 6, 4]');
    expect(model).toContain('        lstm_1 = self.lstm_1(features)  # [batch, 8]');
    expect(model).toContain('        "dense_1": ("dense", "dense_1"),');
  });

  it('leaves a named time axis open, and refuses a weight sized by a dim no data bound', () => {
    const r = checkText(`
model Open {
  input x: [batch, time, 4]
  lstm(8)
  dense(1)
}
model Sized {
  input x: [batch, time, 4]
  flatten
  dense(1)
}
`);
    const out = emitPytorch(r.program, 'main.nn', new Map());
    expect(out.refusals.map((x) => `${x.model}.${x.node}: ${x.reason}`)).toEqual(["Sized.dense_1: no train task's data bind the named dims it needs ([batch, 1])"]);
    expect(pytorchRefusals(r.program)).toEqual([]);
  });

  it('refuses tasks other than train and masks it cannot carry, with E0501\'s reasons', () => {
    const r = checkText(`
import std.gan
model G {
  input z: [batch, 4]
  dense(4)
}
model D {
  input x: [batch, 4]
  dense(1, activation: sigmoid)
}
model Tagger {
  input words: int32[batch, 10]
  embedding(100, 8, mask_zero: true)
  lstm(8)
}
data pts = csv("p.csv", columns: ["a", "b", "c", "d"])
gan Pair on pts { generator: G
  discriminator: D }
`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(pytorchRefusals(r.program).map((x) => x.reason)).toEqual([
      'a gan task (only train tasks are emitted for PyTorch; run it with nnc run)',
      'embedding with mask_zero (torch has no masks that recurrent layers read)',
    ]);
  });
});
