/**
 * CNA: Show Circuit Activity (toggles the token tints and hovers of ./activity.ts on the .cnapairs file,
 * running attribution first when it has no circuit yet), and the chart panel's one-pair activity view.
 */
import * as vscode from 'vscode';
import { ACTIVITY_SCORE_DEFINITION } from '../../cna/activity';
import type { PromptActivity } from '../../jobs/activity';
import type { Prompt } from '../../pairs/types';
import type { PromptActivityView } from '../../webviewProtocol';
import { requireTrust, reportError, type CnaContext } from '../context';
import { attributeDocument } from './attribution';
import { pairsDocument } from './target';
import type { CommandFactory } from './types';

/** Resolves to the number of tokens tinted (0 when turned off), or undefined when attribution did not run. */
export const showCircuitActivityCommand: CommandFactory = (ctx) => async (arg) => {
  const doc = await pairsDocument(arg);
  requireTrust('Show Circuit Activity');
  if (ctx.activity.enabled(doc.uri) && arg === undefined) {
    ctx.activity.hide(doc.uri);
    return 0;
  }
  const run = ctx.results.get(doc.uri) ?? (await attributeDocument(ctx, doc));
  if (!run) return undefined;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  await ctx.activity.show(editor, run);
  return ctx.activity.decorations(doc.uri).length;
};

function view(prompt: Prompt, a: PromptActivity): PromptActivityView {
  const tokens = a.spans.flatMap((span, t) => (span ? [{ text: prompt.text.slice(span[0], span[1]), score: a.scores[t], top: a.top[t] }] : []));
  return { text: prompt.text, tokens };
}

/** The panel asked for the activity of the pair whose `+` prompt is on 1-based `line`. */
export async function pairActivityRequest(ctx: CnaContext, line: number): Promise<void> {
  const uri = ctx.presenter.document;
  const run = uri && ctx.results.get(uri);
  if (!uri || !run) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  const pair = ctx.documents.parsed(doc).pairs.find((p) => p.line + 1 === line);
  if (!pair) {
    ctx.presenter.showPairActivity({ line, error: `No pair starts on line ${line} any more.` });
    return;
  }
  ctx.presenter.showPairActivity({ line, pending: true });
  const abort = new AbortController();
  ctx.running.add(abort);
  try {
    const [pos, neg] = await ctx.activity.pairActivity(doc, run, pair, abort.signal);
    ctx.presenter.showPairActivity({ line, positive: view(pair.positive, pos), negative: view(pair.negative, neg), definition: ACTIVITY_SCORE_DEFINITION });
  } catch (err) {
    ctx.presenter.showPairActivity({ line, error: err instanceof Error ? err.message : String(err) });
    reportError(ctx, 'Circuit Activity', err);
  } finally {
    ctx.running.delete(abort);
  }
}
