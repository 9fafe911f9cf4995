// End to end: the CLI as a user runs it, through bin/nnc.js in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function nnc(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/nnc.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nnc check', () => {
  it('passes the seed examples with exit 0', () => {
    const r = nnc('check', 'examples/seed/simple_rnn.nn', 'examples/seed/lstm.nn');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints file:line:col, the source line and carets, and exits 1', () => {
    const r = nnc('check', 'test/fixtures/E0302-wrong-rank.nn');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E0302-wrong-rank.nn(3,3): error E0302');
    expect(r.stderr).toContain('  |   ^^^^^^^');
    expect(r.stderr).toContain('1 error');
  });

  it('prints JSON for tools', () => {
    const r = nnc('check', '--format', 'json', 'test/fixtures/E0201-unknown-name.nn');
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout) as { code: string; start: { line: number; col: number } }[];
    expect(diags[0]).toMatchObject({ code: 'E0201', start: { line: 3, col: 8 } });
  });

  it('a missing file, a directory, a bad flag: one line, no stack trace', () => {
    for (const args of [['check', 'nope.nn'], ['check', 'examples'], ['summary', 'nope.nn'], ['check', '--format', 'xml', 'x.nn']]) {
      const r = nnc(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('reads files that import other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-'));
    writeFileSync(join(dir, 'blocks.nn'), 'model Head {\n  input x: [batch, 8]\n  dense(1)\n}\n');
    writeFileSync(join(dir, 'main.nn'), 'import "./blocks.nn" as blocks\nmodel M {\n  input x: [b, 4]\n  dense(8)\n  blocks.Head\n}\n');
    const out = execFileSync(process.execPath, ['bin/nnc.js', 'summary', join(dir, 'main.nn')], { encoding: 'utf8' });
    expect(out).toContain('Total params: 49');
  });
});

describe('nnc summary', () => {
  it('prints Keras-style rows and totals', () => {
    const r = nnc('summary', 'examples/seed/simple_rnn.nn');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simple_rnn_1 \(simple_rnn\)\s+\[batch, 32\]\s+1,088/);
    expect(r.stdout).toContain('Total params: 1,121');
  });
  it('names the models when --model is wrong', () => {
    const r = nnc('summary', 'examples/seed/lstm.nn', '--model', 'Nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('models: LstmForecaster');
  });
});

describe('nnc fmt', () => {
  it('prints, checks (exit 1, names the file) and rewrites in place; a syntax error is a diagnostic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-fmt-'));
    const file = join(dir, 'm.nn');
    writeFileSync(file, 'model M{\ninput x:[batch,4]\n    dense(2)}\n');
    expect(nnc('fmt', file).stdout).toBe('model M {\n  input x: [batch, 4]\n  dense(2) }\n');
    const checked = nnc('fmt', '--check', file);
    expect([checked.code, checked.stdout.trim()]).toEqual([1, file]);
    expect(nnc('fmt', '--write', file).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('model M {\n  input x: [batch, 4]\n  dense(2) }\n');
    expect(nnc('fmt', '--check', file).code).toBe(0);
    writeFileSync(file, 'model M {\n  input x: [batch\n');
    const bad = nnc('fmt', file);
    expect([bad.code, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toMatch(/m\.nn\(\d+,\d+\): error E0101/);
  });
});

describe('nnc --version', () => {
  it("prints package.json's version", () => {
    const r = nnc('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});
