import * as vscode from 'vscode';
import { registerChartPanel } from './host/chartPanel';
import { registerDiagnostics } from './host/diagnostics';
import { registerFolding } from './host/folding';
import { registerQuickFixes } from './host/quickFixes';
import { registerRunning } from './host/running';
import { registerSideView } from './host/sideView';
import { registerSymbols } from './host/symbols';

export function activate(context: vscode.ExtensionContext): void {
  // Features are registered by src/host modules.
  const diagnostics = registerDiagnostics(context);
  registerQuickFixes(context);
  registerSymbols(context);
  registerFolding(context);
  registerChartPanel(context);
  registerSideView(context);
  registerRunning(context, diagnostics);
}

export function deactivate(): void {}
