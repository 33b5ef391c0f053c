/**
 * The chart panel from the editor's side: CNA: Open Chart Panel, showing a document's results in the panel
 * and the side view, the lens click that highlights a pair's bar, and the panel's "reveal this pair".
 */
import * as vscode from 'vscode';
import { parsePairs } from '../../pairs/parse';
import { ChartPanel } from '../chartPanel';
import type { CnaContext } from '../context';
import type { DocumentRun } from '../documentResults';
import { SideViewProvider } from '../sideView';
import { activePairsDocument } from './target';
import type { CommandFactory } from './types';

/** Sends a document's results to the panel (opening it) and the side view. */
export function showResults(ctx: CnaContext, uri: vscode.Uri, run: DocumentRun, what: 'attribution' | 'sweep' | 'all'): ChartPanel {
  const attribution = what !== 'sweep' ? run.chart : undefined;
  const sweep = what !== 'attribution' && run.sweepChart ? run.sweepChart : undefined;
  ctx.panelDocument = uri.toString();
  SideViewProvider.current?.update({ attribution, sweep });
  return ChartPanel.show(ctx.extension, { attribution, sweep });
}

/** The run for the active document, else the most recent one. */
function runToShow(ctx: CnaContext): { uri: vscode.Uri; run: DocumentRun } | undefined {
  const doc = activePairsDocument();
  const run = doc && ctx.results.get(doc.uri);
  return doc && run ? { uri: doc.uri, run } : ctx.results.latest();
}

export const openChartPanelCommand: CommandFactory = (ctx) => () => {
  const shown = runToShow(ctx);
  if (shown) showResults(ctx, shown.uri, shown.run, 'all');
  else ChartPanel.show(ctx.extension);
};

/** Lens click: (document URI string, the pair's line in the result). */
export const revealPairInChartCommand: CommandFactory = (ctx) => (uriText, resultLine) => {
  if (typeof uriText !== 'string' || typeof resultLine !== 'number') return;
  const uri = vscode.Uri.parse(uriText);
  const run = ctx.results.get(uri);
  if (!run) return;
  const panel = ctx.panelDocument === uriText && ChartPanel.current ? ChartPanel.show(ctx.extension) : showResults(ctx, uri, run, 'attribution');
  panel.showView('pairs');
  panel.highlightPair(resultLine);
};

/** The panel's "reveal pair": select the pair in its document, wherever it moved to since the run. */
export async function revealPairInEditor(ctx: CnaContext, resultLine: number): Promise<void> {
  const uriText = ctx.panelDocument ?? ctx.results.latest()?.uri.toString();
  if (!uriText) return;
  const uri = vscode.Uri.parse(uriText);
  const doc = await vscode.workspace.openTextDocument(uri);
  const parsed = parsePairs(doc.getText());
  const statuses = ctx.results.statuses(uri, parsed) ?? [];
  const index = statuses.findIndex((s) => (s.kind === 'current' || s.kind === 'outdated') && s.run.resultLine === resultLine);
  const line = index >= 0 ? parsed.pairs[index].line : Math.min(Math.max(0, resultLine - 1), doc.lineCount - 1);
  const range = index >= 0 ? new vscode.Range(parsed.pairs[index].range.start.line, 0, parsed.pairs[index].range.end.line, parsed.pairs[index].range.end.character) : doc.lineAt(line).range;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (index < 0) void vscode.window.showInformationMessage('CNA: that pair was edited or removed since the run; showing its old line.');
}
