// The one table of diagnostic codes. E01xx syntax, E02xx names and arguments, E03xx shapes,
// E04xx tasks and data. Every code has a golden fixture (test/fixtures/<code>-*.nn).
import type { Span } from '../grammar/ast.js';

export type Severity = 'error' | 'warning';

interface CodeInfo { severity: Severity; title: string }

export const DIAGNOSTIC_CODES = {
  E0100: { severity: 'error', title: 'unexpected character' },
  E0101: { severity: 'error', title: 'syntax error' },
  E0102: { severity: 'error', title: 'nesting too deep' },
  E0201: { severity: 'error', title: 'unknown name' },
  E0202: { severity: 'error', title: 'unknown argument' },
  E0203: { severity: 'error', title: 'duplicate definition' },
  E0204: { severity: 'error', title: 'module not found' },
  E0205: { severity: 'error', title: 'cycle' },
  E0206: { severity: 'error', title: 'conflicting imports' },
  E0207: { severity: 'error', title: 'wrong argument type' },
  E0208: { severity: 'error', title: 'missing argument' },
  E0209: { severity: 'error', title: 'too many arguments' },
  E0210: { severity: 'error', title: 'invalid argument value' },
  E0211: { severity: 'error', title: 'not applicable' },
  E0212: { severity: 'error', title: 'no current flow' },
  E0213: { severity: 'error', title: 'duplicate argument' },
  E0301: { severity: 'error', title: 'shape mismatch' },
  E0302: { severity: 'error', title: 'wrong rank' },
  E0303: { severity: 'error', title: 'dimension must be known' },
  E0304: { severity: 'error', title: 'reshape size mismatch' },
  E0305: { severity: 'error', title: 'dimension too small' },
  E0306: { severity: 'error', title: 'wrong dtype' },
  E0401: { severity: 'error', title: 'unknown task kind' },
  E0402: { severity: 'error', title: 'unknown task field' },
  E0403: { severity: 'error', title: 'missing task field' },
  E0404: { severity: 'error', title: 'data does not fit the model' },
  E0405: { severity: 'error', title: 'loss does not fit the output' },
  E0406: { severity: 'error', title: 'wrong field type' },
  E0407: { severity: 'error', title: 'not a model' },
  E0408: { severity: 'error', title: 'the models of a task do not fit together' },
  E0409: { severity: 'error', title: 'task kind not imported' },
  W0410: { severity: 'warning', title: 'generator output does not match the pixel range' },
  E0411: { severity: 'error', title: 'pretrained model cannot be read' },
  E0412: { severity: 'error', title: 'the task needs an image model' },
  E0413: { severity: 'error', title: 'no such layer in the model' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof DIAGNOSTIC_CODES;

export interface Label { span: Span; message: string; file?: string }

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** The file (path as given) the primary span is in. */
  file: string;
  span: Span;
  /** Title plus the specifics, e.g. "shape mismatch: expected [b, 32], found [b, 16]". */
  message: string;
  expected?: string;
  found?: string;
  labels: Label[];
  help?: string;
}

export interface DiagnosticInput {
  expected?: string;
  found?: string;
  labels?: Label[];
  help?: string;
}

export function makeDiagnostic(code: Code, file: string, span: Span, detail: string, extra: DiagnosticInput = {}): Diagnostic {
  const info = DIAGNOSTIC_CODES[code];
  let message = detail ? `${info.title}: ${detail}` : info.title;
  if (extra.expected !== undefined && extra.found !== undefined) message += `: expected ${extra.expected}, found ${extra.found}`;
  return { code, severity: info.severity, file, span, message, labels: extra.labels ?? [], help: extra.help, expected: extra.expected, found: extra.found };
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
