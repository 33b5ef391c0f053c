/**
 * A lens above each pair. Before a run: the length of both sides (a word count: the engine has no tokenizer
 * request, and this must not load a model). After Run Attribution: the pair's share of the circuit's
 * separation, its rank, and how much of the circuit survives without it; click to highlight its bar in the
 * chart. Pairs edited since the run say "stale: re-run" (matched by text, see pairMatch.ts).
 */
import * as vscode from 'vscode';
import { parsePairs } from '../pairs/parse';
import { countWords } from '../pairs/text';
import type { Pair } from '../pairs/types';
import type { CnaContext } from './context';
import type { PairStatus } from './pairMatch';
import { PAIRS_SELECTOR } from './positions';

class PairLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly uri: vscode.Uri, readonly pair: Pair, readonly status: PairStatus | undefined) {
    super(range);
  }
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function lengths(pair: Pair): string {
  return `+${countWords(pair.positive.text)} / −${countWords(pair.negative.text)} words`;
}

/** The lens's command: title plus what a click does (an empty id makes it plain text). */
export function lensCommand(uri: vscode.Uri, pair: Pair, status: PairStatus | undefined): vscode.Command {
  const rerun: vscode.Command = { title: '', command: 'cna.runAttribution', arguments: [uri], tooltip: 'Run Attribution again on this file' };
  if (!status) return { title: `${lengths(pair)} (word count, no tokenizer)`, command: '', tooltip: 'Lengths of the + and − prompts. Run Attribution to see each pair’s contribution.' };
  switch (status.kind) {
    case 'heldOut':
      return { title: `held out (@split eval) · ${lengths(pair)}`, command: '', tooltip: 'Evaluation pair: not used to find the circuit.' };
    case 'stale':
      return { ...rerun, title: 'stale: re-run (this pair changed since the run)' };
    case 'outdated':
      return { ...rerun, title: `stale: re-run (the pairs changed; was ${percent(status.run.contribution)}, rank ${status.run.rank}/${status.total})` };
    case 'current': {
      const r = status.run;
      const overlap = r.leaveOneOutOverlap === null ? '' : ` · overlap without it ${r.leaveOneOutOverlap.toFixed(2)}`;
      const inverted = r.contribution < 0 ? ' (inverted)' : '';
      return {
        title: `contribution ${percent(r.contribution)}${inverted} · rank ${r.rank}/${status.total}${overlap}`,
        command: 'cna.revealPairInChart',
        arguments: [uri.toString(), r.resultLine],
        tooltip: 'Share of the circuit’s separation carried by this pair; overlap = Jaccard of the circuit found without it. Click to show it in the chart.',
      };
    }
  }
}

export class PairsCodeLensProvider implements vscode.CodeLensProvider<PairLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly ctx: CnaContext) {}

  /** Results arrived or were re-matched after an edit. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): PairLens[] {
    const parsed = parsePairs(document.getText());
    const statuses = this.ctx.results.statuses(document.uri, parsed);
    return parsed.pairs.map((pair, i) => {
      const line = pair.range.start.line;
      return new PairLens(new vscode.Range(line, 0, line, 0), document.uri, pair, statuses?.[i]);
    });
  }

  resolveCodeLens(lens: PairLens): PairLens {
    lens.command = lensCommand(lens.uri, lens.pair, lens.status);
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerCodeLens(ctx: CnaContext): vscode.Disposable[] {
  const provider = new PairsCodeLensProvider(ctx);
  return [
    provider,
    vscode.languages.registerCodeLensProvider(PAIRS_SELECTOR, provider),
    ctx.results.onDidChange(() => provider.refresh()),
  ];
}
