// A protocol client for tests and the benchmark: starts `nnc lsp --stdio` as an editor
// would and speaks LSP to it over the child's stdin/stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export interface LspClient {
  conn: ProtocolConnection;
  child: ChildProcess;
  /** Resolves with the next diagnostics published for `uri` (optionally: for this version). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

export async function startClient(): Promise<LspClient> {
  const child = spawn(process.execPath, [resolve('bin/nnc.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting: { uri: string; version?: number; done: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i]!;
      if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
        waiting.splice(i--, 1);
        w.done(p);
      }
    }
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(resolve('.')).href, capabilities: {} });
  await conn.sendNotification('initialized', {});
  return {
    conn, child,
    nextDiagnostics: (uri, version) => new Promise((done) => waiting.push({ uri, version, done })),
    async stop() {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      await new Promise((r) => child.once('exit', r));
      conn.dispose();
    },
  };
}
