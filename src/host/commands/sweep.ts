/**
 * CNA: Sweep Multipliers: the sweep job on the document (its current circuit when the pairs have not changed
 * since Run Attribution, else attribution runs first), then the sweep curve in the chart panel.
 */
import * as path from 'node:path';
import { CancelledError } from '../../errors';
import { selectFromPairs } from '../../jobs/evalPrompts';
import { runSweep } from '../../jobs/sweep';
import { attributionForChart, sweepForChart } from '../chartData';
import { runWithProgress } from '../context';
import { runSettings } from '../settings';
import { prepareRun } from './attribution';
import { pairsDocument } from './target';
import type { CommandFactory } from './types';

export const sweepCommand: CommandFactory = (ctx) => async (arg) => {
  const doc = await pairsDocument(arg);
  const { pairs, model } = prepareRun(ctx, doc, 'Sweep Multipliers');
  const settings = runSettings(pairs.header, doc.uri);
  const existing = ctx.results.currentRun(doc);
  const circuit = existing && existing.modelPath === model.path ? existing.attribution : undefined;
  ctx.log.info(circuit ? `Sweep: using the circuit of the last run (${circuit.k} neurons).` : 'Sweep: no current circuit for this file and model: running attribution first.');
  const evaluation = selectFromPairs(pairs, 'positive');
  ctx.log.info(`Sweep: evaluating on the ${evaluation.description}.`);
  // Resolves to the sweep's result (undefined when cancelled or failed), as Run Attribution resolves to its run.
  return runWithProgress(ctx, `Sweep Multipliers on ${path.basename(doc.uri.fsPath)}`, async ({ signal, progress }) => {
    const result = await ctx.engine.use((engine) =>
      runSweep(
        { engine, model: { path: model.path }, signal, onProgress: progress, onNote: (m) => ctx.log.info(m) },
        {
          pairs,
          circuit,
          circuitFile: circuit ? `last run on ${path.basename(doc.uri.fsPath)}` : undefined,
          attribute: { top: settings.top, excludeLayers: settings.excludeLayers, universalFilter: settings.universalFilter },
          multipliers: [...settings.multipliers],
          evaluation,
          detector: settings.detector,
          maxNewTokens: settings.maxNewTokens,
        },
      ),
    );
    if (signal.aborted) throw new CancelledError();
    if (result.attribute) {
      ctx.results.setAttribution(doc, pairs.parsed, result.attribute, attributionForChart(result.attribute, doc.uri.fsPath, pairs.parsed.pairs), model.path);
    }
    const run = ctx.results.get(doc.uri);
    if (!run) return result;
    for (const p of result.points) ctx.log.info(`  x${p.multiplier}: refusal ${(p.refusalRate * 100).toFixed(0)}%, quality ${p.quality.toFixed(2)}, KL ${p.kl?.toFixed(3) ?? '-'} (n=${p.n})`);
    ctx.results.setSweep(doc.uri, result, sweepForChart(result));
    ctx.presenter.show(doc.uri);
    ctx.presenter.openPanel('sweep');
    return result;
  });
};
