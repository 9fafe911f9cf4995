// Errors the user fixes (a missing file, bad data, a corrupt checkpoint): printed as one
// line `nnc: ...` with exit code 2, never with a stack trace.
export class UserError extends Error {
  readonly userFacing = true;
}

/** UserError, or a runtime error for bad input (DataError, CheckpointError, BackendError,
 *  BuildError), which carry the same marker: the runtime is imported lazily, so the CLI
 *  cannot name its classes here. */
export function isUserError(err: unknown): err is Error {
  return err instanceof Error && (err as { userFacing?: unknown }).userFacing === true;
}
