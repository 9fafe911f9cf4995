// The one mapping from what was thrown to an exit code and a line.
import { describe, expect, it } from 'vitest';
import { describeError, fault, NncError } from '../../runtime/errors.js';

describe('describeError', () => {
  it('gives a fault of the user exit 2 and its sentence', () => {
    for (const kind of ['file', 'flag', 'backend', 'data', 'checkpoint', 'build', 'emit'] as const) {
      expect(describeError(fault(kind, 'x.csv: no data rows'))).toEqual({ exitCode: 2, line: 'x.csv: no data rows' });
    }
    expect(fault('data', 'd')).toBeInstanceOf(NncError);
  });

  it('gives anything else exit 70 as an internal error', () => {
    expect(describeError(new TypeError('x is undefined'))).toEqual({ exitCode: 70, line: 'internal error: x is undefined' });
    expect(describeError('thrown string')).toEqual({ exitCode: 70, line: 'internal error: thrown string' });
  });
});
