/**
 * The results of runs, per .cnapairs document: the latest attribution (with the pairs it saw, to tell
 * current numbers from stale ones) and the latest sweep. One instance, owned by the extension's context.
 * How a result matches the text is worked out on demand from the document's one parse (documents.ts);
 * results are dropped when their document closes.
 */
import * as vscode from 'vscode';
import type { AttributeResult } from '../jobs/attribute';
import type { SweepResult } from '../jobs/sweep';
import type { PairContribution } from '../pairs/contributions';
import type { ParsedPairs } from '../pairs/types';
import type { AttributionChart, SweepChart } from '../webviewProtocol';
import type { PairsDocuments } from './documents';
import { matchPairs, snapshotRun, type PairStatus, type RunSnapshot } from './pairMatch';

export interface DocumentRun {
  attribution: AttributeResult;
  /** The same result as the charts draw it. */
  chart: AttributionChart;
  snapshot: RunSnapshot;
  modelPath: string;
  sweep?: SweepResult;
  sweepChart?: SweepChart;
}

export class DocumentResults implements vscode.Disposable {
  private readonly runs = new Map<string, DocumentRun>();
  /** Pair statuses of the last version asked about, per document (lenses, lint and the charts ask together). */
  private readonly matched = new Map<string, { version: number; run: DocumentRun; statuses: PairStatus[] }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** A document's results were set or dropped. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly documents: PairsDocuments) {
    this.disposables.push(
      // Results die with the editor buffer: the text they describe is gone.
      documents.onDidClose((uri) => {
        this.matched.delete(uri.toString());
        if (this.runs.delete(uri.toString())) this.changed.fire(uri);
      }),
    );
  }

  get(uri: vscode.Uri | string): DocumentRun | undefined {
    return this.runs.get(uri.toString());
  }

  setAttribution(doc: vscode.TextDocument, parsed: ParsedPairs, attribution: AttributeResult, chart: AttributionChart, modelPath: string): DocumentRun {
    const run: DocumentRun = { attribution, chart, snapshot: snapshotRun(parsed, attribution.pairs), modelPath };
    this.runs.set(doc.uri.toString(), run);
    this.changed.fire(doc.uri);
    return run;
  }

  setSweep(uri: vscode.Uri, sweep: SweepResult, chart: SweepChart): void {
    const run = this.runs.get(uri.toString());
    if (!run) return;
    run.sweep = sweep;
    run.sweepChart = chart;
    this.changed.fire(uri);
  }

  /** The status of each pair of the document's text against its run (undefined: never run). */
  statuses(doc: vscode.TextDocument): PairStatus[] | undefined {
    const key = doc.uri.toString();
    const run = this.runs.get(key);
    if (!run) return undefined;
    const cached = this.matched.get(key);
    if (cached && cached.version === doc.version && cached.run === run) return cached.statuses;
    const statuses = matchPairs(run.snapshot, this.documents.parsed(doc));
    this.matched.set(key, { version: doc.version, run, statuses });
    return statuses;
  }

  /** The document's run if its circuit still holds for the text: no discovery pair or header changed. */
  currentRun(doc: vscode.TextDocument): DocumentRun | undefined {
    const statuses = this.statuses(doc);
    return statuses?.every((s) => s.kind === 'current' || s.kind === 'heldOut') ? this.get(doc.uri) : undefined;
  }

  /** Per-pair contributions whose numbers still hold for the text (CNA012/CNA013). */
  contributions(doc: vscode.TextDocument): PairContribution[] {
    const statuses = this.statuses(doc);
    if (!statuses) return [];
    const pairs = this.documents.parsed(doc).pairs;
    return pairs.flatMap((p, i) => {
      const s = statuses[i];
      return s.kind === 'current' ? [{ line: p.line, contribution: s.run.contribution }] : [];
    });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
