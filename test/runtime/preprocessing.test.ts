// What the data functions keep for predictions (the saved signature's preprocessing): the
// input columns, normalize's statistics (composed when applied twice), the tokenizer's words.
import { describe, expect, it } from 'vitest';
import { DenseColumn, type RuntimeData } from '../../runtime/data/column.js';
import { normalize, tokenize } from '../../runtime/data/sources.js';

const dataset = (rows: number[][]): RuntimeData => ({ kind: 'dataset', x: DenseColumn.of(rows), y: DenseColumn.of(rows.map(() => [0])), info: { columns: ['a', 'b'] } });

describe('preprocessing kept in the data info', () => {
  it('normalize keeps mean and std per feature, and twice composes to one affine map', () => {
    const rows = [[1, 10], [3, 30], [5, 20], [7, 40]];
    const once = normalize({ data: dataset(rows), fit: 1 });
    if (once.kind !== 'dataset') throw new Error('dataset');
    expect(once.info.columns).toEqual(['a', 'b']);
    expect(once.info.normalize!.mean).toEqual([4, 25]);
    const twice = normalize({ data: normalize({ data: dataset(rows), fit: 0.5 }), fit: 1 });
    if (twice.kind !== 'dataset') throw new Error('dataset');
    const { mean, std } = twice.info.normalize!;
    // The composed map sends the raw rows to what two normalizations gave.
    const x = twice.x as DenseColumn;
    rows.forEach((r, i) => r.forEach((v, k) => expect((v - mean[k]!) / std[k]!).toBeCloseTo(x.row(i)[k]!, 4)));
  });

  it('tokenize keeps its ranked words (id i + 2) and the length', () => {
    const texts: RuntimeData = { kind: 'texts', texts: ['b a a', 'c a b'], y: DenseColumn.of([[0], [1]]), classNames: ['x', 'y'] };
    const t = tokenize({ texts, vocab_size: 10, length: 3 });
    if (t.kind !== 'dataset') throw new Error('dataset');
    expect(t.info.tokenizer).toEqual({ words: ['a', 'b', 'c'], length: 3 });
    expect(Array.from((t.x as DenseColumn).row(0))).toEqual([3, 2, 2]);
    expect(t.info.classNames).toEqual(['x', 'y']);
  });
});
