// The editor integrations: the VS Code extension's files are valid and agree with the
// compiler's tables, and a real Neovim (where installed) gets diagnostics and hovers from
// `nnc lsp` through its built-in client.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASKS } from '../../compiler/tasks/index.js';

const vscode = (f: string) => JSON.parse(readFileSync(join('editors/vscode', f), 'utf8'));

describe('editors', () => {
  it('VS Code: the manifest, language configuration and grammar are valid; the grammar knows every task kind', () => {
    const manifest = vscode('package.json');
    expect(manifest.contributes.languages[0].extensions).toEqual(['.nn']);
    vscode('language-configuration.json');
    const grammar = vscode('syntaxes/nn.tmLanguage.json') as { patterns: { match?: string; begin?: string; end?: string }[] };
    for (const p of grammar.patterns) for (const re of [p.match, p.begin, p.end]) if (re) expect(() => new RegExp(re)).not.toThrow();
    const tasks = grammar.patterns.find((p) => p.match?.includes('train'))!.match!;
    for (const kind of TASKS.keys()) expect(tasks).toContain(kind);
  });

  it('Neovim: its built-in LSP client shows the diagnostic and the hover', (ctx) => {
    if (spawnSync('nvim', ['--version']).status !== 0) return ctx.skip();
    mkdirSync('out', { recursive: true });
    const file = resolve('out/nvim-session.nn');
    writeFileSync(file, 'model M {\n  input x: [batch, 10, 1]\n  lstm(8)\n  dens(1)\n}\n');
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-c', 'luafile test/neovim-session.lua'], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, NNC_ROOT: resolve('.'), NNC_NVIM_FILE: file },
    });
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.attached).toBe(1);
    expect(out.diagnostics).toEqual([{ line: 3, col: 2, code: 'E0201', message: "unknown name: 'dens' is not defined\nhelp: did you mean 'dense'?" }]);
    expect(out.hover).toMatch(/^```nn\nlstm\(units/);
  }, 90_000);
});
