// The checker types labelled data from the file's header and first rows (through the host),
// and each loss takes the label encodings Keras takes.
import { describe, expect, it } from 'vitest';
import { formatShape } from '../../compiler/shapes/shape.js';
import { checkText } from '../helpers.js';

const CSV = 'a,b,kind,price,tag_x,tag_y,grade\n1,2,red,3.5,0,1,2\n2,3,blue,4.5,1,1,0\n';

function typeOf(expr: string): string {
  const r = checkText(`data d = ${expr}\n`, { 't.csv': CSV });
  if (r.diagnostics.length) return r.diagnostics.map((d) => d.code).join(' ');
  const t = r.program.data.get('d')!.value.type;
  if (t.kind !== 'dataset') return t.kind === 'array' ? formatShape(t.shape) : t.kind;
  return `x ${formatShape(t.x)} y ${formatShape(t.y!)}${t.labels ? ` ${t.labels}` : ''}${t.classes ? ` of ${t.classes}` : ''}`;
}

const train = (y: string, units: number, activation: string, loss: string, extra = '') => checkText(`
model M {
  input x: [batch, 2]
  dense(${units}, activation: ${activation})
}
data d = csv("t.csv", x: ["a", "b"], y: ${y}${extra})
train M on d { loss: ${loss} }
`, { 't.csv': CSV }).diagnostics.map((d) => d.code);

describe('csv types', () => {
  it('a column of names is class ids; a numeric column values unless ids are declared', () => {
    expect(typeOf('csv("t.csv", x: ["a", "b"], y: "kind")')).toBe('x [n, 2] y [n, 1] ids');
    expect(typeOf('csv("t.csv", x: ["a", "b"], y: "price")')).toBe('x [n, 2] y [n, 1]');
    expect(typeOf('csv("t.csv", x: ["a", "b"], y: "grade", labels: ids)')).toBe('x [n, 2] y [n, 1] ids');
    expect(typeOf('csv("t.csv", x: ["a", "b"], y: "grade", classes: 3)')).toBe('x [n, 2] y [n, 1] ids of 3');
    expect(typeOf('csv("t.csv", x: ["a", "b"], y: ["tag_x", "tag_y"])')).toBe('x [n, 2] y [n, 2]');
    expect(typeOf('csv("t.csv", columns: ["a", "price"])')).toBe('[n, 2]');
    expect(typeOf('one_hot(csv("t.csv", x: ["a"], y: "kind"), classes: 2)')).toBe('x [n, 1] y [n, 2] onehot of 2');
  });

  it('reports the column at the data line', () => {
    expect(typeOf('csv("t.csv", x: ["a", "kind"], y: "price")')).toBe('E0418');
    expect(typeOf('csv("t.csv", x: ["a", "nope"], y: "price")')).toBe('E0417');
    expect(typeOf('csv("t.csv", x: ["a"], y: ["kind", "price"])')).toBe('E0418');
    expect(typeOf('one_hot(csv("t.csv", x: ["a"], y: "kind"))')).toBe('E0414');
    expect(typeOf('csv("t.csv", columns: ["a"], y: "kind")')).toBe('E0414');
    expect(typeOf('csv("t.csv", columns: ["a"], x: ["b"])')).toBe('E0414');
    expect(typeOf('csv("t.csv")')).toBe('E0414');
  });

  it('columns by 0-based number and range(start, stop), resolved to the header\'s names', () => {
    expect(typeOf('csv("t.csv", x: range(0, 2), y: 2)')).toBe('x [n, 2] y [n, 1] ids');
    expect(typeOf('csv("t.csv", x: [range(4, 6), "a"], y: "price")')).toBe('x [n, 3] y [n, 1]');
    expect(typeOf('csv("t.csv", columns: range(2))')).toBe('[n, 2]');
    expect(typeOf('csv("t.csv", x: [0, 1], y: [4, 5])')).toBe('x [n, 2] y [n, 2]');
    const r = checkText('data d = csv("t.csv", x: range(0, 2), y: 2)\n', { 't.csv': CSV });
    const args = r.program.data.get('d')!.value.args;
    expect(args.get('x')).toEqual({ kind: 'list', items: [{ kind: 'string', value: 'a' }, { kind: 'string', value: 'b' }] });
    expect(args.get('y')).toEqual({ kind: 'string', value: 'kind' });
  });

  it('a column number past the last column, a non-numeric column by number, a bad range', () => {
    expect(typeOf('csv("t.csv", x: range(0, 8), y: "kind")')).toBe('E0422');
    expect(typeOf('csv("t.csv", x: [0, 2], y: "price")')).toBe('E0418');
    expect(typeOf('csv("t.csv", x: range(3, 3), y: "kind")')).toBe('E0210');
    expect(typeOf('csv("t.csv", x: range(-1, 3), y: "kind")')).toBe('E0210');
    expect(typeOf('csv("t.csv", x: [1.5], y: "kind")')).toBe('E0207');
    const r = checkText('data d = csv("t.csv", x: range(0, 9), y: "kind")\n', { 't.csv': CSV });
    expect(r.diagnostics[0]!.message).toBe('column number past the last column: t.csv has 7 columns (numbered 0 to 6), so it has no column 7');
  });
});

describe('losses against label encodings (as Keras)', () => {
  it('sparse categorical cross-entropy takes ids; categorical needs one-hot', () => {
    expect(train('"kind"', 2, 'softmax', 'sparse_categorical_crossentropy')).toEqual([]);
    expect(train('"kind"', 2, 'softmax', 'categorical_crossentropy')).toEqual(['E0405']);
    expect(train('"price"', 2, 'softmax', 'sparse_categorical_crossentropy')).toEqual(['E0405']);
  });

  it('binary cross-entropy: 0/1 ids with one sigmoid unit, multi-label [n, k] with k sigmoid units, not ids of 3 classes', () => {
    expect(train('"kind"', 1, 'sigmoid', 'binary_crossentropy')).toEqual([]);
    expect(train('["tag_x", "tag_y"]', 2, 'sigmoid', 'binary_crossentropy')).toEqual([]);
    expect(train('["tag_x", "tag_y"]', 3, 'sigmoid', 'binary_crossentropy')).toEqual(['E0404']);
    expect(train('"grade"', 1, 'sigmoid', 'binary_crossentropy', ', classes: 3')).toEqual(['E0405']);
  });

  it('a declared class count must equal the softmax units; regression targets take mse', () => {
    expect(train('"grade"', 3, 'softmax', 'sparse_categorical_crossentropy', ', classes: 3')).toEqual([]);
    expect(train('"grade"', 4, 'softmax', 'sparse_categorical_crossentropy', ', classes: 3')).toEqual(['E0419']);
    expect(train('"price"', 1, 'linear', 'mse')).toEqual([]);
    // Undeclared: the two names of the first rows already need two units.
    expect(train('"kind"', 3, 'softmax', 'sparse_categorical_crossentropy')).toEqual([]);
    const three = checkText(`
model M {
  input x: [batch, 2]
  dense(2, activation: softmax)
}
data d = csv("t.csv", x: ["a", "b"], y: "kind")
train M on d { loss: sparse_categorical_crossentropy }
`, { 't.csv': CSV + '3,4,green,1,0,0,1\n' }).diagnostics;
    expect(three.map((d) => d.message)).toEqual([expect.stringMatching(/the data \(in its first rows alone\) has 3 classes but M has 2 output units/)]);
  });

  it('a data file that is not there is a warning, not an error', () => {
    const r = checkText('data d = csv("none.csv", x: ["a"], y: "b")\n');
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning W0416']);
  });
});
