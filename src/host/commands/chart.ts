/**
 * The chart panel from the editor's side: CNA: Open Chart Panel, the lens click that highlights a pair's bar,
 * and the panel's "reveal this pair". What the panel shows is the presenter's document (presenter.ts).
 */
import * as vscode from 'vscode';
import type { CnaContext } from '../context';
import { activePairsDocument } from './target';
import type { CommandFactory } from './types';

/** Opens the panel on the active .cnapairs file's results (else on what the charts show already). */
export const openChartPanelCommand: CommandFactory = (ctx) => () => {
  const doc = activePairsDocument();
  if (doc) ctx.presenter.show(doc.uri);
  ctx.presenter.openPanel();
};

/** Lens click: (document URI string, the pair's line in the result). */
export const revealPairInChartCommand: CommandFactory = (ctx) => (uriText, resultLine) => {
  if (typeof uriText !== 'string' || typeof resultLine !== 'number') return;
  const uri = vscode.Uri.parse(uriText);
  if (!ctx.results.get(uri)) return;
  ctx.presenter.show(uri);
  ctx.presenter.openPanel('pairs').post({ type: 'highlightPair', line: resultLine });
};

/** The panel's "reveal pair": select the pair in the document the charts show, wherever it moved to since the run. */
export async function revealPairInEditor(ctx: CnaContext, resultLine: number): Promise<void> {
  const uri = ctx.presenter.document;
  if (!uri || !ctx.results.get(uri)) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  const parsed = ctx.documents.parsed(doc);
  const statuses = ctx.results.statuses(doc) ?? [];
  const index = statuses.findIndex((s) => (s.kind === 'current' || s.kind === 'outdated') && s.run.resultLine === resultLine);
  const pair = index >= 0 ? parsed.pairs[index] : undefined;
  const range = pair ? new vscode.Range(pair.range.start.line, 0, pair.range.end.line, pair.range.end.character) : doc.lineAt(Math.min(Math.max(0, resultLine - 1), doc.lineCount - 1)).range;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (!pair) void vscode.window.showInformationMessage('CNA: that pair was edited or removed since the run; showing its old line.');
}
