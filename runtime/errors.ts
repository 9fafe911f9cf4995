// The one error type of the program (Gleam's compiler-core/src/error.rs is the model): what
// went wrong, as a union of faults, and one mapping from a fault to the exit code and the
// one line printed for it. `nnc` (driver/main.ts) and emitted programs (session.ts's
// runMain) both print through `describeError`. Imports nothing: `nnc compile` copies it.

/** A fault the user fixes; `detail` is the sentence after `nnc: `. */
export type Fault =
  /** A file the user named cannot be read, or nnc will not overwrite it. */
  | { kind: 'file'; detail: string }
  /** A command-line flag or environment setting is wrong, or names nothing in the program. */
  | { kind: 'flag'; detail: string }
  /** The requested tfjs backend cannot start. */
  | { kind: 'backend'; detail: string }
  /** The data read at run time do not fit (a CSV cell, an IDX header, text too short). */
  | { kind: 'data'; detail: string }
  /** A saved model or weights file is missing, corrupt or does not fit. */
  | { kind: 'checkpoint'; detail: string }
  /** The interpreter cannot build a checked model as tfjs layers. */
  | { kind: 'build'; detail: string }
  /** `nnc compile` cannot compile this program (yet). */
  | { kind: 'emit'; detail: string };

export type FaultKind = Fault['kind'];

export class NncError extends Error {
  constructor(readonly fault: Fault) {
    super(fault.detail);
    this.name = 'NncError';
  }
}

/** Shorthand for the throw sites: `throw fault('data', \`...\`)`. */
export function fault(kind: FaultKind, detail: string): NncError {
  return new NncError({ kind, detail });
}

/** Exit codes as sysexits.h has them: 2 for a fault of the user's, 70 (EX_SOFTWARE) for a bug. */
const EXIT_CODE: Record<FaultKind | 'internal', number> = {
  file: 2, flag: 2, backend: 2, data: 2, checkpoint: 2, build: 2, emit: 2, internal: 70,
};

/** The exit code and the one line (without the program's prefix) for anything thrown. */
export function describeError(err: unknown): { exitCode: number; line: string } {
  if (err instanceof NncError) return { exitCode: EXIT_CODE[err.fault.kind], line: err.fault.detail };
  return { exitCode: EXIT_CODE.internal, line: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
