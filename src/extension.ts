import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Features are registered by src/host modules.
}

export function deactivate(): void {}
