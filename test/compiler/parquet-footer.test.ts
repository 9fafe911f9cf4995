// The checker's Parquet footer reader against hyparquet's, on files written by hyparquet-writer.
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { parquetColumns } from '../../compiler/data/parquet-footer.js';

describe('parquet footer', () => {
  it('gives the top-level columns and physical types that hyparquet reads', () => {
    const many = Array.from({ length: 20 }, (_, k) => ({ name: `c${k}`, data: [k, k + 1], type: 'DOUBLE' as const }));
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 'flag', data: [true, false], type: 'BOOLEAN' }, { name: 'n', data: [1, 2], type: 'INT32' },
      { name: 'big', data: [1n, 2n], type: 'INT64' }, { name: 'f', data: [0.5, 1], type: 'FLOAT' },
      { name: 'name', data: ['a', 'b'], type: 'STRING' }, ...many,
    ], kvMetadata: [{ key: 'note', value: 'x'.repeat(300) }] }));
    const columns = parquetColumns(bytes.subarray(bytes.length - 4000 > 0 ? bytes.length - 4000 : 0));
    const tree = parquetSchema(parquetMetadata(bytes));
    expect([...columns]).toEqual(tree.children.map((c) => [c.element.name, String(c.element.type)]));
    expect(columns.get('name')).toBe('BYTE_ARRAY');
    expect(columns.size).toBe(25);
  });

  it('says what is wrong with a file that is not Parquet or is cut short', () => {
    expect(() => parquetColumns(new TextEncoder().encode('a,b\n1,2\n'))).toThrow(/does not end in PAR1/);
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1], type: 'DOUBLE' }] }));
    expect(() => parquetColumns(bytes.subarray(bytes.length - 12))).toThrow(/cut short/);
  });
});
