// Recognising an HDF5 file by its format signature, before handing it to libhdf5 (which
// prints a diagnostic trace to stderr for a file it cannot open). No dependencies, so the
// checker's host can use it without loading tfjs or h5wasm.
import { closeSync, openSync, readSync } from 'node:fs';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether the file starts with HDF5's signature, at byte 0 or after a user block (512,
 *  1024, ... bytes). False for a file that cannot be read. */
export function hasHdf5Signature(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(8);
    for (let at = 0; at <= 8192; at = at ? at * 2 : 512) {
      if (readSync(fd, head, 0, 8, at) < 8) return false;
      if (head.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}
