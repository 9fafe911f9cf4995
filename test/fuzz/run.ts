// A fuzz run: inputs `from`..`from + runs - 1` of a seed through every phase, one language
// server session for all of them. Counts per phase and per input, and each distinct failure
// (phase, outcome and the error's first line) once, with its first input and a minimal
// reproducer.
import { fuzzInput, Rng, type Family } from './inputs.js';
import { LspSession } from './lsp-session.js';
import { cursorOffsets, fuzzPath, PHASES, runLsp, runPhases, type Outcome, type Phase, type PhaseResult } from './phases.js';
import { shrink } from './shrink.js';

export interface Failure { phase: Phase; outcome: Outcome; detail: string; index: number; family: Family; text: string; path: string; count: number }
export interface FuzzReport {
  seed: number; from: number; runs: number; ms: number;
  /** Per phase, how many inputs ended in each outcome. */
  phases: Record<Phase, Record<Outcome, number>>;
  /** Per input: passed (no diagnostic), diagnostics, threw (in any phase), slow (in any phase, none threw). */
  inputs: { passed: number; diagnostics: number; threw: number; slow: number; wrong: number };
  failures: Failure[];
}

const signature = (r: PhaseResult) => `${r.phase} ${r.outcome} ${r.outcome === 'slow' ? '' : (r.detail ?? '').replace(/\d+/g, 'N')}`;

export async function fuzz({ seed, from = 0, runs, lsp = true, onProgress }: { seed: number; from?: number; runs: number; lsp?: boolean; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const t0 = performance.now();
  const phases = Object.fromEntries(PHASES.map((p) => [p, { ok: 0, diagnostics: 0, threw: 0, slow: 0, wrong: 0 }])) as FuzzReport['phases'];
  const inputs = { passed: 0, diagnostics: 0, threw: 0, slow: 0, wrong: 0 };
  const failures = new Map<string, Failure>();
  const session = lsp ? await LspSession.start() : undefined;
  try {
    for (let i = from; i < from + runs; i++) {
      const { family, text, dir } = fuzzInput(seed, i);
      const path = fuzzPath(dir);
      const results = await runPhases(text, path);
      if (session) {
        const r = new Rng(seed ^ i);
        results.push(await runLsp(session, path, text, cursorOffsets(text, (n) => r.int(n))));
      }
      for (const res of results) {
        phases[res.phase][res.outcome]++;
        if (res.outcome === 'ok' || res.outcome === 'diagnostics') continue;
        const key = signature(res);
        const seen = failures.get(key);
        if (seen) seen.count++;
        else failures.set(key, { phase: res.phase, outcome: res.outcome, detail: res.detail ?? '', index: i, family, text, path, count: 1 });
      }
      const outcomes = new Set(results.map((r) => r.outcome));
      if (outcomes.has('threw')) inputs.threw++;
      else if (outcomes.has('wrong')) inputs.wrong++;
      else if (outcomes.has('slow')) inputs.slow++;
      else if (results.find((r) => r.phase === 'check')?.outcome === 'diagnostics') inputs.diagnostics++;
      else inputs.passed++;
      if (onProgress && (i - from + 1) % 1000 === 0) onProgress(i - from + 1);
    }
    return { seed, from, runs, ms: performance.now() - t0, phases, inputs, failures: [...failures.values()] };
  } finally {
    session?.stop();
  }
}

/** The smallest text found that fails the same phase the same way (slow inputs are left
 *  as they are: each try would take seconds). */
export async function reproducer(f: Failure): Promise<string> {
  if (f.outcome === 'slow') return f.text;
  const key = signature({ phase: f.phase, outcome: f.outcome, detail: f.detail, ms: 0 });
  if (f.phase !== 'lsp') return shrink(f.text, async (t) => (await runPhases(t, f.path)).some((r) => signature(r) === key));
  const session = await LspSession.start();
  try {
    // Every offset of the shrunk text is a candidate cursor: the failure may need one.
    return await shrink(f.text, async (t) => {
      for (let at = 0; at <= t.length; at += Math.max(1, Math.floor(t.length / 8))) {
        const r = await runLsp(session, f.path, t, [at]);
        if (signature(r) === key) return true;
      }
      return false;
    }, { maxTries: 150 });
  } finally {
    session.stop();
  }
}
