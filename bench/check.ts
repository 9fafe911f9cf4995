// Parse+check time of generated 1k- and 10k-line files (goal: < 20 ms and < 200 ms), of the
// built code (bench/built.ts). Repeated runs in one process after a JIT warm-up; min and
// median, with the load average, since the machine is shared.
import { performance } from 'node:perf_hooks';
import type { CompilerHost } from '../compiler/check/loader.js';
import { buildOnce, builtModule, loadAverage, median } from './built.js';

type Checker = typeof import('../compiler/check/checker.js');
type Parser = typeof import('../grammar/parse.js');

export function generate(lines: number): string {
  const out: string[] = ['import std.data', 'let lookback = 10'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`/// Model ${i}.`, `model M${i}(units: Int = ${8 + (i % 8)}) {`, '  input x: [batch, lookback, 1]',
      '  h = x -> conv1d(16, 3, padding: same, activation: relu)', '  lstm(units, return_sequences: true)', '  gru(units)', '  dense(1)', '}');
  }
  return out.slice(0, lines).join('\n') + '\n}\n';
}

const host: CompilerHost = { readFile: () => undefined, fileExists: () => false, resolve: (_f, r) => r, stdModulePath: () => undefined };

export async function benchCheck(runs = 21): Promise<void> {
  buildOnce();
  const { check } = await builtModule<Checker>('compiler/check/checker.js');
  const { parse } = await builtModule<Parser>('grammar/parse.js');
  console.log(`## parse + check (built code, ${runs} runs each after warm-up; load average before ${loadAverage()})`);
  for (const [lines, goal] of [[1000, 20], [10000, 200]] as const) {
    const text = generate(lines);
    for (let i = 0; i < 5; i++) check('bench.nn', host, text); // warm up the JIT
    const parseTimes: number[] = [], totals: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      parse(text);
      parseTimes.push(performance.now() - t0);
      t0 = performance.now();
      const r = check('bench.nn', host, text);
      totals.push(performance.now() - t0);
      if (r.diagnostics.length) throw new Error(`generated file has errors: ${r.diagnostics[0]!.message}`);
    }
    const total = median(totals);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`${String(lines).padStart(6)} lines: parse min ${ms(Math.min(...parseTimes))} median ${ms(median(parseTimes))}; `
      + `parse+check min ${ms(Math.min(...totals))} median ${ms(total)} (goal < ${goal} ms: ${total < goal ? 'met' : 'NOT met'}, ${(total / goal).toFixed(2)}x of goal)`);
  }
  console.log(`load average (1, 5, 15 min) after: ${loadAverage()}`);
}
