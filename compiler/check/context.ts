// Shared state of one check: loaded modules, their scopes and the diagnostic sink.
import type { Decl, Program, Span } from '../../grammar/ast.js';
import { DIAGNOSTIC_CODES, makeDiagnostic, RuleError, type Code, type Diagnostic, type NoteOf, type Values } from '../diagnostics.js';

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

/** The diagnostics one check keeps; the rest are counted in one E0103. */
export const MAX_DIAGNOSTICS = 1000;

export class Sink {
  readonly diagnostics: Diagnostic[] = [];
  /** While > 0, diagnostics are counted but dropped (trial instantiations). */
  private muted = 0;
  mutedCount = 0;
  /** Diagnostics past MAX_DIAGNOSTICS, counted but not kept (a file of junk would
   *  otherwise make hundreds of thousands, each searched for a "did you mean"). */
  dropped = 0;
  /** Whether new diagnostics are dropped (callers may then skip costly details). */
  get full(): boolean {
    return this.muted === 0 && this.diagnostics.length >= MAX_DIAGNOSTICS;
  }

  /** Reports `code` with the values its templates name; `notes` point at other spans. */
  report<C extends Code>(code: C, file: string, span: Span, values: Values<C>, notes?: readonly NoteOf<C>[]): void {
    if (this.muted > 0) {
      if (DIAGNOSTIC_CODES[code].severity === 'error') this.mutedCount++;
      return;
    }
    if (this.full) {
      this.dropped++;
      return;
    }
    this.diagnostics.push(makeDiagnostic(code, file, span, values, notes));
  }

  /** A layer or data-source rule's error, on the span the caller found for it. */
  reportRule(err: RuleError, file: string, span: Span): void {
    this.report(err.code, file, span, err.values as Values<Code>);
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
