// The CLI as a user runs it, for end-to-end tests: `nnc ARGS` in a child process on the
// default backend choice (NNC_BACKEND cleared), and a project folder of files the test writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function nnc(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/nnc.js', ...args], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new folder under the temporary directory (`prefix` names it) holding `files`. */
export function projectFolder(prefix: string, files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}
