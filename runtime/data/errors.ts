// Bad data is the user's problem to fix, not a crash: one line naming the file and row.
export class DataError extends Error {
  readonly userFacing = true;
}
