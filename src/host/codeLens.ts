/**
 * A lens above each pair. Before a run: the length of both sides, in tokens of the model's tokenizer once
 * the engine runs (tokenCounts.ts), else in words, labelled with why. After Run Attribution: the pair's share of the circuit's
 * separation, its rank, and how much of the circuit survives without it; click to highlight its bar in the
 * chart. Pairs edited since the run say "stale: re-run" (matched by text, see pairMatch.ts).
 */
import * as vscode from 'vscode';
import { countWords } from '../pairs/text';
import type { Pair } from '../pairs/types';
import type { CnaContext } from './context';
import type { PairStatus } from './pairMatch';
import { PAIRS_SELECTOR } from './positions';
import type { DocumentTokens, WordsReason } from './tokenCounts';

/** How a lens measures prompt length: the document's token counts, or words and why. */
export type LensLengths = DocumentTokens | WordsReason;

class PairLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly uri: vscode.Uri,
    readonly pair: Pair,
    readonly status: PairStatus | undefined,
    readonly lengths: LensLengths,
  ) {
    super(range);
  }
}

const WORDS_LABEL: Record<WordsReason, [string, string]> = {
  'engine not started': ['word count: tokens once a model is loaded', 'Token counts appear once the engine has loaded a model (for example after Run Attribution).'],
  counting: ['word count: counting tokens', "The model's tokenizer is counting this file's prompts."],
  'no model': ['word count: no model', 'No model to count tokens with: set one with "CNA: Select Model" or @model.'],
  failed: ['word count: tokenizer failed', "The model's tokenizer could not count these prompts; see the CNA log."],
  untrusted: ['word count: Restricted Mode', "CNA does not read a model's tokenizer in an untrusted workspace; trust it for token counts."],
};

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** `+12 / −11 tokens`, or `+6 / −6 words` when there are no token counts for this text. */
function lengths(pair: Pair, by: LensLengths): string {
  if (typeof by !== 'string') {
    const p = by.counts.get(pair.positive.text);
    const n = by.counts.get(pair.negative.text);
    if (p !== undefined && n !== undefined) return `+${p} / −${n} tokens`;
  }
  return `+${countWords(pair.positive.text)} / −${countWords(pair.negative.text)} words`;
}

function lengthNote(by: LensLengths): { label: string; tooltip: string } {
  if (typeof by !== 'string') {
    const context = by.contextLength ? ` (context ${by.contextLength})` : '';
    return { label: '', tooltip: `Tokens of the + and − prompts as the model sees them (chat template unless @template raw), by the tokenizer of ${by.modelPath}${context}.` };
  }
  const [label, tooltip] = WORDS_LABEL[by];
  return { label: ` (${label})`, tooltip: `Words of the + and − prompts. ${tooltip}` };
}

/** The lens's command: title plus what a click does (an empty id makes it plain text). */
export function lensCommand(uri: vscode.Uri, pair: Pair, status: PairStatus | undefined, by: LensLengths): vscode.Command {
  const rerun: vscode.Command = { title: '', command: 'cna.runAttribution', arguments: [uri], tooltip: 'Run Attribution again on this file' };
  const note = lengthNote(by);
  if (!status) return { title: `${lengths(pair, by)}${note.label}`, command: '', tooltip: `${note.tooltip} Run Attribution to see each pair’s contribution.` };
  switch (status.kind) {
    case 'heldOut':
      return { title: `held out (@split eval) · ${lengths(pair, by)}${note.label}`, command: '', tooltip: `Evaluation pair: not used to find the circuit. ${note.tooltip}` };
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
    const parsed = this.ctx.documents.parsed(document);
    const statuses = this.ctx.results.statuses(document);
    const by = this.ctx.tokens.get(document);
    return parsed.pairs.map((pair, i) => {
      const line = pair.range.start.line;
      return new PairLens(new vscode.Range(line, 0, line, 0), document.uri, pair, statuses?.[i], by);
    });
  }

  resolveCodeLens(lens: PairLens): PairLens {
    lens.command = lensCommand(lens.uri, lens.pair, lens.status, lens.lengths);
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerCodeLens(ctx: CnaContext): vscode.Disposable[] {
  const provider = new PairsCodeLensProvider(ctx);
  return [provider, vscode.languages.registerCodeLensProvider(PAIRS_SELECTOR, provider), ctx.results.onDidChange(() => provider.refresh()), ctx.tokens.onDidChange(() => provider.refresh())];
}
