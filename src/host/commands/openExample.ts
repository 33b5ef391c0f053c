/**
 * CNA: Open Example (the walkthrough's first step): copies the bundled examples (the package's examples/)
 * into `cna-examples/` of the first workspace folder, or, with no folder open, into a folder the user picks,
 * which is then added to the window; opens demo.cnapairs. Files already there are kept (the user's edits
 * win). Resolves to the opened document's URI.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { CommandFactory } from './types';

const FOLDER = 'cna-examples';
const FIRST = 'demo.cnapairs';

export const openExampleCommand: CommandFactory = (ctx) => async () => {
  const source = vscode.Uri.joinPath(ctx.extension.extensionUri, 'examples');
  const workspace = vscode.workspace.workspaceFolders?.[0];
  const target = workspace
    ? vscode.Uri.joinPath(workspace.uri, FOLDER)
    : await vscode.window.showSaveDialog({
        title: 'CNA: a new folder for the example files',
        saveLabel: 'Create Examples Folder',
        defaultUri: vscode.Uri.file(`${os.homedir()}/${FOLDER}`),
      });
  if (!target) return undefined;

  await vscode.workspace.fs.createDirectory(target);
  let copied = 0;
  for (const [name, type] of await vscode.workspace.fs.readDirectory(source)) {
    if (type !== vscode.FileType.File || !name.endsWith('.cnapairs')) continue;
    const to = vscode.Uri.joinPath(target, name);
    if (await exists(to)) continue;
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, name), to);
    copied++;
  }
  ctx.log.info(`Open Example: ${copied} example file(s) copied to ${target.fsPath}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(target, FIRST));
  // Beside the walkthrough (or any other non-text editor) rather than in its place.
  const besideOther = vscode.window.activeTextEditor === undefined && vscode.window.tabGroups.activeTabGroup.activeTab !== undefined;
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: besideOther ? vscode.ViewColumn.Beside : undefined });
  // Adding the first folder restarts the extension host; the opened editor stays.
  if (!workspace) vscode.workspace.updateWorkspaceFolders(0, 0, { uri: target });
  return doc.uri;
};

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
