// The diagnostics table's templates: call sites pass values only (the @ts-expect-error lines
// are checked by `tsc` in npm test), named labels and hint templates are filled from them.
import { describe, expect, it } from 'vitest';
import { makeDiagnostic } from '../../compiler/diagnostics.js';

const at = { start: 0, end: 1 };
const loss = { loss: 'categorical_crossentropy', expected: 'one-hot labels [n, classes]', found: 'class ids [n, 1]', model: 'M', output: '[n, 3]', y: '[n, 1]' };

describe('makeDiagnostic', () => {
  it('gives each note the label it names', () => {
    const d = makeDiagnostic('E0405', 'f.nn', at, { ...loss, hint: 'ids' }, [{ span: at, label: 'data' }, { span: at, label: 'model' }]);
    expect(d.message).toBe('loss does not fit the output: categorical_crossentropy needs one-hot labels [n, classes], found class ids [n, 1]');
    expect(d.labels.map((l) => l.message)).toEqual(['the labels come from this data: y is [n, 1]', "M's output is [n, 3]"]);
    expect(d.help).toBe('use sparse_categorical_crossentropy, which takes class ids');
    expect([d.expected, d.found]).toEqual(['one-hot labels [n, classes]', 'class ids [n, 1]']);
  });

  it('fills a hint from the values, and falls back to the help when the hint lacks one', () => {
    const weights = makeDiagnostic('E0403', 'f.nn', at, { kind: 'dream', name: 'weights', model: 'Convnet', hint: 'trainedWeights' });
    expect(weights.message).toBe("missing task field: dream needs 'weights'");
    expect(weights.help).toMatch(/^Convnet is a model of this file, .*add `weights: "out\/FOLDER"`/);
    const field = makeDiagnostic('E0403', 'f.nn', at, { kind: 'train', name: 'loss', doc: 'Loss to minimise.', hint: 'trainedWeights' });
    expect(field.help).toBe("Loss to minimise. Add `loss: ...` to the task's fields.");
    const binary = makeDiagnostic('E0405', 'f.nn', at, { ...loss, hint: 'binaryIds', classes: 4 });
    expect(binary.help).toBe('use sparse_categorical_crossentropy with dense(4, activation: softmax)');
  });

  it('takes values, never a sentence', () => {
    // @ts-expect-error: the message is the table's, not the call site's
    expect(() => makeDiagnostic('E0404', 'f.nn', at, 'x of the data does not fit M')).toThrow();
    // @ts-expect-error: a value the message names is missing
    expect(() => makeDiagnostic('E0432', 'f.nn', at, { role: 'the model', model: 'M', expected: 'one input', inputs: 2 })).toThrow();
    // @ts-expect-error: a note of a code with named labels must name one
    makeDiagnostic('E0405', 'f.nn', at, loss, [{ span: at }]);
    // @ts-expect-error: a hint the code does not have
    makeDiagnostic('E0405', 'f.nn', at, { ...loss, hint: 'seedText' });
  });
});
