// `npm run bench -- gpu`: nnc's training samples/s per model on webgpu vs wasm vs cpu, in one
// run, interleaved (webgpu, wasm, cpu, webgpu, ...) and reported as medians with the load
// average beside them, since a busy machine moves single runs. webgpu runs on whatever adapter
// `--backend webgpu` takes (a software one, lavapipe, says so in its name).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { selectBackend, type BackendInfo } from '../runtime/backend.js';
import { CASES, nncRate } from './train.js';

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => x.toFixed(0).padStart(7);

/** Whether Debian's (or any) python3 torch sees a CUDA device. */
function torchCuda(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return r.stdout.trim() || undefined;
  }
  return undefined;
}

/** Runs until `budgetSeconds` are spent: then the rounds of the model at hand stop (medians
 *  of those run) and the models left are listed as not measured. */
export async function benchGpu(budgetSeconds = Infinity): Promise<void> {
  const started = Date.now();
  const spent = () => (Date.now() - started) / 1000 > budgetSeconds;
  console.log('\n## webgpu vs wasm vs cpu: nnc training samples/s (higher is better), medians of interleaved runs');
  let gpu: BackendInfo;
  try {
    gpu = await selectBackend('webgpu');
  } catch (err) {
    console.log(`(skipped: ${(err as Error).message})`);
    return;
  }
  console.log(`webgpu adapter: ${gpu.detail}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| model, batch | webgpu | wasm | cpu | webgpu/wasm | webgpu/cpu |\n|---|---|---|---|---|---|');
  for (const c of CASES) {
    if (spent()) {
      console.log(`| ${c.name}, ${c.batch} | (time budget of ${budgetSeconds} s spent: not measured) | | | | |`);
      continue;
    }
    // On a software adapter a heavy model's step takes minutes; those rows need a real GPU.
    if (gpu.software && c.heavy) {
      console.log(`| ${c.name}, ${c.batch} | (software adapter: skipped) | | | | |`);
      continue;
    }
    const n = c.heavy ? c.batch * 2 : 1024;
    const rates: Record<'webgpu' | 'wasm' | 'cpu', number[]> = { webgpu: [], wasm: [], cpu: [] };
    for (let round = 0; round <= ROUNDS; round++) {
      for (const backend of ['webgpu', 'wasm', 'cpu'] as const) {
        await selectBackend(backend);
        // The cpu backend is slow on the heavy models: one batch gives its rate.
        const rate = await nncRate(c, backend === 'cpu' && c.heavy ? c.batch : n, 1);
        if (round > 0) rates[backend].push(rate); // round 0 warms shaders, JIT and kernels
      }
      if (round > 0 && spent()) break;
    }
    const [g, w, p] = [median(rates.webgpu), median(rates.wasm), median(rates.cpu)];
    console.log(`| ${c.name}, ${c.batch} | ${fmt(g)} | ${fmt(w)} | ${fmt(p)} | ${(g / w).toFixed(2)}x | ${(g / p).toFixed(2)}x |`);
  }
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const cuda = torchCuda();
  console.log(cuda ? `PyTorch sees ${cuda}: compare with \`npm run bench -- train\` run there` : '(PyTorch on the GPU: python3\'s torch has no CUDA device here; skipped)');
  await selectBackend('cpu');
}
