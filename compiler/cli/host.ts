// The file-system host the CLI gives the (pure) checker.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompilerHost } from '../check/loader.js';

export const STD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../runtime/std');

export const nodeHost: CompilerHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve(from, rel) {
    const abs = resolve(dirname(from), rel);
    const shown = relative(process.cwd(), abs);
    return shown.startsWith('..') ? abs : shown;
  },
  stdModulePath(path) {
    const file = join(STD_DIR, `${path.slice(1).join('/')}.nn`);
    try {
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Reads a file the user named, or explains in one line why not. */
export function readUserFile(path: string): { text: string } | { error: string } {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { error: `${path} is a directory, not a .nn file` };
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: `${path}: no such file` };
    if (code === 'EACCES') return { error: `${path}: permission denied` };
    return { error: `${path}: cannot read (${code ?? 'unknown error'})` };
  }
}
