// The Ignition extension: the language (.plan, .test.plan) and its grammar are declared in
// package.json; this file starts `ignition lsp` (from PATH, or the setting `ignition.path`)
// as the language server over stdio. Plain JavaScript: no build step beyond `npm install`.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** The program to run: the setting `ignition.path`, else `ignition` on PATH. */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('ignition').get('path');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'ignition';
}

async function start() {
  const command = serverCommand();
  // No `transport`: the client then talks over stdio to exactly `ignition lsp`
  // (naming the stdio transport would append a `--stdio` argument).
  const executable = { command, args: ['lsp'] };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'ignition' },
      { scheme: 'untitled', language: 'ignition' },
    ],
  };
  client = new LanguageClient('ignition', 'Ignition', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    vscode.window.showErrorMessage(
      `Ignition: could not start \`${command} lsp\` (${message}). ` +
        'Install Ignition with `cargo install --path .` or set "ignition.path" to the program.'
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('ignition.restartServer', async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('ignition.path')) {
        await stop();
        await start();
      }
    })
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
