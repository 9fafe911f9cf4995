// Every temporary folder the tests make (mkdtemp under os.tmpdir(), in this process, the
// test workers and the CLIs they start) lands in one folder of this run, removed at the end:
// a suite run left ~400 folders in /tmp before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
