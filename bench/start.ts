// Start-up as a user sees it, from a fresh build: wall time of `nnc --help` (goal < 100 ms),
// `nnc check` of a small file (goal < 150 ms) and `nnc lsp` from spawn to the first
// diagnostics of that file (goal < 300 ms). Each run is a fresh process; the three are
// interleaved round by round so a change in the machine's load hits them alike, and the load
// average is printed with them.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startClient } from '../test/lsp-client.js';

const SMALL = 'examples/seed/lstm.nn';

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`nnc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function lspMs(): Promise<number> {
  const t0 = performance.now();
  const client = await startClient();
  const uri = pathToFileURL(resolve(SMALL)).href;
  const first = client.nextDiagnostics(uri);
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text: readFileSync(SMALL, 'utf8') } });
  await first;
  const ms = performance.now() - t0;
  await client.stop();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function benchStart(rounds = 9): Promise<void> {
  console.log(`## start-up (fresh process each run, ${rounds} interleaved rounds, medians)`);
  // Figures of the build, as users get it: bin/nnc.js runs the sources when they are newer.
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const loadBefore = load();
  const bare: number[] = [], help: number[] = [], check: number[] = [], lsp: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(wallMs(['-e', '0']));
    help.push(wallMs(['bin/nnc.js', '--help']));
    check.push(wallMs(['bin/nnc.js', 'check', SMALL]));
    lsp.push(await lspMs());
  }
  // Under load every process starts slower, node's own start included: the time above the
  // floor, round by round, is the part that is nnc's.
  const row = (what: string, xs: number[], goal: number) => {
    const m = median(xs);
    const above = median(xs.map((x, i) => x - bare[i]!));
    console.log(`${what.padEnd(28)} median ${m.toFixed(0).padStart(5)} ms, min ${Math.min(...xs).toFixed(0)} ms, ${above.toFixed(0)} ms above the floor (goal < ${goal} ms: ${m < goal ? 'met' : 'NOT met'})`);
  };
  console.log(`${'node -e 0 (the floor)'.padEnd(28)} median ${median(bare).toFixed(0).padStart(5)} ms`);
  row('nnc --help', help, 100);
  row(`nnc check (${readFileSync(SMALL, 'utf8').split('\n').length - 1}-line file)`, check, 150);
  row('nnc lsp → first diagnostics', lsp, 300);
  console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}`);
}
