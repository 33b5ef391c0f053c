/**
 * Token counts of a document's prompts from the model's own tokenizer (the engine's `tokenize` request,
 * formatted as a run formats them: chat template unless `@template raw`), for the pair lenses and for lint
 * (CNA006, CNA011): the diagnostics read them when they lint.
 *
 * Counted only once the engine worker runs (opening a file never starts it: that loads onnxruntime) and
 * only in a trusted workspace (the model path comes from the file or the settings, and its tokenizer is
 * read from disk). Otherwise lenses and lint count words, and say so.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../errors';
import { promptSpec } from '../jobs/attribute';
import { countWords } from '../pairs/text';
import type { Pair } from '../pairs/types';
import type { PairsDocuments } from './documents';
import type { HostEngine } from './engine';
import { resolveModel } from './model';

export interface DocumentTokens {
  /** The document version these counts describe. */
  version: number;
  modelPath: string;
  /** Prompt text -> tokens of the formatted prompt (one header formats every prompt of a file). */
  counts: Map<string, number>;
  contextLength?: number;
  /** For lint: tokens of a prompt of this version (one function per version, so lint can tell it has run with it). */
  countTokens: (text: string) => number;
}

/** Why a document has word counts instead of token counts (for the lens's label and tooltip). */
export type WordsReason = 'untrusted' | 'engine not started' | 'no model' | 'counting' | 'failed';

interface Entry {
  version: number;
  tokens?: DocumentTokens;
  reason: WordsReason;
}

export class TokenCounts implements vscode.Disposable {
  private readonly docs = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** A document's counts arrived, or were dropped because the model or the engine changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly engine: HostEngine,
    private readonly log: vscode.LogOutputChannel,
    private readonly documents: PairsDocuments,
  ) {
    this.disposables.push(
      documents.onDidClose((uri) => this.docs.delete(uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.recountAll()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cna.modelPath')) this.recountAll();
      }),
      engine.onDidStart(() => this.recountAll()),
    );
  }

  /**
   * Counts for the document's current text, if known; else why not. When the engine runs and this version
   * has not been counted yet, a count starts ('counting'); onDidChange fires when it ends.
   */
  get(doc: vscode.TextDocument): DocumentTokens | WordsReason {
    const entry = this.docs.get(doc.uri.toString());
    if (entry && entry.version === doc.version) return entry.tokens ?? entry.reason;
    const blocker = this.blocker();
    if (blocker) return blocker;
    this.docs.set(doc.uri.toString(), { version: doc.version, reason: 'counting' });
    void this.count(doc);
    return 'counting';
  }

  private blocker(): WordsReason | undefined {
    if (!vscode.workspace.isTrusted) return 'untrusted';
    if (!this.engine.started) return 'engine not started';
    return undefined;
  }

  /** What was counted no longer holds (another model, the engine started or trust granted). */
  private recountAll(): void {
    this.docs.clear();
    for (const d of this.documents.all()) this.changed.fire(d.uri);
  }

  private async count(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const version = doc.version;
    const done = (entry: Omit<Entry, 'version'>): void => {
      const current = this.docs.get(key);
      if (doc.isClosed || doc.version !== version || current?.version !== version) return; // a newer count follows
      this.docs.set(key, { version, ...entry });
      this.changed.fire(doc.uri);
    };
    const parsed = this.documents.parsed(doc);
    let modelPath: string;
    try {
      const directive = parsed.header.model === undefined ? undefined : path.resolve(path.dirname(doc.uri.fsPath), parsed.header.model);
      modelPath = resolveModel(this.extension, doc.uri, directive).path;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return done({ reason: 'no model' });
    }
    const texts = uniqueTexts(parsed.pairs);
    try {
      const r = await this.engine.ifStarted((c) =>
        c.tokenize(
          { path: modelPath },
          texts.map((t) => promptSpec(t, parsed.header)),
        ),
      );
      if (!r) return done({ reason: this.blocker() ?? 'engine not started' });
      const counts = new Map(texts.map((t, i) => [t, r.counts[i]]));
      const countTokens = (text: string): number => counts.get(text) ?? countWords(text);
      done({ reason: 'counting', tokens: { version, modelPath, counts, contextLength: r.contextLength ?? undefined, countTokens } });
    } catch (err) {
      // A model without a usable tokenizer: lenses and lint keep word counts; the run will say what is wrong.
      this.log.debug(`Token counts for ${path.basename(doc.uri.fsPath)}: ${(err as Error).message}`);
      done({ reason: 'failed' });
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function uniqueTexts(pairs: readonly Pair[]): string[] {
  return [...new Set(pairs.flatMap((p) => [p.positive.text, p.negative.text]))];
}
