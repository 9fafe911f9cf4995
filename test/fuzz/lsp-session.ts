// One language-server session in this process (driver/lsp.ts over in-memory streams, as an
// editor drives it): each fuzz input replaces the open document, waits for its diagnostics
// and asks every feature the server offers. A feature that throws is caught by the server and
// logged (window/logMessage, type error) or answered with an error: both count as "threw".
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startServer } from '../../driver/lsp.js';

/** `slowest`: the request that took longest, and `worstMs` its time. */
export interface LspOutcome { error?: string; ms: number; worstMs: number; slowest: string }

export class LspSession {
  /** The version of each document opened so far, by URI. */
  private readonly versions = new Map<string, number>();
  private readonly errors: string[] = [];
  private waiting?: { uri: string; version: number; done: (p: PublishDiagnosticsParams) => void };

  private constructor(private readonly client: ProtocolConnection) {
    client.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) this.errors.push(p.message);
    });
    client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (this.waiting && p.uri === this.waiting.uri && p.version === this.waiting.version) this.waiting.done(p);
    });
  }

  /** A server with no debounce: each input is one edit, published at once. */
  static async start(): Promise<LspSession> {
    const toServer = new PassThrough(), toClient = new PassThrough();
    startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), { debounceMs: 0 });
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    client.listen();
    await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.sendNotification('initialized', {});
    return new LspSession(client);
  }

  /** The document at `path` becomes `text`; then its diagnostics, and every feature at `offsets`. */
  async run(path: string, text: string, offsets: readonly number[]): Promise<LspOutcome> {
    this.errors.length = 0;
    const uri = pathToFileURL(path).href;
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const t0 = performance.now();
    let slowest = '', worst = 0;
    const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await f();
      } finally {
        const ms = performance.now() - t;
        if (ms > worst) { worst = ms; slowest = what; }
      }
    };
    try {
      const published = new Promise<PublishDiagnosticsParams>((done) => { this.waiting = { uri, version, done }; });
      if (version === 1) await this.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri, languageId: 'nn', version, text } });
      else await this.client.sendNotification('textDocument/didChange', { textDocument: { uri: uri, version }, contentChanges: [{ text }] });
      await timed('diagnostics', () => published);
      const doc = TextDocument.create(uri, 'nn', version, text);
      const textDocument = { uri: uri };
      const whole = { start: doc.positionAt(0), end: doc.positionAt(text.length) };
      await timed('documentSymbol', () => this.client.sendRequest('textDocument/documentSymbol', { textDocument }));
      await timed('formatting', () => this.client.sendRequest('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }));
      await timed('inlayHint', () => this.client.sendRequest('textDocument/inlayHint', { textDocument, range: whole }));
      await timed('codeAction', () => this.client.sendRequest('textDocument/codeAction', { textDocument, range: whole, context: { diagnostics: [] } }));
      for (const offset of offsets) {
        const position = doc.positionAt(offset);
        for (const method of ['hover', 'completion', 'signatureHelp', 'definition', 'prepareRename'] as const) {
          await timed(`${method} at ${offset}`, () => this.client.sendRequest(`textDocument/${method}`, { textDocument, position }));
        }
        await timed(`rename at ${offset}`, () => this.client.sendRequest('textDocument/rename', { textDocument, position, newName: 'renamed' }));
      }
    } catch (err) {
      this.errors.push(err instanceof Error ? err.message : String(err));
    } finally {
      this.waiting = undefined;
    }
    return { error: this.errors[0], ms: performance.now() - t0, worstMs: worst, slowest };
  }

  stop(): void {
    this.client.dispose();
  }
}
