/**
 * Lint diagnostics for `.cnapairs` documents: immediately on open, 250 ms after the last change, cleared on
 * close. Attribution results (CNA012/CNA013) are merged in until the document changes under them.
 */
import * as vscode from 'vscode';
import { lintWithContributions, type PairContribution } from '../pairs/contributions';
import { DEFAULT_MAX_PROMPT_TOKENS, lintPairs } from '../pairs/lint';
import { parsePairs } from '../pairs/parse';
import type { LintContext, PairsDiagnostic } from '../pairs/types';
import { toRange, toSeverity } from './positions';

const DEBOUNCE_MS = 250;

export type ModelContext = Pick<LintContext, 'countTokens' | 'contextLength'>;

export interface PairsDiagnostics {
  /**
   * What the engine knows about the model: its tokenizer and context length. With `uri`, for that document
   * only (its header and @model decide the counts), until its text changes; without, for every document.
   */
  setModelContext(context: ModelContext, uri?: vscode.Uri): void;
  /** Per-pair contributions from an attribution run on this document (CNA012/CNA013). */
  setContributions(uri: vscode.Uri, contributions: PairContribution[]): void;
}

export function registerDiagnostics(context: vscode.ExtensionContext): PairsDiagnostics {
  const collection = vscode.languages.createDiagnosticCollection('cna');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const contributions = new Map<string, PairContribution[]>();
  let model: ModelContext = {};
  const documentModels = new Map<string, ModelContext>();

  const lint = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'cnapairs') return;
    const maxPromptTokens = vscode.workspace.getConfiguration('cna', doc.uri).get<number>('maxPromptTokens', DEFAULT_MAX_PROMPT_TOKENS);
    const parsed = parsePairs(doc.getText());
    const found = lintPairs(parsed, { ...(documentModels.get(doc.uri.toString()) ?? model), maxPromptTokens });
    const shares = contributions.get(doc.uri.toString());
    if (shares) found.push(...lintWithContributions(parsed, shares));
    collection.set(doc.uri, found.map(toDiagnostic));
  };
  const cancel = (key: string): void => {
    clearTimeout(timers.get(key));
    timers.delete(key);
  };
  const lintAll = (): void => vscode.workspace.textDocuments.forEach(lint);

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(lint),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== 'cnapairs' || e.contentChanges.length === 0) return;
      const key = e.document.uri.toString();
      contributions.delete(key); // Their line numbers no longer match the text.
      documentModels.delete(key); // Token counts of the old text; the new ones follow (host/tokenCounts.ts).
      cancel(key);
      timers.set(key, setTimeout(() => { timers.delete(key); lint(e.document); }, DEBOUNCE_MS));
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      cancel(key);
      contributions.delete(key);
      documentModels.delete(key);
      collection.delete(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('cna.maxPromptTokens')) lintAll(); }),
    { dispose: () => [...timers.keys()].forEach(cancel) },
  );
  lintAll();

  return {
    setModelContext(next, uri) {
      if (!uri) {
        model = next;
        lintAll();
        return;
      }
      documentModels.set(uri.toString(), next);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) lint(doc);
    },
    setContributions(uri, shares) {
      contributions.set(uri.toString(), shares);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) lint(doc);
    },
  };
}

function toDiagnostic(d: PairsDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
  out.source = 'cna';
  out.code = d.code;
  return out;
}
