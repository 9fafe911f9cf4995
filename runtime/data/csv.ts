// Numeric CSV tables through csv-parse, with errors that name the file and line.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { fault } from '../errors.js';

export interface NumericTable { columns: string[]; rows: number[][] }

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function readCsv(path: string, columns: readonly string[]): NumericTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fault('data', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (err) {
    throw fault('data', `${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!records.length) throw fault('data', `${path}: no data rows under the header`);
  const header = Object.keys(records[0]!.record);
  for (const c of columns) {
    if (!header.includes(c)) {
      throw fault('data', `${path}: no column '${c}'; columns are ${header.join(', ')}`);
    }
  }
  const rows = records.map(({ record, info }) => columns.map((c) => {
    const cell = record[c]!;
    // Decimal numbers only: Number() would also read 0x10 as 16, 0b1 as 1 and ' ' as 0.
    const v = DECIMAL.test(cell.trim()) ? Number(cell) : NaN;
    if (!Number.isFinite(v)) throw fault('data', `${path}:${info.lines}: column '${c}' is ${JSON.stringify(cell)}, not a number`);
    return v;
  }));
  return { columns: [...columns], rows };
}
