// The run flags' one definition: what emitted programs parse (the CLI declares the same
// table to commander; test/driver/cli.test.ts and run-cli.test.ts cover that side).
import { describe, expect, it } from 'vitest';
import { parseRunFlags, runFlagsFrom } from '../../runtime/flags.js';

describe('run flags', () => {
  it('parses what nnc run takes, with the same defaults', () => {
    expect(parseRunFlags([])).toEqual({ flags: { resume: false } });
    expect(parseRunFlags(['--backend', 'cpu', '--seed', '3', '--resume', '--out', 'o', '--task', 'train:Net'])).toEqual({ flags: { backend: 'cpu', seed: 3, resume: true, out: 'o', task: 'train:Net' } });
    expect(runFlagsFrom({ backend: 'cpu', seed: '3', resume: false, task: 't' })).toEqual({ flags: { backend: 'cpu', seed: 3, resume: false, task: 't' } });
  });

  it('says what is wrong in one line', () => {
    expect(parseRunFlags(['--seed', '1.5'])).toEqual({ error: '--seed must be an integer, not 1.5' });
    expect(runFlagsFrom({ seed: 'x', resume: false })).toEqual({ error: '--seed must be an integer, not x' });
    expect(parseRunFlags(['--out'])).toEqual({ error: '--out needs a value' });
    expect(parseRunFlags(['--tasks', 'x'])).toEqual({ error: 'unknown option --tasks (options: --backend, --seed, --resume, --task, --out)' });
  });
});
