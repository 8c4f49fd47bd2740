// Starts `qasas lsp` for YAML files; the server itself decides which files are story files (those under a folder
// with a story.yaml) and leaves every other YAML file alone. The YAML extension (redhat.vscode-yaml) keeps doing
// the schema checks beside it.
"use strict";

const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function resolveCommand(command) {
  if (!command.includes("/") && !command.includes("\\")) {
    return command; // found on PATH
  }
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  return path.isAbsolute(command) || !folder ? command : path.join(folder.uri.fsPath, command);
}

function activate(context) {
  const config = vscode.workspace.getConfiguration("qasas");
  const server = {
    command: resolveCommand(config.get("server.command", "qasas")),
    args: config.get("server.args", ["lsp"]),
  };
  client = new LanguageClient("qasas", "Jaysh al-Qasas story", server, {
    documentSelector: [{ scheme: "file", language: "yaml" }],
  });
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
