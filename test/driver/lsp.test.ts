// `nnc lsp` driven over stdio by a protocol client, as an editor would: one test per feature
// with `<|>` cursor markers in the text, and a session of random edits that must never
// crash the server or leave a request unanswered.
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, CompletionItem, DocumentSymbol, Hover, InlayHint, Location, SignatureHelp, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { checkText, repoScratch } from '../helpers.js';
import { startClient, type LspClient } from '../lsp-client.js';

let client: LspClient;
const scratch = repoScratch();
afterAll(scratch.removeAll);
const dir = scratch.make('lsp-');
let docs = 0;

beforeAll(async () => {
  client = await startClient();
}, 30_000);
afterAll(async () => {
  await client.stop();
});

/** Text with `<|>` markers: the text without them, and the LSP position of each marker. */
function marked(src: string) {
  const offsets: number[] = [];
  let text = '';
  const parts = src.split('<|>');
  parts.forEach((p, i) => {
    text += p;
    if (i < parts.length - 1) offsets.push(text.length);
  });
  return { text, at: offsets.map((o) => position(text, o)) };
}

function position(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** Opens a new document (on disk beside the test's other files) and waits for its diagnostics. */
async function open(src: string) {
  const { text, at } = marked(src);
  const path = join(dir, `doc${++docs}.nn`);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const published = client.nextDiagnostics(uri, 1);
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text } });
  const diagnostics = (await published).diagnostics;
  const textDocument = { uri };
  const request = <R>(method: string, params: Record<string, unknown> = {}) => client.conn.sendRequest(method, { textDocument, ...params }) as Promise<R>;
  return { uri, text, at, diagnostics, request, textDocument };
}

