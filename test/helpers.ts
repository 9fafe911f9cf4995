// Test helpers: check source text in memory, with files from a virtual map.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { check, type CheckResult } from '../compiler/check/checker.js';
import type { CompilerHost } from '../compiler/check/loader.js';
import { nodeHost } from '../driver/host.js';

export function memoryHost(files: Record<string, string>): CompilerHost {
  return {
    readFile: (p) => files[normalize(p)] ?? nodeHost.readFile(p),
    fileExists: (p) => normalize(p) in files || nodeHost.fileExists(p),
    resolve: (from, rel) => normalize(join(dirname(from), rel)),
    stdModulePath: nodeHost.stdModulePath,
    readFileHead: (p, max, offset = 0) => {
      const text = files[normalize(p)];
      return text === undefined ? nodeHost.readFileHead!(p, max, offset) : new TextEncoder().encode(text).subarray(offset, offset < 0 ? offset + max || undefined : offset + max);
    },
    listFolders: nodeHost.listFolders,
  };
}

export function checkText(text: string, files: Record<string, string> = {}): CheckResult {
  return check('main.nn', memoryHost(files), text);
}

export function codes(text: string): string[] {
  return checkText(text).diagnostics.map((d) => d.code);
}

/** Folders inside the repository's git-ignored out/ (emitted programs must resolve this
 *  package's node_modules from there), removed when the test file ends: register
 *  `afterAll(scratch.removeAll)` once per file. */
export function repoScratch() {
  const made: string[] = [];
  return {
    make(prefix: string): string {
      mkdirSync('out', { recursive: true });
      const dir = mkdtempSync(join(resolve('out'), prefix));
      made.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
