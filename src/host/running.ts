/**
 * Running CNA from the editor: the commands, the pair lenses, and the chart panel's requests (reveal a pair,
 * steer a prompt). Lint and highlighting need none of this and work without trust.
 */
import type * as vscode from 'vscode';
import { registerCodeLens } from './codeLens';
import { pairActivityRequest } from './commands/activity';
import { revealPairInEditor } from './commands/chart';
import { showNeuron } from './commands/neuron';
import { registerCommands } from './commands/index';
import { steerRequest } from './commands/steer';
import { reportError, type CnaContext } from './context';
import { registerNeuronLens } from './neuronLens';

export function registerRunning(ctx: CnaContext): vscode.Disposable[] {
  return [
    ...registerCommands(ctx),
    ...registerCodeLens(ctx),
    ...registerNeuronLens(ctx),
    ctx.presenter.onDidRequest((request) => {
      const [work, title] =
        request.type === 'revealPair'
          ? [revealPairInEditor(ctx, request.line), 'Reveal Pair']
          : request.type === 'openNeuron'
            ? [showNeuron(ctx, request.neuron), 'Show Neuron']
            : request.type === 'pairActivity'
              ? [pairActivityRequest(ctx, request.line), 'Circuit Activity']
              : [steerRequest(ctx, request.prompt, request.multiplier), 'Steer'];
      (work as Promise<unknown>).catch((err: unknown) => reportError(ctx, title, err));
    }),
  ];
}
