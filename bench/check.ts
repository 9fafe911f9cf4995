// Parse+check time of generated 1k- and 10k-line files (goal: < 20 ms and < 200 ms).
import { performance } from 'node:perf_hooks';
import { check } from '../compiler/check/checker.js';
import type { CompilerHost } from '../compiler/check/loader.js';
import { parse } from '../grammar/parse.js';

export function generate(lines: number): string {
  const out: string[] = ['import std.data', 'let lookback = 10'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`/// Model ${i}.`, `model M${i}(units: Int = ${8 + (i % 8)}) {`, '  input x: [batch, lookback, 1]',
      '  h = x -> conv1d(16, 3, padding: same, activation: relu)', '  lstm(units, return_sequences: true)', '  gru(units)', '  dense(1)', '}');
  }
  return out.slice(0, lines).join('\n') + '\n}\n';
}

const host: CompilerHost = { readFile: () => undefined, fileExists: () => false, resolve: (_f, r) => r, stdModulePath: () => undefined };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export function benchCheck(): void {
  console.log('## parse + check');
  for (const [lines, goal] of [[1000, 20], [10000, 200]] as const) {
    const text = generate(lines);
    for (let i = 0; i < 3; i++) check('bench.nn', host, text); // warm up the JIT
    const parseTimes: number[] = [], totals: number[] = [];
    for (let i = 0; i < 9; i++) {
      let t0 = performance.now();
      parse(text);
      parseTimes.push(performance.now() - t0);
      t0 = performance.now();
      const r = check('bench.nn', host, text);
      totals.push(performance.now() - t0);
      if (r.diagnostics.length) throw new Error(`generated file has errors: ${r.diagnostics[0]!.message}`);
    }
    const total = median(totals);
    console.log(`${String(lines).padStart(6)} lines: parse ${median(parseTimes).toFixed(1)} ms, parse+check ${total.toFixed(1)} ms (goal < ${goal} ms: ${total < goal ? 'met' : 'NOT met'}, ratio ${(total / goal).toFixed(2)}x of goal)`);
  }
}
