// `npm run bench -- pytorch`: training samples/s of one model three ways on this machine:
// the package `nnc compile --target pytorch` writes, run as one process (`python3 train.py`,
// torch's default threads) and as two (`torchrun --nproc_per_node=2`, DDP over gloo, one
// thread each as torchrun sets), and nnc's interpreter on wasm. Runs interleave (A B C A B C
// ...) so drifting load hits all three alike; the medians are printed with the load average.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePytorchCommand } from '../driver/compile-pytorch.js';
import { selectBackend } from '../runtime/backend.js';
import { CASES, nncRate } from './train.js';

const PYTHON = '/usr/bin/python3';
const SAMPLES = 4000, EPOCHS = 2, ROUNDS = 3;
const CASE = CASES.find((c) => c.name.startsWith('LSTM(32)'))!;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function torchRate(dir: string, command: string, args: string[]): number {
  const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
  return (JSON.parse(readFileSync(join(dir, 'out', 'bench', 'metrics.json'), 'utf8')) as { samples_per_s: number }).samples_per_s;
}

export async function benchPytorch(): Promise<void> {
  console.log('\n### PyTorch back end: samples/s training LSTM(32) [10,1] → Dense(1), batch 32, rmsprop');
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    console.log(`skipped: ${PYTHON} has no torch (apt-get install python3-torch)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'nnc-bench-torch-'));
  const series = Array.from({ length: SAMPLES + 10 }, (_, i) => Math.sin(i / 7).toFixed(4));
  writeFileSync(join(dir, 'series.csv'), `value\n${series.join('\n')}\n`);
  writeFileSync(join(dir, 'bench.nn'), `model M {\n  input x: [batch, 10, 1]\n  ${CASE.source}\n}\n\n`
    + 'data waves = windows(csv("series.csv", columns: ["value"]), lookback: 10, horizon: 1)\n\n'
    + `train M on waves {\n  loss: mse\n  optimizer: rmsprop(lr: 1e-3)\n  epochs: ${EPOCHS}\n  batch_size: ${CASE.batch}\n  validation_split: 0\n  save: "out/bench"\n}\n`);
  const quiet = { out: () => {}, err: (s: string) => process.stderr.write(s) };
  if (await compilePytorchCommand(join(dir, 'bench.nn'), join(dir, 'py'), false, quiet) !== 0) throw new Error('nnc compile --target pytorch failed');
  await selectBackend('wasm');
  const py = join(dir, 'py');
  const rates: Record<string, number[]> = { 'PyTorch, 1 process': [], 'PyTorch, torchrun ×2 (DDP, gloo)': [], 'nnc interpreter, wasm': [] };
  const loads: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    loads.push(load());
    rates['PyTorch, 1 process']!.push(torchRate(py, PYTHON, ['train.py']));
    // Debian's torch 1.13 on Python 3.11 needs the streams named (docs/pytorch.md).
    rates['PyTorch, torchrun ×2 (DDP, gloo)']!.push(torchRate(py, 'torchrun', ['--nproc_per_node=2', '--redirects', '2', '--tee', '1', 'train.py']));
    rates['nnc interpreter, wasm']!.push(await nncRate(CASE, SAMPLES, EPOCHS));
  }
  console.log(`${SAMPLES} samples × ${EPOCHS} epochs, ${ROUNDS} interleaved rounds; load average (1, 5, 15 min) before each round: ${loads.join(' | ')}`);
  for (const [name, xs] of Object.entries(rates)) console.log(`  ${name.padEnd(36)} ${median(xs).toFixed(0).padStart(7)} samples/s  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
}
