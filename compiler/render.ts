// The one renderer of diagnostics: rustc/tsc-style text with the source line and carets,
// or JSON for tools. Line and column are computed here, from offsets.
import type { Diagnostic } from './diagnostics.js';

export interface LineCol { line: number; col: number }

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line and column of an offset. */
  at(offset: number): LineCol {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const end = this.starts[line] !== undefined ? this.starts[line]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
  offsetOf(pos: LineCol): number {
    return (this.starts[pos.line - 1] ?? this.text.length) + pos.col - 1;
  }
}

export function renderText(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  const indexes = new Map<string, LineIndex>();
  const index = (file: string) => {
    let ix = indexes.get(file);
    if (!ix) indexes.set(file, (ix = new LineIndex(sources.get(file) ?? '')));
    return ix;
  };
  const out: string[] = [];
  for (const d of diags) {
    const ix = index(d.file);
    const at = ix.at(d.span.start);
    out.push(`${d.file}(${at.line},${at.col}): ${d.severity} ${d.code}: ${d.message}`);
    out.push(...snippet(ix, d.span.start, d.span.end));
    for (const l of d.labels) {
      const lix = index(l.file ?? d.file);
      const lat = lix.at(l.span.start);
      out.push(`  note: ${l.file ?? d.file}(${lat.line},${lat.col}): ${l.message}`);
      out.push(...snippet(lix, l.span.start, Math.min(l.span.end, lix.offsetOf({ line: lat.line + 1, col: 1 }) - 1)));
    }
    if (d.help) out.push(`  help: ${d.help}`);
    out.push('');
  }
  return out.join('\n');
}

/** Source lines longer than this are shown as a window around the span (a minified or
 *  generated one-line program would otherwise be printed whole for every diagnostic). */
export const MAX_SHOWN_LINE = 160;
const CONTEXT_BEFORE = 40;

function snippet(ix: LineIndex, start: number, end: number): string[] {
  const a = ix.at(start);
  const b = ix.at(Math.max(start, end - 1));
  const full = ix.lineText(a.line);
  const gutter = String(a.line);
  let width = b.line === a.line ? Math.max(1, b.col - a.col + 1) : Math.max(1, full.length - a.col + 1);
  let text = full;
  let col = a.col;
  if (full.length > MAX_SHOWN_LINE) {
    const from = Math.max(0, Math.min(a.col - 1 - CONTEXT_BEFORE, full.length - MAX_SHOWN_LINE));
    const to = Math.min(full.length, from + MAX_SHOWN_LINE);
    const lead = from > 0 ? '...' : '';
    text = lead + full.slice(from, to) + (to < full.length ? '...' : '');
    col = a.col - from + lead.length;
    width = Math.max(1, Math.min(width, to - (a.col - 1)));
  }
  return [
    `${' '.repeat(gutter.length)} |`,
    `${gutter} | ${text}`,
    `${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(width)}`,
  ];
}

export function renderJson(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  // One index per file: building one per diagnostic is quadratic on a file full of errors.
  const indexes = new Map<string, LineIndex>();
  const index = (file: string) => {
    let ix = indexes.get(file);
    if (!ix) indexes.set(file, (ix = new LineIndex(sources.get(file) ?? '')));
    return ix;
  };
  return JSON.stringify(diags.map((d) => {
    const ix = index(d.file);
    return {
      code: d.code, severity: d.severity, file: d.file, message: d.message, expected: d.expected, found: d.found, help: d.help,
      start: ix.at(d.span.start), end: ix.at(d.span.end),
      labels: d.labels.map((l) => ({ file: l.file ?? d.file, message: l.message, start: index(l.file ?? d.file).at(l.span.start) })),
    };
  }), null, 2);
}
