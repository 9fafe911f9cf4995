// The benches measure the built JavaScript in dist/, as users run it (bin/nnc.js loads dist/
// when fresh). Under tsx the sources carry esbuild's keepNames wrappers (`__name(fn, …)`)
// around every arrow function, which costs chevrotain's per-call closures ~20% of parse time;
// tsx leaves dist/'s plain .js alone.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

let built = false;

/** Runs `npm run build` once per bench process, so the figures are those of the sources. */
export function buildOnce(): void {
  if (built || process.env.NNC_BENCH_NO_BUILD === '1') return;
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  built = true;
}

/** The built counterpart of a source module: `builtModule<typeof import('../x.js')>('x.js')`. */
export async function builtModule<M>(path: string): Promise<M> {
  buildOnce();
  return (await import(pathToFileURL(resolve('dist', path)).href)) as M;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
