// The user's data files, read one way: each path is checked to be a regular file before it is
// opened (a FIFO or a device would block the run forever, a folder is a mistake), and every
// way reading fails is one `data` fault naming the file.
import { openSync, readFileSync, statSync } from 'node:fs';
import { fault, type NncError } from '../errors.js';

/** A read error as one `data` fault naming the file. */
export function unreadable(path: string, err: unknown): NncError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
  return fault('data', `cannot read ${path}: ${why}`);
}

/** A data file's size in bytes, 0 when it cannot be read (its reader then says why). */
export function dataFileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Why a path that exists is not a regular file ("it is a named pipe (FIFO), not a file; ..."),
 *  or undefined for a regular file or a path that is not there. */
export function notARegularFile(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isFile()) return undefined;
  const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : 'a device';
  return `it is ${what}, not a file; nnc reads data from regular files`;
}

/** Refuses anything but a regular file, before it is opened. */
export function checkDataFile(path: string): void {
  try {
    statSync(path);
  } catch (err) {
    throw unreadable(path, err);
  }
  const why = notARegularFile(path);
  if (why) throw fault('data', `cannot read ${path}: ${why}`);
}

/** The whole file, as bytes or text. */
export function readDataFile(path: string): Buffer;
export function readDataFile(path: string, encoding: BufferEncoding): string;
export function readDataFile(path: string, encoding?: BufferEncoding): Buffer | string {
  checkDataFile(path);
  try {
    return encoding ? readFileSync(path, encoding) : readFileSync(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** A descriptor for reading the file in pieces. */
export function openDataFile(path: string): number {
  checkDataFile(path);
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
}
