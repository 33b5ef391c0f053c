/** Which .cnapairs document a command acts on: the one it was invoked on (menus pass a URI), else the active editor. */
import * as vscode from 'vscode';
import { UserError } from '../../errors';

export async function pairsDocument(arg: unknown): Promise<vscode.TextDocument> {
  const uri = arg instanceof vscode.Uri ? arg : undefined;
  const doc = uri
    ? await vscode.workspace.openTextDocument(uri)
    : vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'cnapairs') {
    throw new UserError('Open a .cnapairs file first: this command runs on its pairs.');
  }
  return doc;
}

/** The active .cnapairs document, if any (commands that also work without one). */
export function activePairsDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'cnapairs' ? doc : undefined;
}
