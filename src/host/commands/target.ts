/**
 * Which .cnapairs document a command acts on: the one it was invoked on (menus pass a URI), else the active
 * editor, else the only .cnapairs file visible, or open in a tab (when the walkthrough or a panel has the focus).
 */
import * as vscode from 'vscode';
import { UserError } from '../../errors';

export async function pairsDocument(arg: unknown): Promise<vscode.TextDocument> {
  const uri = arg instanceof vscode.Uri ? arg : undefined;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : (vscode.window.activeTextEditor?.document ?? (await onlyOpenPairs()));
  if (!doc || doc.languageId !== 'cnapairs') {
    throw new UserError('Open a .cnapairs file first: this command runs on its pairs.');
  }
  return doc;
}

async function onlyOpenPairs(): Promise<vscode.TextDocument | undefined> {
  const visible = new Set(vscode.window.visibleTextEditors.map((e) => e.document).filter((d) => d.languageId === 'cnapairs'));
  if (visible.size > 0) return visible.size === 1 ? [...visible][0] : undefined;
  const tabs = new Set(
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map((t) => t.input)
      .filter((i): i is vscode.TabInputText => i instanceof vscode.TabInputText && i.uri.path.endsWith('.cnapairs'))
      .map((i) => i.uri.toString()),
  );
  return tabs.size === 1 ? vscode.workspace.openTextDocument(vscode.Uri.parse([...tabs][0])) : undefined;
}

/** The active .cnapairs document, if any (commands that also work without one). */
export function activePairsDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'cnapairs' ? doc : undefined;
}
