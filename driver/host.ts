// The file-system host the CLI gives the (pure) checker.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CompilerHost } from '../compiler/check/loader.js';
import { packagedModelJson } from '../runtime/features/packaged.js';
import { notARegularFile } from '../runtime/io/data-file.js';
import { hasHdf5Signature } from '../runtime/io/hdf5.js';
import { PACKAGE_ROOT } from './package-root.js';

export const STD_DIR = join(PACKAGE_ROOT, 'runtime', 'std');

// HDF5 is read by h5wasm, whose wasm loads asynchronously (about a second); the checker is
// synchronous, so a child process reads the attribute, only when a .h5 model is named.
// Results are kept per path and modification time (the language server asks often).
const READ_KERAS_CONFIG = `
const [entry, path] = process.argv.slice(1);
const h5 = (await import(entry)).default;
await h5.ready;
const f = new h5.File(path, 'r');
const config = f.attrs['model_config']?.json_value;
f.close();
process.stdout.write(JSON.stringify(typeof config === 'string' ? { config } : { error: 'it holds no model_config (weights only): use load("model.json", weights: "' + path + '")' }));
`;
const kerasConfigs = new Map<string, { mtime: number; result: string | Error }>();

function readKerasConfig(path: string): string | Error {
  let st;
  try {
    st = statSync(path);
  } catch {
    return new Error('no such file');
  }
  const hit = kerasConfigs.get(path);
  if (hit && hit.mtime === st.mtimeMs) return hit.result;
  let result: string | Error;
  if (!hasHdf5Signature(path)) result = new Error('not an HDF5 file');
  else {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', READ_KERAS_CONFIG, import.meta.resolve('h5wasm/node'), path], { encoding: 'utf8' });
    try {
      const out = JSON.parse(r.stdout) as { config?: string; error?: string };
      result = out.config ?? new Error(out.error ?? 'unreadable');
    } catch {
      result = new Error(`not a readable HDF5 file${r.stderr ? `: ${r.stderr.split('\n').find((l) => l.trim()) ?? ''}` : ''}`);
    }
  }
  kerasConfigs.set(path, { mtime: st.mtimeMs, result });
  return result;
}

/** The nearest folder at or above `dir` holding a package.json or .git, else `dir`; kept per
 *  folder (the language server asks at every keystroke). */
const projectRoots = new Map<string, string>();
function projectRootOf(dir: string): string {
  const hit = projectRoots.get(dir);
  if (hit !== undefined) return hit;
  let root = dir;
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) || existsSync(join(d, '.git'))) { root = d; break; }
    if (dirname(d) === d) break;
  }
  projectRoots.set(dir, root);
  return root;
}

export const nodeHost: CompilerHost = {
  outsideProject(file, path) {
    const root = projectRootOf(dirname(resolve(file)));
    const rel = relative(root, resolve(dirname(resolve(file)), path));
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  },
  readKerasConfig,
  readPackagedModel: packagedModelJson,
  stdModules() {
    try {
      return readdirSync(STD_DIR).filter((f) => f.endsWith('.nn')).map((f) => `std.${basename(f, '.nn')}`);
    } catch {
      return [];
    }
  },
  fileExists(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  notAFile: notARegularFile,
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readFileHead(path, maxBytes, offset = 0) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const at = offset < 0 ? Math.max(0, fstatSync(fd).size + offset) : offset;
      const buf = new Uint8Array(maxBytes);
      const got = readSync(fd, buf, 0, maxBytes, at);
      return buf.subarray(0, got);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },
  listFolders(path) {
    try {
      return readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
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
