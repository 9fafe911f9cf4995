// `nnc lsp`: the language server. It checks open documents with the same checker as `nnc
// check` (open buffers shadow the disk, so imports see unsaved edits), publishes
// diagnostics after a short debounce, and answers the feature requests. It never runs a
// model and never writes a file: opening an untrusted .nn file is safe.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, ErrorCodes, ProposedFeatures, RequestType, ResponseError, TextDocumentSyncKind, TextDocuments, createConnection,
  type CodeActionParams, type Connection, type DocumentSymbolParams, type InitializeResult, type InlayHintParams,
  type RenameParams, type TextDocumentPositionParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompilerHost } from '../compiler/check/loader.js';
import { nodeHost } from './host.js';
import { packageVersion } from './package-root.js';
import { analyse, type Analysis } from '../compiler/lsp/analysis.js';
import { format, lspDiagnostic, quickFixes, rename, renameTarget } from '../compiler/lsp/edits.js';
import { completion, definition, documentSymbols, hover, inlayHints, signatureHelp } from '../compiler/lsp/features.js';

/** `nnc/graph`: a model of an open document as SVG (what `nnc graph` writes). `model` may be
 *  left out when the document has one model. Also offered as the command `nnc.graph` with
 *  the arguments [uri, model?]. */
export interface GraphParams { textDocument: { uri: string }; model?: string }
export const GraphRequest = new RequestType<GraphParams, { svg: string }, void>('nnc/graph');
export const GRAPH_COMMAND = 'nnc.graph';

/** Milliseconds of quiet after an edit before the document is checked again. */
export const DEBOUNCE_MS = 15;

const pathOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);

/** `debounceMs`: 0 checks at once after each edit (the fuzzer's one-edit-per-input session). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout), { debounceMs = DEBOUNCE_MS } = {}): Connection {
  const documents = new TextDocuments(TextDocument);
  const byPath = () => new Map(documents.all().map((d) => [resolve(pathOf(d.uri)), d]));
  // Open buffers shadow files on disk; reading is all the checker does with the host.
  const host: CompilerHost = {
    ...nodeHost,
    readFile: (p) => byPath().get(resolve(p))?.getText() ?? nodeHost.readFile(p),
    fileExists: (p) => byPath().has(resolve(p)) || nodeHost.fileExists(p),
  };
  const cache = new Map<string, { version: number; analysis: Analysis }>();
  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = analyse(pathOf(uri), doc, host);
    cache.set(uri, { version: doc.version, analysis });
    return analysis;
  };

  /** Runs a request handler; a bug in a feature answers null instead of killing the server. */
  const safely = <A extends { textDocument: { uri: string } }, R>(f: (a: Analysis, p: A) => R) => (p: A): R | null => {
    try {
      const a = analysisOf(p.textDocument.uri);
      return a ? f(a, p) : null;
    } catch (err) {
      connection.console.error(`nnc lsp: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return null;
    }
  };
  const offset = (a: Analysis, p: { position: { line: number; character: number } }) => a.doc.offsetAt(p.position);

  const timers = new Map<string, NodeJS.Timeout>();
  const publish = (uri: string) => {
    timers.delete(uri);
    try {
      const a = analysisOf(uri);
      if (!a) return;
      const diagnostics = a.result.diagnostics.filter((d) => d.file === a.path).map((d) => lspDiagnostic(a, d));
      void connection.sendDiagnostics({ uri, version: a.doc.version, diagnostics });
    } catch (err) {
      connection.console.error(`nnc lsp: checking ${uri} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  documents.onDidChangeContent(({ document }) => {
    clearTimeout(timers.get(document.uri));
    timers.set(document.uri, setTimeout(() => publish(document.uri), debounceMs));
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(timers.get(document.uri));
    cache.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '(', ',', ' '] },
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
      definitionProvider: true,
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      renameProvider: { prepareProvider: true },
      inlayHintProvider: true,
      executeCommandProvider: { commands: [GRAPH_COMMAND] },
    },
    serverInfo: { name: 'nnc', version: packageVersion() },
  }));
  type At = TextDocumentPositionParams;
  connection.onHover(safely((a, p: At) => hover(a, offset(a, p))));
  connection.onCompletion(safely((a, p: At) => completion(a, offset(a, p))));
  connection.onSignatureHelp(safely((a, p: At) => signatureHelp(a, offset(a, p))));
  connection.onDefinition(safely((a, p: At) => definition(a, offset(a, p))));
  connection.onDocumentSymbol(safely((a, _p: DocumentSymbolParams) => documentSymbols(a)));
  connection.onDocumentFormatting(safely((a, _p: { textDocument: { uri: string } }) => format(a)));
  connection.onCodeAction(safely((a, p: CodeActionParams) => quickFixes(a, p.range)));
  connection.onPrepareRename(safely((a, p: At) => {
    const t = renameTarget(a, offset(a, p));
    return t ? { start: a.doc.positionAt(t.span.start), end: a.doc.positionAt(t.span.end) } : null;
  }));
  // A refused name (a keyword, not an identifier) is an error reply, not a crash.
  connection.onRenameRequest((p: RenameParams) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? rename(a, offset(a, p), p.newName) : null;
  });
  connection.languages.inlayHint.on(safely((a, p: InlayHintParams) => inlayHints(a, { start: a.doc.offsetAt(p.range.start), end: a.doc.offsetAt(p.range.end) })));

  // A file with errors, or no such model, is an error reply that says so.
  const graph = async (p: GraphParams): Promise<{ svg: string } | ResponseError> => {
    const a = analysisOf(p.textDocument.uri);
    if (!a) return new ResponseError(ErrorCodes.InvalidParams, `${p.textDocument.uri} is not open`);
    try {
      const { graphSvg } = await import('./graph.js');
      return { svg: await graphSvg(a.result, a.path, p.model) };
    } catch (err) {
      return new ResponseError(ErrorCodes.InvalidParams, err instanceof Error ? err.message : String(err));
    }
  };
  connection.onRequest(GraphRequest, graph);
  connection.onExecuteCommand(async (p) => {
    const [uri, model] = (p.arguments ?? []) as [unknown, unknown];
    if (p.command !== GRAPH_COMMAND || typeof uri !== 'string') return new ResponseError(ErrorCodes.InvalidParams, `${p.command} takes [uri, model?]`);
    return graph({ textDocument: { uri }, model: typeof model === 'string' ? model : undefined });
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
