/**
 * The open `.cnapairs` documents as the host sees them: one parse and one lint per version (analysisCache.ts),
 * and one debounced "settled" event after edits that diagnostics, token counts and the charts all follow.
 */
import * as vscode from 'vscode';
import type { LintContext, PairsDiagnostic, ParsedPairs } from '../pairs/types';
import { AnalysisCache } from './analysisCache';

/** Quiet time after the last keystroke before lint, token counts and stale marks catch up. */
const SETTLE_MS = 250;

export const isPairsDocument = (doc: vscode.TextDocument): boolean => doc.languageId === 'cnapairs';

export class PairsDocuments implements vscode.Disposable {
  private readonly cache = new AnalysisCache();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly settled = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly closed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.settled, this.closed];
  /** A document was opened, or its text has stopped changing for a moment. */
  readonly onDidSettle = this.settled.event;
  /** A document was closed: what was known about it is gone. */
  readonly onDidClose = this.closed.event;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (isPairsDocument(doc)) this.settled.fire(doc);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isPairsDocument(e.document) || e.contentChanges.length === 0) return;
        const key = e.document.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            if (!e.document.isClosed) this.settled.fire(e.document);
          }, SETTLE_MS),
        );
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const key = doc.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.delete(key);
        this.cache.forget(key);
        if (isPairsDocument(doc)) this.closed.fire(doc.uri);
      }),
    );
  }

  /** The open `.cnapairs` documents. */
  all(): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter(isPairsDocument);
  }

  /** The open document at `uri`, if any. */
  find(uri: vscode.Uri | string): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  parsed(doc: vscode.TextDocument): ParsedPairs {
    return this.cache.parsed(doc.uri.toString(), doc.version, () => doc.getText());
  }

  /** The lint rules' findings for the document's current text; callers must not change the array. */
  lint(doc: vscode.TextDocument, context: LintContext): readonly PairsDiagnostic[] {
    return this.cache.lint(doc.uri.toString(), doc.version, () => doc.getText(), context);
  }

  /** This version's lint as diagnostics last ran it (a run needs only its errors). */
  lastLint(doc: vscode.TextDocument): readonly PairsDiagnostic[] {
    return this.cache.lastLint(doc.uri.toString(), doc.version, () => doc.getText());
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
