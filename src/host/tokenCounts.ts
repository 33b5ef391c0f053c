/**
 * Token counts of a document's prompts from the model's own tokenizer (the engine's `tokenize` request,
 * formatted as a run formats them: chat template unless `@template raw`), for the pair lenses and for lint
 * (CNA006, CNA011) through the diagnostics' setModelContext hook.
 *
 * Counted only once the engine worker runs (opening a file never starts it: that loads onnxruntime) and
 * only in a trusted workspace (the model path comes from the file or the settings, and its tokenizer is
 * read from disk). Otherwise lenses and lint count words, and say so.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../errors';
import { promptSpec } from '../jobs/attribute';
import { parsePairs } from '../pairs/parse';
import { countWords } from '../pairs/text';
import type { Pair } from '../pairs/types';
import type { PairsDiagnostics } from './diagnostics';
import type { HostEngine } from './engine';
import { resolveModel } from './model';

/** Shorter than lint's 250 ms debounce, so the token-based lint usually replaces the word-based one first. */
const DEBOUNCE_MS = 100;

export interface DocumentTokens {
  /** The document version these counts describe. */
  version: number;
  modelPath: string;
  /** Prompt text -> tokens of the formatted prompt (one header formats every prompt of a file). */
  counts: Map<string, number>;
  contextLength?: number;
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
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** A document's counts arrived (or were dropped). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly engine: HostEngine,
    private readonly log: vscode.LogOutputChannel,
    private readonly diagnostics: PairsDiagnostics | undefined,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) this.schedule(e.document); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleAll()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('cna.modelPath')) this.scheduleAll(); }),
      engine.onDidStart(() => this.scheduleAll()),
    );
    this.scheduleAll();
  }

  /** Counts for the document's current text, if known; else why not (and a count is scheduled if useful). */
  get(doc: vscode.TextDocument): DocumentTokens | WordsReason {
    const entry = this.docs.get(doc.uri.toString());
    if (entry && entry.version === doc.version) return entry.tokens ?? entry.reason;
    this.schedule(doc);
    return this.blocker() ?? 'counting';
  }

  private blocker(): WordsReason | undefined {
    if (!vscode.workspace.isTrusted) return 'untrusted';
    if (!this.engine.started) return 'engine not started';
    return undefined;
  }

  private scheduleAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'cnapairs') return;
    const key = doc.uri.toString();
    if (this.timers.has(key)) return;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.count(doc);
    }, DEBOUNCE_MS));
  }

  private async count(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    if (doc.isClosed) return;
    const version = doc.version;
    const done = (entry: Entry): void => {
      if (doc.isClosed || doc.version !== version) return; // a newer count is scheduled
      this.docs.set(key, entry);
      if (entry.tokens) {
        const { counts, contextLength } = entry.tokens;
        // Every prompt of this version is counted; the diagnostics drop this context when the text changes.
        this.diagnostics?.setModelContext({ countTokens: (text) => counts.get(text) ?? countWords(text), contextLength }, doc.uri);
      }
      this.changed.fire(doc.uri);
    };
    const blocker = this.blocker();
    if (blocker) return done({ version, reason: blocker });
    const parsed = parsePairs(doc.getText());
    let modelPath: string;
    try {
      const directive = parsed.header.model === undefined ? undefined : path.resolve(path.dirname(doc.uri.fsPath), parsed.header.model);
      modelPath = resolveModel(this.extension, doc.uri, directive).path;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return done({ version, reason: 'no model' });
    }
    const texts = uniqueTexts(parsed.pairs);
    try {
      const r = await this.engine.ifStarted((c) => c.tokenize({ path: modelPath }, texts.map((t) => promptSpec(t, parsed.header))));
      if (!r) return done({ version, reason: this.blocker() ?? 'engine not started' });
      const counts = new Map(texts.map((t, i) => [t, r.counts[i]]));
      done({ version, reason: 'counting', tokens: { version, modelPath, counts, contextLength: r.contextLength ?? undefined } });
    } catch (err) {
      // A model without a usable tokenizer: lenses and lint keep word counts; the run will say what is wrong.
      this.log.debug(`Token counts for ${path.basename(doc.uri.fsPath)}: ${(err as Error).message}`);
      done({ version, reason: 'failed' });
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.docs.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function uniqueTexts(pairs: readonly Pair[]): string[] {
  return [...new Set(pairs.flatMap((p) => [p.positive.text, p.negative.text]))];
}