/** Applies text edits to a text (edits of one document, non-overlapping). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

const FORECASTER = `import std.data

/// Reads ten readings and forecasts the next.
model Forecaster(units: Int = 8) {
  input x: [batch, 10, 1]
  h = x -> lst<|>m(units, return_sequences: true)
  lstm(units)
  dense(1)
}

data temps = windows(csv("s.csv", columns: ["t"]), lookback: 10)

train Fore<|>caster on temps {
  loss: mse
  epo<|>chs: 3
}
`;

describe('nnc lsp', () => {
  it('publishes the same diagnostics as nnc check as you type, and clears them when fixed (incremental sync)', async () => {
    const bad = 'model M {\n  input x: [batch, 10]\n  lstm(4)\n  dens(1)\n}\n';
    const d = await open(bad);
    const cli = checkText(bad).diagnostics;
    expect(d.diagnostics.map((x) => [x.code, String(x.message).split('\n')[0]])).toEqual(cli.map((x) => [x.code, x.message]));
    expect(d.diagnostics.map((x) => x.code)).toEqual(['E0302', 'E0201']);
    // Two incremental edits: `dens` → `dense`, `[batch, 10]` → `[batch, 10, 1]`.
    const fixed = client.nextDiagnostics(d.uri, 2);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: d.uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } }, text: 'e' },
        { range: { start: { line: 1, character: 20 }, end: { line: 1, character: 20 } }, text: ', 1' },
      ],
    });
    expect((await fixed).diagnostics).toEqual([]);
  });

  it('hover: a layer call shows its signature, output shape and docs; a tensor its shape; a task field its docs', async () => {
    const d = await open(FORECASTER);
    const layer = await d.request<Hover>('textDocument/hover', { position: d.at[0] });
    expect(JSON.stringify(layer.contents)).toMatch(/lstm\(units.*→ `\[batch, 10, 8\]`/s);
    const model = await d.request<Hover>('textDocument/hover', { position: d.at[1] });
    expect(JSON.stringify(model.contents)).toMatch(/Reads ten readings.*model Forecaster`: x: \[batch, 10, 1\] → \[batch, 1\], 873 parameters/s);
    const field = await d.request<Hover>('textDocument/hover', { position: d.at[2] });
    expect(JSON.stringify(field.contents)).toMatch(/epochs: .*Int/);
    const tensor = await d.request<Hover>('textDocument/hover', { position: { line: 5, character: 7 } });
    expect(JSON.stringify(tensor.contents)).toContain('x: [batch, 10, 1]');
  });

  it('a path that leaves the file\'s folder is an error in the editor (a warning for nnc check)', async () => {
    const d = await open(readFileSync('test/fixtures/W0421-path-outside.nn', 'utf8'));
    expect(d.diagnostics.map((x) => [x.code, x.severity])).toEqual([['W0421', 1], ['W0421', 1], ['W0421', 1], ['W0416', 2]]);
  });

  it('dream and style: the pretrained model has docs on hover, and the task kinds and std modules complete', async () => {
    const d = await open(`import std.data
import std.dream
data photo = nagasaki_boats(height: 100, width: 120)
dream D on photo {
  network: incep<|>tion_v3()
  layers: { mixed3: 1.0 }
  <|>
}
import <|>
`);
    expect(d.diagnostics.filter((x) => x.severity === 1).map((x) => x.code)).toEqual(['E0101']); // the stray `import` at the end
    const hover = await d.request<Hover>('textDocument/hover', { position: d.at[0] });
    expect(JSON.stringify(hover.contents)).toMatch(/InceptionV3.*nsfwjs.*fine-tuned/s);
    const labels = async (i: number) => (await d.request<CompletionItem[]>('textDocument/completion', { position: d.at[i] })).map((c) => c.label);
    expect(await labels(1)).toEqual(expect.arrayContaining(['octaves', 'iterations', 'step', 'max_loss']));
    expect(await labels(2)).toEqual(expect.arrayContaining(['std.dream', 'std.style']));
  });

  it('inlay hints: the output shape after each model line', async () => {
    const d = await open(FORECASTER);
    const hints = await d.request<(InlayHint & { label: string })[]>('textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    expect(hints.map((h) => [h.position.line, h.label.trim()])).toEqual([[5, '[batch, 10, 8]'], [6, '[batch, 8]'], [7, '[batch, 1]']]);
    expect(hints[0]!.position.character).toBe(d.text.split('\n')[5]!.length);
    // While a line further down is wrong, the lines above it keep their hints.
    const broken = await open('model M {\n  input x: [batch, 10, 4]\n  lstm(8, return_sequences: true)\n  conv1d(4, 3)\n  lstm(8)\n  dens(1)\n}\n');
    const partial = await broken.request<(InlayHint & { label: string })[]>('textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    expect(partial.map((h) => [h.position.line, h.label.trim()])).toEqual([[2, '[batch, 10, 8]'], [3, '[batch, 8, 4]'], [4, '[batch, 8]']]);
  });

  it('completion: layers and models in a model, named arguments in a call, task fields, std modules', async () => {
    const d = await open(`import std.data
import <|>

model M {
  input x: [batch, 4]
  <|>
  dense(2, <|>)
}
data d = csv("a.csv", columns: ["a"])
train M on d {
  loss: mse
  <|>
}
`);
    const labels = async (i: number) => (await d.request<CompletionItem[]>('textDocument/completion', { position: d.at[i] })).map((c) => c.label);
    expect(await labels(0)).toEqual(expect.arrayContaining(['std.data', 'std.gan', 'std.vae']));
    const members = await open('import std.recurrent as rec\nmodel M {\n  input x: [batch, 4, 1]\n  rec.<|>\n}\n');
    expect((await members.request<CompletionItem[]>('textDocument/completion', { position: members.at[0] })).map((c) => c.label).sort())
      .toEqual(['BidirectionalEncoder', 'SequenceToOne', 'SequenceToSequence', 'StackedGru', 'StackedLstm']);
    expect(await labels(1)).toEqual(expect.arrayContaining(['dense', 'lstm', 'conv2d', 'M', 'x']));
    const args = await d.request<CompletionItem[]>('textDocument/completion', { position: d.at[2] });
    const activation = args.find((c) => c.label === 'activation:')!;
    expect(activation.detail).toMatch(/activation: one of .* = none/);
        const fields = await labels(3);
    expect(fields).toEqual(expect.arrayContaining(['optimizer', 'epochs', 'batch_size', 'validation_split']));
    expect(fields).not.toContain('loss'); // already there
  });

  it('signature help: the callee, its parameters and the active one', async () => {
    const d = await open('model M {\n  input x: [batch, 4]\n  dense(2, <|>)\n  dropout(rate: <|>0.5)\n}\n');
    const s = await d.request<SignatureHelp>('textDocument/signatureHelp', { position: d.at[0] });
    expect(s.signatures[0]!.label).toMatch(/^dense\(units: .*, activation: /);
    expect(s.activeParameter).toBe(1);
    const named = await d.request<SignatureHelp>('textDocument/signatureHelp', { position: d.at[1] });
    expect(named.signatures[0]!.parameters![named.activeParameter!]!.label).toMatch(/^rate: /);
  });

  it('go to definition: models, lets, bindings, imported files and std modules', async () => {
    writeFileSync(join(dir, 'blocks.nn'), 'model Block {\n  input x: [batch, 4]\n  dense(4)\n}\n');
    const d = await open(`import std.v<|>ae
import "./blo<|>cks.nn" as blocks
let width = 4
model M {
  input x: [batch, wid<|>th]
  h = x -> dense(4)
  h<|> -> blocks.Bl<|>ock
}
data d = csv("a.csv", columns: ["a", "b", "c", "d"])
train <|>M on d { loss: mse }
`);
    const def = async (i: number) => d.request<Location>('textDocument/definition', { position: d.at[i] });
    expect((await def(0)).uri).toMatch(/runtime\/std\/vae\.nn$/);
    expect((await def(1)).uri).toMatch(/blocks\.nn$/);
    expect((await def(2)).range.start).toEqual({ line: 2, character: 4 });
    expect((await def(3)).range.start).toEqual({ line: 5, character: 2 });
    const block = await def(4);
    expect([block.uri.endsWith('blocks.nn'), block.range.start]).toEqual([true, { line: 0, character: 6 }]);
    expect((await def(5)).range.start).toEqual({ line: 3, character: 6 });
  });

  it('document symbols: imports, models with their tensors and shapes, data, tasks', async () => {
    const d = await open(FORECASTER);
    const symbols = await d.request<DocumentSymbol[]>('textDocument/documentSymbol');
    expect(symbols.map((s) => s.name)).toEqual(['std.data', 'Forecaster', 'temps', 'Forecaster']);
    expect(symbols[1]!.children!.map((c) => [c.name, c.detail])).toEqual([['x', '[batch, 10, 1]'], ['h', '[batch, 10, 8]']]);
  });

  it('formatting: the same layout as nnc fmt, comments kept', async () => {
    const d = await open('model   M {\ninput x:[batch,4] // the input\n      dense( 2 ,activation:relu)\n}\n');
    const edits = await d.request<TextEdit[]>('textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } });
    expect(applyEdits(d.text, edits)).toBe('model M {\n  input x: [batch, 4] // the input\n  dense(2, activation: relu)\n}\n');
  });

  it('quick fixes: did you mean, return_sequences for stacked recurrent layers, flatten before dense', async () => {
    const d = await open(`import std.data
model Stack {
  input x: [batch, 10, 1]
  lstm(8)
  <|>lstm(8)
  dense(1)
}
model Images {
  input x: [batch, 28, 28, 1]
  conv2d(4, 3)
  dense(10, activation: softmax)
}
data digits = mnist(count: 10)
train Images on digits { loss: <|>categorical_crossentropy }
train Stack on digits { loss: mse, optimizer: adm<|>() }
`);
    const fixes = async (i: number) => {
      const r = { start: d.at[i]!, end: { ...d.at[i]!, character: d.at[i]!.character + 1 } };
      return d.request<CodeAction[]>('textDocument/codeAction', { range: r, context: { diagnostics: [] } });
    };
    const seq = (await fixes(0)).find((f) => /return sequences/.test(f.title))!;
    expect(applyEdits(d.text, seq.edit!.changes![d.uri]!)).toContain('  lstm(8, return_sequences: true)\n  lstm(8)');
    const flat = (await fixes(1)).find((f) => /flatten/.test(f.title))!;
    expect(applyEdits(d.text, flat.edit!.changes![d.uri]!)).toContain('  conv2d(4, 3)\n  flatten\n  dense(10, activation: softmax)');
    const guess = (await fixes(2)).find((f) => /Change to/.test(f.title))!;
    expect(guess.title).toBe("Change to 'adam'");
  });

  it('rename: a model everywhere it is used, a binding only inside its model; keywords refused', async () => {
    const d = await open(`model Enc<|>oder {
  input x: [batch, 4]
  h<|>idden = x -> dense(4)
  hidden -> dense(2)
}
model Other {
  input hidden: [batch, 2]
  hidden -> Encoder
}
`);
    const ws = await d.request<WorkspaceEdit>('textDocument/rename', { position: d.at[0], newName: 'Coder' });
    expect(applyEdits(d.text, ws.changes![d.uri]!)).toMatch(/model Coder \{[\s\S]*hidden -> Coder/);
    const local = await d.request<WorkspaceEdit>('textDocument/rename', { position: d.at[1], newName: 'h' });
    const renamed = applyEdits(d.text, local.changes![d.uri]!);
    expect(renamed).toContain('  h = x -> dense(4)\n  h -> dense(2)');
    expect(renamed).toContain('input hidden: [batch, 2]');
    await expect(d.request('textDocument/rename', { position: d.at[0], newName: 'model' })).rejects.toThrow(/not a valid name/);
  });

  it('survives thousands of random edits; every request is answered', async () => {
    const d = await open(FORECASTER.replaceAll('<|>', ''));
    let text = d.text;
    let version = 1;
    const pieces = ['(', ')', '[', ']', '{', '}', ':', ',', '->', 'lstm(', 'dense', '"', '/*', '//', '\n', ' ', 'model', 'x', '-', '1e', '9999999999', '?', 'é', '\u{1F600}'];
    const edits = fc.sample(fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), insert: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })) }), { numRuns: 2000, seed: 42 });
    const answered: Promise<unknown>[] = [];
    for (const [i, e] of edits.entries()) {
      const start = e.at % (text.length + 1);
      const end = Math.min(text.length, start + e.del);
      const range = { start: position(text, start), end: position(text, end) };
      text = text.slice(0, start) + e.insert + text.slice(end);
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: d.uri, version: ++version }, contentChanges: [{ range, text: e.insert }] });
      if (i % 40 === 0) {
        const at = position(text, Math.floor(text.length / 2));
        for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/signatureHelp', 'textDocument/definition', 'textDocument/documentSymbol', 'textDocument/formatting', 'textDocument/prepareRename']) {
          answered.push(d.request(method, { position: at, options: { tabSize: 2, insertSpaces: true } }));
        }
        answered.push(d.request('textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: position(text, text.length) } }));
        answered.push(d.request('textDocument/codeAction', { range: { start: { line: 0, character: 0 }, end: at }, context: { diagnostics: [] } }));
      }
    }
    const last = client.nextDiagnostics(d.uri, version);
    await Promise.all(answered);
    const final = await last;
    expect(final.diagnostics.map((x) => x.code)).toEqual(checkText(text).diagnostics.filter((x) => x.file === 'main.nn').map((x) => x.code));
    expect(client.child.exitCode).toBeNull();
  }, 120_000);
});
