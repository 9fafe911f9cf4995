// The phases an input goes through, as a user meets them: parse, check (`nnc check`),
// summary (`nnc summary`), format (`nnc fmt`), render (text and JSON diagnostics), graph
// (`nnc graph` of every model that checked) and the language server. Each phase ends "ok", "diagnostics" (the input has errors, said well),
// "threw", "slow" (over SLOW_MS twice in a row) or "wrong" (a broken promise: a diagnostic
// outside the text, formatting that changes a token or is not idempotent).
import { resolve } from 'node:path';
import { parse } from '../../grammar/parse.js';
import { check, type CheckResult } from '../../compiler/check/checker.js';
import { contentOf, formatSource } from '../../compiler/format.js';
import { renderJson, renderText } from '../../compiler/render.js';
import { renderSummary } from '../../compiler/summary.js';
import { modelSvg } from '../../compiler/graph/svg.js';
import { modelErrors } from '../../driver/graph.js';
import { nodeHost } from '../../driver/host.js';
import type { LspSession } from './lsp-session.js';

export const PHASES = ['parse', 'check', 'summary', 'format', 'render', 'graph', 'lsp'] as const;
export type Phase = (typeof PHASES)[number];
export type Outcome = 'ok' | 'diagnostics' | 'threw' | 'slow' | 'wrong';
export interface PhaseResult { phase: Phase; outcome: Outcome; detail?: string; ms: number }

/** Budget per phase for any input the fuzzer makes (they are all well under 1 MB). */
export const SLOW_MS = 1000;
/** Where an input pretends to live: in `dir` (by default beside the fixtures), so relative
 *  imports and data files resolve as they do for the file it was made from. */
export const fuzzPath = (dir = 'test/fixtures') => resolve(dir, '__fuzz__.nn');

/** `Name: message` and the first frame in the project's code: enough to tell two bugs apart. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = err.stack?.split('\n').find((l) => /\/(grammar|compiler|driver|runtime)\//.test(l))?.trim().replace(/^at /, '') ?? '';
  return `${err.name}: ${err.message.slice(0, 300)}${frame ? ` (${frame.replace(/.*\/((grammar|compiler|driver|runtime)\/)/, '$1').replace(/\)$/, '')})` : ''}`;
}

type Judged = { outcome: Outcome; detail?: string };

/** Runs a phase (twice when it was slow: a pause of the shared machine is not a slow phase)
 *  and judges what it gave. */
async function timed<T>(phase: Phase, f: () => T | Promise<T>, judge: (v: T) => Judged): Promise<{ result: PhaseResult; value?: T }> {
  let value: T;
  let ms = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    const t0 = performance.now();
    try {
      value = await f();
    } catch (err) {
      return { result: { phase, outcome: 'threw', detail: describeError(err), ms: performance.now() - t0 } };
    }
    ms = performance.now() - t0;
    if (ms <= SLOW_MS) break;
  }
  const judged = judge(value!);
  return { result: { phase, ms, ...(ms > SLOW_MS && judged.outcome !== 'wrong' ? { outcome: 'slow', detail: `${ms.toFixed(0)} ms` } : judged) }, value: value! };
}

function spansInside(r: CheckResult, text: string): string | undefined {
  for (const d of r.diagnostics) {
    const len = r.sources.get(d.file)?.length ?? text.length;
    if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= len + 1)) return `${d.code} span ${d.span.start}..${d.span.end} outside the file (${len} chars)`;
    if (!d.message) return `${d.code} has an empty message`;
  }
  return undefined;
}

/** A coordinate or size that is not a finite number (names in labels may be anything). */
const BROKEN_GEOMETRY = /\b(x|y|x1|x2|y1|y2|width|height|d|points|viewBox|transform)="[^"]*(NaN|undefined|Infinity)/;

/** `nnc graph` draws one model: here the first and the last that the check left without
 *  errors in their declarations (drawing every model of a file of 200 nested ones takes
 *  minutes). Each must be an SVG with finite coordinates. */
async function graphPhase(r: CheckResult): Promise<PhaseResult> {
  const clean = [...r.program.models.values()].filter((m) => !modelErrors(r, m).length);
  const drawable = clean.length > 2 ? [clean[0]!, clean[clean.length - 1]!] : clean;
  return (await timed('graph', () => Promise.all(drawable.map((m) => modelSvg(m))), (svgs) => {
    const bad = svgs.findIndex((svg) => !svg.startsWith('<svg') || BROKEN_GEOMETRY.test(svg));
    if (bad >= 0) return { outcome: 'wrong', detail: `the picture of model ${drawable[bad]!.name} is not an SVG or has NaN, undefined or Infinity in its geometry` };
    return { outcome: clean.length < r.program.models.size || r.diagnostics.length ? 'diagnostics' : 'ok' };
  })).result;
}

/** Every phase but the language server's, in order; later phases need the check's result. */
export async function runPhases(text: string, path = fuzzPath()): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  out.push((await timed('parse', () => parse(text), (p) => ({ outcome: p.errors.length ? 'diagnostics' : 'ok' }))).result);
  const checked = await timed('check', () => check(path, nodeHost, text), (r) => {
    const bad = spansInside(r, text);
    return bad ? { outcome: 'wrong', detail: bad } : { outcome: r.diagnostics.length ? 'diagnostics' : 'ok' };
  });
  out.push(checked.result);
  out.push((await timed('format', () => formatSource(text), (f) => {
    if (f === undefined) return { outcome: 'diagnostics' };
    if (JSON.stringify(contentOf(f)) !== JSON.stringify(contentOf(text))) return { outcome: 'wrong', detail: 'formatting changed a token or comment' };
    if (formatSource(f) !== f) return { outcome: 'wrong', detail: 'formatting is not idempotent' };
    return { outcome: 'ok' };
  })).result);
  const r = checked.value;
  if (!r) return out;
  out.push((await timed('summary', () => [...r.program.models.values()].map((m) => renderSummary(m)).join('\n'), () => ({ outcome: 'ok' }))).result);
  out.push((await timed('render', () => renderText(r.diagnostics, r.sources) + renderJson(r.diagnostics, r.sources), () => ({ outcome: r.diagnostics.length ? 'diagnostics' : 'ok' }))).result);
  out.push(await graphPhase(r));
  return out;
}

/** The language server's phase: `offsets` are where the cursor asks for hovers and the rest. */
export async function runLsp(session: LspSession, path: string, text: string, offsets: readonly number[]): Promise<PhaseResult> {
  const o = await session.run(path, text, offsets);
  if (o.error) return { phase: 'lsp', outcome: 'threw', detail: o.error.split('\n').slice(0, 3).join(' | ').slice(0, 400), ms: o.ms };
  if (o.worstMs > SLOW_MS) return { phase: 'lsp', outcome: 'slow', detail: `${o.slowest} took ${o.worstMs.toFixed(0)} ms`, ms: o.ms };
  return { phase: 'lsp', outcome: 'ok', ms: o.ms };
}

/** A few cursor offsets in the text, spread by `pick` (a number below its argument). */
export function cursorOffsets(text: string, pick: (n: number) => number): number[] {
  return [pick(text.length + 1), pick(text.length + 1)];
}
