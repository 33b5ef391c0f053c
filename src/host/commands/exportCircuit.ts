/** CNA: Export Circuit: circuit.json of the document's last run, and on request the reference implementation's layout. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toReferenceJson } from '../../cna/circuit';
import { UserError } from '../../errors';
import { circuitJson, writeFileAtomic } from '../../jobs/circuitFile';
import type { CnaContext } from '../context';
import type { CommandFactory } from './types';

export const exportCircuitCommand: CommandFactory = (ctx) => async (arg) => {
  const found = runFor(ctx, arg);
  if (!found) throw new UserError('No circuit yet: run "CNA: Run Attribution" on a .cnapairs file first.');
  const { uri, run } = found;
  const doc = ctx.documents.find(uri);
  if (doc && !ctx.results.currentRun(doc)) {
    const go = await vscode.window.showWarningMessage('CNA: the pairs changed since this circuit was found; it describes the old pairs.', 'Export Anyway');
    if (go !== 'Export Anyway') return;
  }
  const base = uri.scheme === 'file' ? uri.fsPath.replace(/\.cnapairs$/i, '') : path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', run.attribution.feature);
  const target = await vscode.window.showSaveDialog({
    title: 'CNA: Export Circuit',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.file(`${base}.circuit.json`),
    filters: { 'Circuit JSON': ['json'] },
  });
  if (!target) return;
  await writeFileAtomic(target.fsPath, circuitJson(run.attribution));
  ctx.log.info(`Exported ${run.attribution.k} neurons to ${target.fsPath}`);

  const more = await vscode.window.showInformationMessage(`CNA: wrote ${path.basename(target.fsPath)} (${run.attribution.k} neurons).`, 'Also Export Reference JSON');
  if (!more) return;
  const refTarget = await vscode.window.showSaveDialog({
    title: 'CNA: Export Circuit (reference implementation layout)',
    saveLabel: 'Export',
    filters: { JSON: ['json'] },
    defaultUri: vscode.Uri.file(target.fsPath.replace(/\.circuit\.json$|\.json$/i, '') + '.reference.json'),
  });
  if (!refTarget) return;
  await writeFileAtomic(refTarget.fsPath, circuitJson(toReferenceJson(run.attribution)));
  ctx.log.info(`Exported the reference layout to ${refTarget.fsPath}`);
};

/** The run of the URI given (menus, the context menu of an editor), else of the document the charts show. */
function runFor(ctx: CnaContext, arg: unknown) {
  const uri = arg instanceof vscode.Uri ? arg : ctx.presenter.document;
  const run = uri && ctx.results.get(uri);
  return uri && run ? { uri, run } : undefined;
}
