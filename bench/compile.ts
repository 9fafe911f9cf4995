// The emitted program vs the interpreter: the same example, backend and seed, trained by
// `nnc run` and by `nnc compile`'s main.ts; samples/s from each run's metrics.json
// (goal: emitted time ≤ 1.05x the interpreter's, i.e. a ratio ≥ 0.95 in samples/s).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

function run(args: string[], cwd = '.') {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}
const rate = (dir: string) => (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { samplesPerSecond: number }).samplesPerSecond;

export function benchCompile(): void {
  console.log('\n## emitted program vs interpreter (wasm, samples/s, 20 epochs of examples/seed/lstm.nn)');
  const out = resolve('out/bench-compile');
  rmSync(out, { recursive: true, force: true });
  run(['bin/nnc.js', 'compile', 'examples/seed/lstm.nn', '-o', join(out, 'emitted'), '--force']);
  const tsx = resolve('node_modules/tsx/dist/cli.mjs');
  const rates = { interpreted: [] as number[], emitted: [] as number[] };
  for (let i = 0; i < 2; i++) { // alternate, so drift on a shared machine hits both
    run(['bin/nnc.js', 'run', 'examples/seed/lstm.nn', '--backend', 'wasm', '--seed', '1', '--out', join(out, `i${i}`)]);
    rates.interpreted.push(rate(join(out, `i${i}`)));
    run([tsx, 'main.ts', '--backend', 'wasm', '--seed', '1', '--out', join(out, `e${i}`)], join(out, 'emitted'));
    rates.emitted.push(rate(join(out, `e${i}`)));
  }
  const best = (xs: number[]) => Math.max(...xs);
  const a = best(rates.interpreted), b = best(rates.emitted);
  console.log(`| interpreter | emitted | time ratio (emitted / interpreter) |\n|---|---|---|\n| ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)}x |`);
}
