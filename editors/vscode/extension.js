// The VS Code side of nnc: starts `nnc lsp --stdio` (the command is the `nnc.command`
// setting) and hands .nn documents to it. Every feature lives in the server.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration('nnc').get('command');
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient('nnc', 'nnc', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'nn' }, { scheme: 'untitled', language: 'nn' }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
