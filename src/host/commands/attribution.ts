/** CNA: Run Attribution: the attribute job on the document's text, then lenses, diagnostics and charts. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { CancelledError } from '../../errors';
import { runAttribute, type AttributeOptions } from '../../jobs/attribute';
import { pairsFromParsed, type PairsInput } from '../../jobs/pairsInput';
import { attributionForChart } from '../chartData';
import { requireTrust, runWithProgress, type CnaContext } from '../context';
import type { DocumentRun } from '../documentResults';
import { resolveModel, type ResolvedModel } from '../model';
import { runSettings, withTemplateSetting } from '../settings';
import { pairsDocument } from './target';
import type { CommandFactory } from './types';

export const runAttributionCommand: CommandFactory = (ctx) => async (arg) => {
  const doc = await pairsDocument(arg);
  return attributeDocument(ctx, doc);
};

/** What a run needs from the document, read once at its start (later edits make the results stale, not wrong). */
export function prepareRun(ctx: CnaContext, doc: vscode.TextDocument, what: string): { pairs: PairsInput; model: ResolvedModel } {
  requireTrust(what);
  // The document's own parse and lint (with whatever token counts it had); errors are in the Problems panel.
  const parsed = pairsFromParsed(ctx.documents.parsed(doc), ctx.documents.lastLint(doc), doc.uri.fsPath, 'The Problems panel lists them all.');
  const pairs = { ...parsed, header: withTemplateSetting(parsed.header, doc.uri) };
  const model = resolveModel(ctx.extension, doc.uri, pairs.modelDirective);
  ctx.log.info(`${what}: ${path.basename(doc.uri.fsPath)}, ${pairs.discovery.length} discovery pairs, model ${model.path} (from ${model.source})`);
  return { pairs, model };
}

/** The attribute options, resolved: the file's own directives win over the settings. */
export function attributeOptions(pairs: PairsInput, scope: vscode.Uri): Pick<AttributeOptions, 'top' | 'excludeLayers' | 'universalFilter'> {
  const { top, excludeLayers, universalFilter } = runSettings(pairs.header, scope);
  return { top, excludeLayers, universalFilter };
}

export async function attributeDocument(ctx: CnaContext, doc: vscode.TextDocument): Promise<DocumentRun | undefined> {
  const { pairs, model } = prepareRun(ctx, doc, 'Run Attribution');
  return runWithProgress(ctx, `Run Attribution on ${path.basename(doc.uri.fsPath)}`, async ({ signal, progress }) => {
    const result = await ctx.engine.use((engine) =>
      runAttribute({ engine, model: { path: model.path }, signal, onProgress: progress, onNote: (m) => ctx.log.info(m) }, { pairs, ...attributeOptions(pairs, doc.uri) }),
    );
    // A cancel that lands after the last engine reply still means: keep nothing.
    if (signal.aborted) throw new CancelledError();
    ctx.log.info(`Circuit: ${result.k} of ${result.model.totalNeurons} neurons; ${result.notes.join(' ')}`);
    const chart = attributionForChart(result, doc.uri.fsPath, pairs.parsed.pairs);
    const run = ctx.results.setAttribution(doc, pairs.parsed, result, chart, model.path);
    ctx.presenter.show(doc.uri);
    ctx.presenter.openPanel('separation');
    return run;
  });
}
