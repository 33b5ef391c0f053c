import type * as vscode from 'vscode';
import { makeApi, type CnaApi } from './host/api';
import { CnaContext } from './host/context';
import { registerDiagnostics } from './host/diagnostics';
import { registerFolding } from './host/folding';
import { registerQuickFixes } from './host/quickFixes';
import { registerRunning } from './host/running';
import { registerSymbols } from './host/symbols';

export type { CnaApi };

export function activate(context: vscode.ExtensionContext): CnaApi {
  // One context owns the documents, the engine, the results and their presenter; features read from it.
  const ctx = new CnaContext(context);
  context.subscriptions.push(ctx, ...registerDiagnostics(ctx), registerQuickFixes(ctx.documents), registerSymbols(ctx.documents), registerFolding(ctx.documents), ...registerRunning(ctx));
  return makeApi(ctx);
}

export function deactivate(): void {}
