// Issue 22's pathological inputs (test/fuzz/pathological.ts) through every phase, of the
// built code (bench/built.ts): check, render (text + JSON), summary, format, and the language
// server's work on the document (publishing diagnostics, then each feature at the middle and
// the end of the text; the slowest is shown). Budget: < 1 s each on a ≤ 1 MB input.
// `npm run bench -- pathological [name regex] [runs]`: min / median of `runs` (default 3),
// with the input size and the load average. Not a test: timings vary by machine.
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PATHOLOGICAL } from '../test/fuzz/pathological.js';
import { builtModule, loadAverage, median } from './built.js';

/** The built modules the bench times. */
async function built() {
  const { check } = await builtModule<typeof import('../compiler/check/checker.js')>('compiler/check/checker.js');
  const { renderJson, renderText } = await builtModule<typeof import('../compiler/render.js')>('compiler/render.js');
  const { renderSummary } = await builtModule<typeof import('../compiler/summary.js')>('compiler/summary.js');
  const { formatSource } = await builtModule<typeof import('../compiler/format.js')>('compiler/format.js');
  const { nodeHost } = await builtModule<typeof import('../driver/host.js')>('driver/host.js');
  const { analyse } = await builtModule<typeof import('../compiler/lsp/analysis.js')>('compiler/lsp/analysis.js');
  const features = await builtModule<typeof import('../compiler/lsp/features.js')>('compiler/lsp/features.js');
  const edits = await builtModule<typeof import('../compiler/lsp/edits.js')>('compiler/lsp/edits.js');
  return { check, renderJson, renderText, renderSummary, formatSource, nodeHost, analyse, features, edits };
}
type Built = Awaited<ReturnType<typeof built>>;

/** The language server's requests on one document; each answer is serialised as it would be sent. */
function lspWork({ analyse, nodeHost, features, edits }: Built, text: string): Record<string, () => unknown> {
  const doc = TextDocument.create('file:///bench/main.nn', 'nn', 1, text);
  let a: ReturnType<typeof analyse>;
  const whole = { start: doc.positionAt(0), end: doc.positionAt(text.length) };
  const work: Record<string, () => unknown> = {
    diagnostics: () => { a = analyse('/bench/main.nn', doc, nodeHost); return a.result.diagnostics.map((d) => edits.lspDiagnostic(a, d)); },
    documentSymbol: () => features.documentSymbols(a),
    inlayHint: () => features.inlayHints(a),
    formatting: () => edits.format(a),
    codeAction: () => edits.quickFixes(a, whole),
  };
  for (const [where, at] of [['mid', text.length >> 1], ['end', text.length]] as const) {
    work[`hover@${where}`] = () => features.hover(a, at);
    work[`completion@${where}`] = () => features.completion(a, at);
    work[`signature@${where}`] = () => features.signatureHelp(a, at);
    work[`definition@${where}`] = () => features.definition(a, at);
    work[`rename@${where}`] = () => edits.rename(a, at, 'renamed');
  }
  return work;
}

export async function benchPathological(only?: string, runs = 3): Promise<void> {
  const b = await built();
  const { check, renderJson, renderText, renderSummary, formatSource, nodeHost } = b;
  // The process's CPU time beside the wall time: on a shared machine the wall time also
  // counts the other processes' turns.
  console.log(`load average (1, 5, 15 min) before: ${loadAverage()}; ${runs} runs each, ms: min / median wall time, median CPU time; lsp: the slowest request (median wall/CPU)`);
  console.log(`${'case'.padEnd(12)}${'size'.padStart(8)}  ${['check', 'render', 'summary', 'format', 'lsp'].map((c) => c.padEnd(16)).join('')}diagnostics`);
  const ms = (k: string) => `${Math.min(...times[k]!).toFixed(0)}/${median(times[k]!).toFixed(0)}/${median(cpus[k]!).toFixed(0)}`.padEnd(16);
  let times: Record<string, number[]> = {}, cpus: Record<string, number[]> = {};
  for (const [name, gen] of Object.entries(PATHOLOGICAL)) {
    if (only && !name.match(only)) continue;
    const text = gen(1);
    times = {};
    cpus = {};
    const time = (what: string, f: () => unknown) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const v = f();
      if (v !== undefined) JSON.stringify(v);
      (times[what] ??= []).push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      (cpus[what] ??= []).push((c.user + c.system) / 1000);
      return v;
    };
    let line = '';
    try {
      let codes = '';
      for (let i = 0; i < runs; i++) {
        const r = time('check', () => check('main.nn', nodeHost, text)) as ReturnType<typeof check>;
        time('render', () => renderText(r.diagnostics, r.sources).length + renderJson(r.diagnostics, r.sources).length);
        time('summary', () => [...r.program.models.values()].map((m) => renderSummary(m)).join('\n').length);
        time('format', () => formatSource(text)?.length);
        for (const [what, f] of Object.entries(lspWork(b, text))) time(`lsp ${what}`, f);
        codes = `${r.diagnostics.length} [${[...new Set(r.diagnostics.map((d) => d.code))].slice(0, 5).join(',')}]`;
      }
      const lsp = Object.entries(times).filter(([k]) => k.startsWith('lsp ')).sort((x, y) => median(y[1]) - median(x[1]))[0]!;
      line = `${['check', 'render', 'summary', 'format'].map(ms).join('')}${`${median(lsp[1]).toFixed(0)}/${median(cpus[lsp[0]]!).toFixed(0)} ${lsp[0].slice(4)}`.padEnd(26)}${codes}`;
    } catch (e) {
      line = `THREW in ${Object.keys(times).pop() ?? 'check'}: ${String(e).slice(0, 200)}`;
    }
    console.log(`${name.padEnd(12)}${`${(text.length / 1024).toFixed(0)} KB`.padStart(8)}  ${line}`);
  }
  console.log(`load average after: ${loadAverage()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPathological(process.argv[2], Number(process.argv[3] ?? 3));
