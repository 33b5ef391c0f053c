/**
 * CNA: Steer a Prompt: the playground in the chart panel. The panel's `steer` request generates the
 * prompt's answer twice in one engine request: unchanged, and with the circuit the charts show scaled by
 * the multiplier (0 ablates it), on that circuit's model.
 */
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../../errors';
import { circuitPromptSpec } from '../../jobs/attribute';
import { circuitForModel } from '../../jobs/circuitFile';
import type { PromptSpec } from '../../protocol';
import { reportError, requireTrust, runWithProgress, type CnaContext } from '../context';
import { runSettings } from '../settings';
import { activePairsDocument } from './target';
import type { CommandFactory } from './types';

const DEFAULT_MULTIPLIER = 0;

/** From the palette or a menu: open the playground. With (prompt, multiplier) arguments: also steer it now. */
export const steerCommand: CommandFactory = (ctx) => async (prompt, multiplier) => {
  const given = typeof prompt === 'string' && typeof multiplier === 'number';
  const active = activePairsDocument();
  if (active) ctx.presenter.show(active.uri);
  ctx.presenter.openPanel().showPlayground({ prompt: given ? prompt : promptAtCursor(ctx), multiplier: given ? multiplier : DEFAULT_MULTIPLIER });
  if (given) return steerRequest(ctx, prompt, multiplier);
  if (!ctx.presenter.run) {
    void vscode.window.showInformationMessage('CNA: steering scales a circuit: run "CNA: Run Attribution" on a .cnapairs file first.');
  }
  return undefined;
};

/** The selection, else the positive prompt of the pair under the cursor, else nothing. */
function promptAtCursor(ctx: CnaContext): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return '';
  if (!editor.selection.isEmpty) return editor.document.getText(editor.selection).trim();
  const doc = activePairsDocument();
  if (!doc) return '';
  const line = editor.selection.active.line;
  const pair = ctx.documents.parsed(doc).pairs.find((p) => p.range.start.line <= line && line <= p.range.end.line);
  return pair?.positive.text ?? '';
}

/** What a steer resolves to: both answers, and whose circuit and model made them. */
export interface SteerResult {
  baseline: string;
  steered: string;
  /** URI (string) of the document whose circuit was scaled. */
  document: string;
  modelPath: string;
  k: number;
}

/** The panel asked for a baseline and a steered answer, with the circuit of the document the charts show. */
export async function steerRequest(ctx: CnaContext, prompt: string, multiplier: number): Promise<SteerResult | undefined> {
  const panel = ctx.presenter.openPanel();
  const fail = (message: string) => panel.showPlayground({ prompt, multiplier, error: message });
  const document = ctx.presenter.document;
  const run = ctx.presenter.run;
  try {
    requireTrust('Steering');
    if (!document || !run) throw new UserError('Run "CNA: Run Attribution" on a .cnapairs file first: steering scales its circuit.');
    if (prompt.trim() === '') throw new UserError('Type a prompt to steer.');
    if (!Number.isFinite(multiplier)) throw new UserError('The multiplier must be a number.');
  } catch (err) {
    reportError(ctx, 'Steer', err);
    fail(err instanceof Error ? err.message : String(err));
    return undefined;
  }
  const circuit = run.attribution;
  // Format the prompt the way the circuit's pairs were formatted (chat, raw or reference; system message).
  const spec: PromptSpec = circuitPromptSpec(prompt, circuit.settings);
  const neurons = circuit.neurons.map(({ layer, index }) => ({ layer, index }));
  panel.showPlayground({ prompt, multiplier, pending: true });
  let failure: string | undefined;
  const result = await runWithProgress(ctx, `Steer (x${multiplier}, ${circuit.k} neurons)`, async ({ signal, progress }) => {
    try {
      const r = await ctx.engine.use(async (engine) => {
        // The check every command makes before steering: the model still is the one the circuit was found on.
        const info = await engine.inspect({ path: run.modelPath }, { signal });
        circuitForModel({ file: 'The circuit of the last run', circuit, neurons: circuit.neurons }, info, (w) => ctx.log.warn(`Steer: ${w}`));
        return engine.generate(
          { model: { path: run.modelPath }, rows: [{ prompt: spec }, { prompt: spec, steering: { neurons, multiplier } }], maxNewTokens: runSettings({}, document).maxNewTokens },
          { signal, onProgress: (p) => progress({ stage: p.stage, done: p.done, total: p.total }) },
        );
      });
      if (signal.aborted) throw new CancelledError();
      return r;
    } catch (err) {
      failure = err instanceof CancelledError ? 'Cancelled.' : err instanceof Error ? err.message : String(err);
      throw err;
    }
  });
  if (!result) {
    fail(failure ?? 'Generation failed; see CNA: Show Logs.');
    return undefined;
  }
  const text = (row: number) => result.completions.find((c) => c.row === row)?.text ?? '';
  const answers = { baseline: text(0), steered: text(1) };
  panel.showPlayground({ prompt, multiplier, ...answers });
  return { ...answers, document: document.toString(), modelPath: run.modelPath, k: circuit.k };
}
