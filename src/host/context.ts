/**
 * The one object that owns what the editor features share: the log, the documents (one parse and lint per
 * version), the engine worker, token counts, the results per document and the presenter of those results.
 * Commands and providers are factories over it; it owns every disposable it makes.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../errors';
import type { JobProgress } from '../jobs/context';
import { CircuitActivity } from './activity';
import { DocumentResults } from './documentResults';
import { PairsDocuments } from './documents';
import { HostEngine } from './engine';
import { Presenter } from './presenter';
import { TokenCounts } from './tokenCounts';

export class CnaContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly documents: PairsDocuments;
  readonly engine: HostEngine;
  readonly results: DocumentResults;
  /** Token counts of open documents' prompts, once the engine runs (lenses, lint). */
  readonly tokens: TokenCounts;
  /** The chart panel and the side view, and which document they show. */
  readonly presenter: Presenter;
  /** Circuit activity tints and hovers in .cnapairs editors. */
  readonly activity: CircuitActivity;
  /** Runs in flight, so that they can all be cancelled (the API's cancelRuns, tests). */
  readonly running = new Set<AbortController>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('CNA', { log: true });
    this.documents = new PairsDocuments();
    this.engine = new HostEngine(this.log, path.join(extension.globalStorageUri.fsPath, 'sessions'));
    this.results = new DocumentResults(this.documents);
    this.tokens = new TokenCounts(extension, this.engine, this.log, this.documents);
    this.presenter = new Presenter(extension.extensionUri, this.documents, this.results);
    this.activity = new CircuitActivity(this);
    this.disposables.push(this.log, this.documents, this.engine, this.results, this.tokens, this.presenter, this.activity);
  }

  cancelAll(): number {
    const n = this.running.size;
    for (const a of this.running) a.abort();
    return n;
  }

  dispose(): void {
    this.cancelAll();
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

export interface RunControls {
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
}

/** Running a model in an untrusted workspace is refused: `@model` and `cna.modelPath` can point anywhere. */
export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new UserError(`${what} runs a model, which CNA does not do in an untrusted workspace (Restricted Mode). Trust the workspace to run it; highlighting and lint keep working.`);
  }
}

/**
 * Runs `work` in a cancellable progress notification. Cancel aborts the engine request; the work then
 * throws CancelledError and must not have written anything. Errors become one-line messages (stack traces
 * go to the log only). Resolves undefined when cancelled or failed.
 */
export async function runWithProgress<T>(ctx: CnaContext, title: string, work: (run: RunControls) => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  ctx.log.info(`${title}: started`);
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CNA: ${title}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      ctx.running.add(abort);
      const sub = token.onCancellationRequested(() => {
        ctx.log.info(`${title}: cancel requested`);
        abort.abort();
      });
      let lastShare = 0;
      let lastStage = '';
      try {
        return await work({
          signal: abort.signal,
          progress: (p) => {
            const share = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
            // withProgress wants increments; a new stage starts from its own zero.
            const increment = p.stage === lastStage ? Math.max(0, share - lastShare) * 100 : 0;
            if (p.stage !== lastStage) ctx.log.debug(`${title}: ${p.stage}`);
            lastStage = p.stage;
            lastShare = share;
            progress.report({ message: `${p.stage} ${p.done}/${p.total}`, increment });
          },
        });
      } finally {
        ctx.running.delete(abort);
        sub.dispose();
      }
    });
    ctx.log.info(`${title}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (err) {
    reportError(ctx, title, err);
    return undefined;
  }
}

/** One line to the user; the stack to the log when it is our bug, not the user's mistake. */
export function reportError(ctx: CnaContext, title: string, err: unknown): void {
  if (err instanceof CancelledError) {
    ctx.log.info(`${title}: cancelled; nothing was written.`);
    void vscode.window.showInformationMessage(`CNA: ${title} cancelled; nothing was written.`);
  } else if (err instanceof UserError) {
    ctx.log.warn(`${title}: ${err.message}`);
    void vscode.window.showErrorMessage(`CNA: ${err.message}`);
  } else {
    const e = err instanceof Error ? err : new Error(String(err));
    ctx.log.error(`${title} failed: ${e.stack ?? e.message}`);
    void vscode.window.showErrorMessage(`CNA: ${title} failed: ${e.message}`, 'Show Logs').then((pick) => {
      if (pick) ctx.log.show();
    });
  }
}
