// `nnc graph` and the LSP's `nnc/graph` request, end to end (the picture itself is checked in
// test/compiler/graph.test.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoScratch } from '../helpers.js';
import { startClient } from '../lsp-client.js';

const scratch = repoScratch();
afterAll(scratch.removeAll);
const dir = scratch.make('graph-');

function nnc(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/nnc.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = `model Good {
  input x: [batch, 4]
  dense(2)
}
model Bad {
  input x: [batch, 4]
  lstm(2)
}
`;

describe('nnc graph', () => {
  it('writes the named model as SVG with -o, and to stdout without', () => {
    const out = join(dir, 'gen.svg');
    const r = nnc('graph', 'examples/seed/gan.nn', '--model', 'Generator', '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('data-model="Generator"');
    expect(svg.match(/<g class="layer/g)).toHaveLength(13);
    const stdout = nnc('graph', 'examples/seed/lstm.nn');
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toMatch(/^<svg[^]*<\/svg>\n$/);
  });

  it('asks for --model when the file has several, naming them; refuses an unknown one', () => {
    const several = nnc('graph', 'examples/seed/gan.nn');
    expect(several.code).toBe(2);
    expect(several.stderr).toBe('nnc: examples/seed/gan.nn has 2 models; pick one with --model (models: Generator, Discriminator)\n');
    const unknown = nnc('graph', 'examples/seed/gan.nn', '--model', 'Critic');
    expect(unknown.stderr).toContain('has no model Critic (models: Generator, Discriminator)');
  });

  it('draws a sound model of a file with errors elsewhere; a model with errors gets them printed and exit 1', () => {
    const file = join(dir, 'broken.nn');
    writeFileSync(file, BROKEN);
    expect(nnc('graph', file, '--model', 'Good').code).toBe(0);
    const bad = nnc('graph', file, '--model', 'Bad');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error E0302');
    expect(bad.stdout).toBe('');
  });
});

describe('nnc lsp: nnc/graph', () => {
  it('answers the request and the nnc.graph command with the SVG, and an error reply for a model with errors', async () => {
    const client = await startClient();
    try {
      const file = join(dir, 'lsp.nn');
      writeFileSync(file, BROKEN);
      const uri = pathToFileURL(file).href;
      const checked = client.nextDiagnostics(uri);
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text: BROKEN } });
      await checked;
      const reply = await client.conn.sendRequest<{ svg: string }>('nnc/graph', { textDocument: { uri }, model: 'Good' });
      expect(reply.svg).toContain('data-model="Good"');
      const viaCommand = await client.conn.sendRequest<{ svg: string }>('workspace/executeCommand', { command: 'nnc.graph', arguments: [uri, 'Good'] });
      expect(viaCommand.svg).toBe(reply.svg);
      await expect(client.conn.sendRequest('nnc/graph', { textDocument: { uri }, model: 'Bad' })).rejects.toThrow('has no model Bad to draw: the file has 1 error');
    } finally {
      await client.stop();
    }
  });
});
