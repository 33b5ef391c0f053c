/**
 * Lint diagnostics for `.cnapairs` documents, from the document's one lint per version (documents.ts): on
 * open and once an edit settles, cleared on close. At lint time they read the model's token counts (CNA006,
 * CNA011) and the contributions of a run that still holds for the text (CNA012/CNA013); both tell them when
 * they change.
 */
import * as vscode from 'vscode';
import { lintWithContributions } from '../pairs/contributions';
import { DEFAULT_MAX_PROMPT_TOKENS } from '../pairs/lint';
import type { LintContext, PairsDiagnostic } from '../pairs/types';
import type { CnaContext } from './context';
import { isPairsDocument } from './documents';
import { toRange, toSeverity } from './positions';

export function registerDiagnostics(ctx: CnaContext): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection('cna');

  const lint = (doc: vscode.TextDocument): void => {
    if (!isPairsDocument(doc) || doc.isClosed) return;
    const tokens = ctx.tokens.get(doc);
    // Token counts for this text are on their way; lint once with them (tokens.onDidChange) rather than twice.
    if (tokens === 'counting') return;
    const maxPromptTokens = vscode.workspace.getConfiguration('cna', doc.uri).get<number>('maxPromptTokens', DEFAULT_MAX_PROMPT_TOKENS);
    const context: LintContext = typeof tokens === 'string' ? { maxPromptTokens } : { countTokens: tokens.countTokens, contextLength: tokens.contextLength, maxPromptTokens };
    const found: PairsDiagnostic[] = [...ctx.documents.lint(doc, context)];
    const contributions = ctx.results.contributions(doc);
    if (contributions.length > 0) found.push(...lintWithContributions(ctx.documents.parsed(doc), contributions));
    collection.set(doc.uri, found.map(toDiagnostic));
  };
  const lintUri = (uri: vscode.Uri): void => {
    const doc = ctx.documents.find(uri);
    if (doc) lint(doc);
  };
  const lintAll = (): void => ctx.documents.all().forEach(lint);

  const disposables = [
    collection,
    ctx.documents.onDidSettle(lint),
    ctx.documents.onDidClose((uri) => collection.delete(uri)),
    ctx.tokens.onDidChange(lintUri),
    ctx.results.onDidChange(lintUri),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cna.maxPromptTokens')) lintAll();
    }),
  ];
  lintAll();
  return disposables;
}

function toDiagnostic(d: PairsDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
  out.source = 'cna';
  out.code = d.code;
  return out;
}
