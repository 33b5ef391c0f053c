/**
 * Lenses on a .cnapairs file's `@feature` line (else its first line) once it has a circuit: its strongest
 * neurons, each a click away from its neuron page in the chart panel.
 */
import * as vscode from 'vscode';
import type { CnaContext } from './context';
import { PAIRS_SELECTOR } from './positions';

const SHOWN = 3;

export function registerNeuronLens(ctx: CnaContext): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      const run = ctx.results.get(doc.uri);
      if (!run) return [];
      const parsed = ctx.documents.parsed(doc);
      const line = parsed.directives.find((d) => d.name === 'feature')?.line ?? 0;
      const range = new vscode.Range(line, 0, line, 0);
      const top = run.attribution.neurons.slice(0, SHOWN);
      return top.map(
        (n, i) =>
          new vscode.CodeLens(range, {
            title: `${i === 0 ? 'circuit: ' : ''}neuron ${n.layer}:${n.index} Δ ${n.delta >= 0 ? '+' : ''}${n.delta.toFixed(2)}`,
            command: 'cna.showNeuron',
            arguments: [{ layer: n.layer, index: n.index, uri: doc.uri.toString() }],
            tooltip: `Open the page of neuron ${n.layer}:${n.index} (rank ${i + 1} of ${run.attribution.neurons.length})`,
          }),
      );
    },
  };
  return [changed, vscode.languages.registerCodeLensProvider(PAIRS_SELECTOR, provider), ctx.results.onDidChange(() => changed.fire())];
}
