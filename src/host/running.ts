/**
 * Running CNA from the editor: the commands, the pair lenses, and the chart panel's requests (reveal a pair,
 * steer a prompt). Lint and highlighting need none of this and work without trust.
 */
import type * as vscode from 'vscode';
import { registerCodeLens } from './codeLens';
import { revealPairInEditor } from './commands/chart';
import { registerCommands } from './commands/index';
import { steerRequest } from './commands/steer';
import { reportError, type CnaContext } from './context';

export function registerRunning(ctx: CnaContext): vscode.Disposable[] {
  return [
    ...registerCommands(ctx),
    ...registerCodeLens(ctx),
    ctx.presenter.onDidRequest((request) => {
      const work = request.type === 'revealPair' ? revealPairInEditor(ctx, request.line) : steerRequest(ctx, request.prompt, request.multiplier);
      work.catch((err: unknown) => reportError(ctx, request.type === 'revealPair' ? 'Reveal Pair' : 'Steer', err));
    }),
  ];
}
