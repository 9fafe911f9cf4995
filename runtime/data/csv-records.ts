// The records of a CSV file a chunk of bytes at a time: each chunk is cut after its last line
// break outside double quotes and parsed by csv-parse, so no more than a chunk's cells are
// strings at once, whatever the file's size.
import { parse } from 'csv-parse/sync';
import { closeSync, readSync } from 'node:fs';
import { fault } from '../errors.js';
import { openDataFile } from '../io/data-file.js';

/** Bytes read at a time. */
export const CSV_CHUNK_BYTES = 1 << 20;

export interface CsvRecord { cells: string[]; line: number }

/** The offset after the last line break outside double quotes (0: none), and the line breaks before it. */
function recordEnd(data: Uint8Array): { cut: number; lines: number } {
  let quoted = false, cut = 0, lines = 0, seen = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a && !quoted) { cut = i + 1; seen++; lines = seen; }
    else if (b === 0x0a) seen++;
  }
  return { cut, lines };
}

/** A record boundary of a file: its byte offset and the line breaks before it. */
export interface Mark { offset: number; line: number }

/** Every record of a CSV file from `from` on, with its line number, reading `chunkBytes` at a
 *  time; `onPiece` hears of each record boundary a parsed piece starts at. */
export function* csvRecords(path: string, delimiter: string, chunkBytes = CSV_CHUNK_BYTES, from: Mark = { offset: 0, line: 0 }, onPiece?: (m: Mark) => void): Generator<CsvRecord> {
  const fd = openDataFile(path);
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer = Buffer.alloc(0), before = from.line, pos = from.offset, pieceAt = from.offset;
    for (;;) {
      const got = readSync(fd, buf, 0, chunkBytes, pos);
      pos += got;
      const data = Buffer.concat([carry, buf.subarray(0, got)]);
      const { cut, lines } = got === 0 ? { cut: data.length, lines: 0 } : recordEnd(data);
      if (cut > 0) {
        let records: { record: string[]; info: { lines: number } }[];
        try {
          // csv-parse's typings give info records only with `columns`.
          records = parse(data.subarray(0, cut), { delimiter, skip_empty_lines: true, trim: true, info: true, bom: true }) as unknown as typeof records;
        } catch (err) {
          throw fault('data', `${path}: ${(err as Error).message.split('\n')[0]} (near line ${before + 1})`);
        }
        onPiece?.({ offset: pieceAt, line: before });
        for (const r of records) yield { cells: r.record, line: before + r.info.lines };
        before += lines;
        pieceAt += cut;
      }
      carry = data.subarray(cut);
      if (got === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}
