/** Quick fixes for `.cnapairs` diagnostics; the edits themselves come from src/pairs/fixes. */
import * as vscode from 'vscode';
import { fixesFor } from '../pairs/fixes';
import type { PairsDocuments } from './documents';
import { fromRange, PAIRS_SELECTOR, toRange } from './positions';

class PairsQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly documents: PairsDocuments) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === 'cna' && typeof d.code === 'string');
    if (ours.length === 0) return [];
    const parsed = this.documents.parsed(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const fixes = fixesFor(parsed, { code: String(diagnostic.code), range: fromRange(diagnostic.range) });
      for (const fix of fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fixes.length === 1;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(document.uri, toRange(e.range), e.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerQuickFixes(documents: PairsDocuments): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(PAIRS_SELECTOR, new PairsQuickFixes(documents), {
    providedCodeActionKinds: PairsQuickFixes.kinds,
  });
}
