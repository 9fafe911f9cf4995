// Editor latency: time from a change notification to the published diagnostics of a
// 1k-line file, over many one-character edits, through `nnc lsp --stdio` as an editor
// drives it (goal: p95 < 50 ms). The server's debounce is part of the figure.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEBOUNCE_MS } from '../driver/lsp.js';
import { startClient } from '../test/lsp-client.js';
import { generate } from './check.js';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function benchLsp(edits = 200): Promise<void> {
  console.log('## nnc lsp: change → diagnostics, 1k-line file');
  const text = generate(1000);
  const path = resolve(join('out', 'bench-lsp.nn'));
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const client = await startClient();
  const first = client.nextDiagnostics(uri, 1);
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text } });
  await first;
  const times: number[] = [];
  const line = text.split('\n').findIndex((l) => l.includes('dense(1)'));
  for (let v = 2; v <= edits + 1; v++) {
    // Toggle dense(1) ↔ dense(2) on one line: a real edit, and the file stays valid.
    const published = client.nextDiagnostics(uri, v);
    const t0 = performance.now();
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character: 8 }, end: { line, character: 9 } }, text: String(1 + (v % 2)) }],
    });
    const d = await published;
    times.push(performance.now() - t0);
    if (d.diagnostics.length) throw new Error(`the benchmark file has errors: ${d.diagnostics[0]!.message}`);
  }
  await client.stop();
  const p50 = quantile(times, 0.5), p95 = quantile(times, 0.95);
  console.log(`${edits} edits: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (debounce ${DEBOUNCE_MS} ms included; goal p95 < 50 ms: ${p95 < 50 ? 'met' : 'NOT met'}, ${(p95 / 50).toFixed(2)}x of goal)`);
}
