// `npm run fuzz`: FUZZ_RUNS inputs (default 100,000) of FUZZ_SEED (default: a new one)
// through the parser, checker, summary, formatter, renderer and one language-server
// session; counts per phase and per input, then each distinct failure with its first input
// and a minimal reproducer. FUZZ_FROM starts at another input, to run a seed in chunks or
// replay one input: `FUZZ_SEED=s FUZZ_FROM=i FUZZ_RUNS=1 npm run fuzz`. Exit 1 on a failure.
// Runs the sources (tsx), so what it finds reproduces in the tests.
import { loadAverage } from './built.js';
import { PHASES } from '../test/fuzz/phases.js';
import { fuzz, reproducer } from '../test/fuzz/run.js';

const env = process.env;
const seed = !env.FUZZ_SEED || env.FUZZ_SEED === 'random' ? (Date.now() % 2 ** 31) : Number(env.FUZZ_SEED);
const from = Number(env.FUZZ_FROM ?? 0);
const runs = Number(env.FUZZ_RUNS ?? 100_000);
console.log(`fuzz: seed ${seed}, inputs ${from}..${from + runs - 1}; load average before ${loadAverage()}`);
const report = await fuzz({ seed, from, runs, onProgress: (n) => process.stderr.write(`\r${n} / ${runs} (${(performance.now() / 1000).toFixed(0)} s)`) });
process.stderr.write('\n');
const i = report.inputs;
console.log(`${runs} inputs in ${(report.ms / 1000).toFixed(1)} s (load average after ${loadAverage()}): `
  + `${i.passed} passed, ${i.diagnostics} with diagnostics, ${i.threw} threw, ${i.slow} slow (> 1 s), ${i.wrong} wrong`);
const cols = ['ok', 'diagnostics', 'threw', 'slow', 'wrong'] as const;
console.log(`${'phase'.padEnd(8)}${cols.map((c) => c.padStart(12)).join('')}`);
for (const p of PHASES) console.log(`${p.padEnd(8)}${cols.map((c) => String(report.phases[p][c]).padStart(12)).join('')}`);
for (const f of report.failures) {
  console.log(`\n${f.phase} ${f.outcome} ×${f.count}: ${f.detail}`);
  console.log(`  first: input ${f.index} (${f.family}, ${f.text.length} chars): FUZZ_SEED=${seed} FUZZ_FROM=${f.index} FUZZ_RUNS=1 npm run fuzz`);
  const small = await reproducer(f);
  console.log(`  reproducer (${small.length} chars): ${JSON.stringify(small.length > 2000 ? small.slice(0, 2000) + '…' : small)}`);
}
process.exit(report.failures.length ? 1 : 0);
