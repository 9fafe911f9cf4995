// Shared state of one check: loaded modules, their scopes and the diagnostic sink.
import type { Decl, Program, Span } from '../../grammar/ast.js';
import { DIAGNOSTIC_CODES, makeDiagnostic, type Code, type Diagnostic, type DiagnosticInput } from '../diagnostics.js';

export interface SourceModule {
  /** Path as shown in diagnostics. */
  path: string;
  text: string;
  ast: Program;
  /** Unqualified names visible at top level: own declarations and imported exports. */
  scope: Map<string, GlobalSymbol>;
  /** Standard-library modules this module imports (with or without `as`): their task kinds are usable. */
  stdImports: Set<string>;
}

export type GlobalSymbol =
  | { kind: 'decl'; decl: Extract<Decl, { kind: 'let' | 'model' | 'data' }>; module: SourceModule }
  | { kind: 'module'; module: SourceModule | 'builtin'; stdName?: string }
  | { kind: 'builtin'; name: string; table: 'data' | 'model'; stdModule: string };

export class Sink {
  readonly diagnostics: Diagnostic[] = [];
  /** While > 0, diagnostics are counted but dropped (trial instantiations). */
  private muted = 0;
  mutedCount = 0;

  report(code: Code, file: string, span: Span, detail: string, extra?: DiagnosticInput): void {
    if (this.muted > 0) {
      if (DIAGNOSTIC_CODES[code].severity === 'error') this.mutedCount++;
      return;
    }
    this.diagnostics.push(makeDiagnostic(code, file, span, detail, extra));
  }

  quietly<T>(fn: () => T): { result: T; errors: number } {
    this.muted++;
    const before = this.mutedCount;
    try {
      return { result: fn(), errors: this.mutedCount - before };
    } finally {
      this.muted--;
    }
  }
}
