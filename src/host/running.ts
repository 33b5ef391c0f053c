/**
 * Running CNA from the editor: the shared context, the commands, the pair lenses, and the chart panel's
 * requests (reveal a pair, steer a prompt). Lint and highlighting need none of this and work without trust.
 */
import * as vscode from 'vscode';
import type { ChartView } from '../webviewProtocol';
import { ChartPanel } from './chartPanel';
import { registerCodeLens } from './codeLens';
import { revealPairInEditor } from './commands/chart';
import { registerCommands } from './commands/index';
import { steerRequest } from './commands/steer';
import { CnaContext, reportError } from './context';
import type { PairsDiagnostics } from './diagnostics';

export function registerRunning(context: vscode.ExtensionContext, diagnostics?: PairsDiagnostics): CnaContext {
  const ctx = new CnaContext(context, diagnostics);
  const listen = (panel: ChartPanel): vscode.Disposable =>
    panel.onDidRequest((request) => {
      const work = request.type === 'revealPair'
        ? revealPairInEditor(ctx, request.line)
        : steerRequest(ctx, panel, request.prompt, request.multiplier);
      work.catch((err: unknown) => reportError(ctx, request.type === 'revealPair' ? 'Reveal Pair' : 'Steer', err));
    });
  context.subscriptions.push(
    ctx,
    ...registerCommands(ctx),
    ...registerCodeLens(ctx),
    ChartPanel.onDidCreate((panel) => {
      const sub = listen(panel);
      panel.onDidDispose(() => sub.dispose());
    }),
    // For the integration tests: what the chart panel last drew (view and counts), or the next drawing.
    vscode.commands.registerCommand('cna.chartRendered', (view?: ChartView, waitMs?: number) => {
      const panel = ChartPanel.current;
      if (!panel) return undefined;
      return typeof waitMs === 'number' ? panel.waitForRendered(view, waitMs) : panel.lastRendered(view);
    }),
  );
  if (ChartPanel.current) {
    const panel = ChartPanel.current;
    const sub = listen(panel);
    panel.onDidDispose(() => sub.dispose());
  }
  return ctx;
}
