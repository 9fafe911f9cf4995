// Streaming data bigger than memory: peak RSS of `nnc run` training one epoch on a generated
// labelled CSV of ~20 MB and of ~200 MB (stream: true), against the same program on a tiny
// file (nnc, tfjs and the model: the floor). Goal: flat, the two large files within a few MB
// of each other. Also the 20 MB file read whole (stream: false), for comparison. Each run is a
// fresh process; its peak RSS is read in the process itself (process.resourceUsage) on exit.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FEATURES = 8;

/** A labelled CSV of about `mb` megabytes: FEATURES numeric columns and a class name. */
function generate(path: string, mb: number): number {
  const fd = openSync(path, 'w');
  writeSync(fd, [...Array.from({ length: FEATURES }, (_, k) => `f${k}`), 'kind'].join(',') + '\n');
  let rows = 0, bytes = 0, seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  while (bytes < mb * 1e6) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++, rows++) {
      const k = rows % 3;
      lines.push([...Array.from({ length: FEATURES }, (_, j) => (k * (j % 3) + random()).toFixed(4)), ['red', 'green', 'blue'][k]].join(','));
    }
    const text = lines.join('\n') + '\n';
    writeSync(fd, text);
    bytes += text.length;
  }
  closeSync(fd);
  return rows;
}

const program = (file: string, stream: boolean) => `
model Small {
  input x: [batch, ${FEATURES}]
  dense(16, activation: relu)
  dense(3, activation: softmax)
}
data rows = csv("${file}", x: [${Array.from({ length: FEATURES }, (_, k) => `"f${k}"`).join(', ')}], y: "kind", labels: ids, stream: ${stream})
train Small on rows { loss: sparse_categorical_crossentropy, optimizer: adam(lr: 0.01), epochs: 1, batch_size: 1024, metrics: [accuracy], seed: 1, save: "out", validation_split: 0.1 }
`;

const PEAK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("peak_rss_kb "+process.resourceUsage().maxRSS+"\\n"))';

/** V8 lets garbage pile up to hundreds of MB before a full collection; a capped old space
 *  makes it collect, so the peak shows what streaming needs (it would stop at the cap otherwise). */
const HEAP_CAP_MB = 128;

function run(dir: string, name: string, file: string, stream: boolean): { peakMb: number; seconds: number; status: string } {
  const nn = join(dir, `${name}.nn`);
  spawnSync('sh', ['-c', `cat > ${nn}`], { input: program(file, stream) });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...(stream ? [`--max-old-space-size=${HEAP_CAP_MB}`] : []), '--import', PEAK, 'bin/nnc.js', 'run', nn, '--backend', 'wasm'], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: '' } });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/peak_rss_kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const err = r.stderr.split('\n').find((l) => l.startsWith('nnc:') || /heap out of memory/.test(l));
  return { peakMb: kb / 1024, seconds, status: r.status === 0 ? 'ok' : `exit ${r.status}${err ? `: ${err.slice(0, 80)}` : ''}` };
}

export function benchStream(): void {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-bench-stream-'));
  try {
    const files = [['tiny', 0.2], ['20 MB', 20], ['200 MB', 200]] as const;
    console.log(`\nstreamed CSV: peak RSS of nnc run, one epoch (batch 1024, validation_split 0.1, wasm; streamed runs with --max-old-space-size=${HEAP_CAP_MB})`);
    const made = files.map(([name, mb]) => {
      const file = join(dir, `${name.replace(' ', '')}.csv`);
      const rows = generate(file, mb);
      return { name, file, rows, bytes: statSync(file).size };
    });
    const results = made.map((f) => ({ ...f, stream: true, ...run(dir, f.name.replace(' ', ''), f.file, true) }));
    results.push({ ...made[1]!, stream: false, ...run(dir, 'whole20', made[1]!.file, false) });
    for (const r of results) {
      console.log(`  ${r.name.padEnd(7)} ${(r.bytes / 1e6).toFixed(1).padStart(6)} MB ${String(r.rows).padStart(8)} rows  ${r.stream ? 'stream' : 'whole '}  peak RSS ${r.peakMb.toFixed(0).padStart(5)} MB  ${r.seconds.toFixed(1).padStart(6)} s  ${r.status}`);
    }
    const floor = results[0]!.peakMb, small = results[1]!.peakMb, large = results[2]!.peakMb;
    console.log(`  above the tiny file's floor: 20 MB +${(small - floor).toFixed(0)} MB, 200 MB +${(large - floor).toFixed(0)} MB (one batch: ${(1024 * (FEATURES + 1) * 4 / 1024).toFixed(0)} KB of floats)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
