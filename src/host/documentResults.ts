/**
 * The results of runs, per .cnapairs document: the latest attribution (with the pairs it saw, to tell
 * current numbers from stale ones) and the latest sweep. One instance, owned by the extension's context.
 * Edits re-match pairs (debounced) and feed CNA012/CNA013 for the pairs whose numbers still hold.
 */
import * as vscode from 'vscode';
import type { AttributeResult } from '../jobs/attribute';
import type { SweepResult } from '../jobs/sweep';
import { parsePairs } from '../pairs/parse';
import type { ParsedPairs } from '../pairs/types';
import type { AttributionResult, SweepResult as SweepChart } from '../webviewProtocol';
import type { PairsDiagnostics } from './diagnostics';
import { matchPairs, snapshotRun, type PairStatus, type RunSnapshot } from './pairMatch';

const REMATCH_MS = 250;

export interface DocumentRun {
  attribution: AttributeResult;
  /** The same result as the charts draw it. */
  chart: AttributionResult;
  snapshot: RunSnapshot;
  modelPath: string;
  sweep?: SweepResult;
  sweepChart?: SweepChart;
}

export class DocumentResults implements vscode.Disposable {
  private readonly runs = new Map<string, DocumentRun>();
  private latestKey: string | undefined;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** A document's results, or their match with its text, changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly diagnostics: PairsDiagnostics | undefined) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!this.runs.has(key) || e.contentChanges.length === 0) return;
        clearTimeout(this.timers.get(key));
        this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.refresh(e.document); }, REMATCH_MS));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        // Results die with the editor buffer: the text they describe is gone.
        const key = doc.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.delete(key);
        if (this.runs.delete(key)) this.changed.fire(doc.uri);
      }),
    );
  }

  get(uri: vscode.Uri): DocumentRun | undefined {
    return this.runs.get(uri.toString());
  }

  /** The document of the most recent attribution, if it is still open. */
  latest(): { uri: vscode.Uri; run: DocumentRun } | undefined {
    if (!this.latestKey) return undefined;
    const run = this.runs.get(this.latestKey);
    return run ? { uri: vscode.Uri.parse(this.latestKey), run } : undefined;
  }

  setAttribution(doc: vscode.TextDocument, parsed: ParsedPairs, attribution: AttributeResult, chart: AttributionResult, modelPath: string): DocumentRun {
    const run: DocumentRun = { attribution, chart, snapshot: snapshotRun(parsed, attribution.pairs), modelPath };
    this.runs.set(doc.uri.toString(), run);
    this.latestKey = doc.uri.toString();
    this.refresh(doc);
    return run;
  }

  setSweep(uri: vscode.Uri, sweep: SweepResult, chart: SweepChart): void {
    const run = this.runs.get(uri.toString());
    if (!run) return;
    run.sweep = sweep;
    run.sweepChart = chart;
    this.changed.fire(uri);
  }

  /** The status of each pair of `parsed` against the document's run (undefined: never run). */
  statuses(uri: vscode.Uri, parsed: ParsedPairs): PairStatus[] | undefined {
    const run = this.runs.get(uri.toString());
    return run ? matchPairs(run.snapshot, parsed) : undefined;
  }

  /** The document's run if its circuit still holds for the text: no discovery pair or header changed. */
  currentRun(doc: vscode.TextDocument): DocumentRun | undefined {
    const run = this.runs.get(doc.uri.toString());
    if (!run) return undefined;
    const statuses = matchPairs(run.snapshot, parsePairs(doc.getText()));
    return statuses.every((s) => s.kind === 'current' || s.kind === 'heldOut') ? run : undefined;
  }

  /** Re-match after an edit: lenses redraw, and only pairs whose numbers still hold keep CNA012/CNA013. */
  private refresh(doc: vscode.TextDocument): void {
    const run = this.runs.get(doc.uri.toString());
    if (run && this.diagnostics) {
      const parsed = parsePairs(doc.getText());
      const statuses = matchPairs(run.snapshot, parsed);
      const current = parsed.pairs.flatMap((p, i) => {
        const s = statuses[i];
        return s.kind === 'current' ? [{ line: p.line, contribution: s.run.contribution }] : [];
      });
      this.diagnostics.setContributions(doc.uri, current);
    }
    this.changed.fire(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
