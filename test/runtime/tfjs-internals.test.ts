// tfjs internals are reached through runtime/kernels/tfjs-internals.ts only: no other runtime file
// casts its way into tfjs. The casts left elsewhere are not about tfjs (listed here).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const NOT_TFJS = [
  /\(globalThis as unknown as \{ WebAssembly/, // the lib has no "dom": WebAssembly's few members
  /v as unknown as ArrayLike<number>/, // h5wasm's dataset values
  /DATA_FUNCTIONS as unknown as/, // the data table's functions by source name
  /info: true, bom: true \}\) as unknown as typeof records/, // csv-parse types info records only with `columns`
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('tfjs internals', () => {
  it('are cast to only in runtime/kernels/tfjs-internals.ts', () => {
    const casts = tsFiles('runtime')
      .filter((f) => f !== join('runtime', 'kernels', 'tfjs-internals.ts'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ at: `${f}:${i + 1}`, line })))
      .filter(({ line }) => line.includes('as unknown as') && !NOT_TFJS.some((r) => r.test(line)))
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    expect(casts).toEqual([]);
  });
});
