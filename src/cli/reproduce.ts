/**
 * `cna reproduce --model DIR [--model DIR2 ...]`: the paper's protocol on each model (discovery on the reference
 * sets, refusal on the 100 JBB harmful goals at m = 0 ... 1, random control, CAA baseline, quality, over-refusal,
 * collapse, MMLU), written as one Markdown report beside the paper's numbers (atomically, with --out) or printed,
 * and as a self-contained HTML report with --html. Several models: results cached per model (--cache).
 */
import { parseMultipliers } from '../cna/sweep';
import { UserError } from '../errors';
import { attributeJson } from '../jobs/attribute';
import { checkWritable, writeFileAtomic } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobProgress } from '../jobs/context';
import { runReproduce } from '../jobs/reproduce';
import { runReproduceModels } from '../jobs/reproduceModels';
import { reproduceHtml } from '../jobs/reproduceHtml';
import { takeRepeated } from './sweep';
import { parseArgs, stringOption, topOption, wholeNumberOption } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';

export const reproduceCommand: CliCommand = {
  usage:
    'cna reproduce [--model DIR]... [--out report.md] [--html report.html] [--cache DIR] [--max-new-tokens N] [--multipliers 0,0.25,0.5,0.75,1] ' +
    '[--top 0.1%|200] [--no-universal-filter] [--no-caa] [--no-capability] [--no-over-refusal] [--seed N] [--limit N] [--batch-size N] [--json]',
  summary: "Run the paper's JBB-Behaviors protocol on one or more models and report them beside the published numbers.",
  async run(argv, io) {
    const { values: modelPaths, rest } = takeRepeated(argv, 'model');
    const args = parseArgs(rest, {
      values: [...ENGINE_VALUE_OPTIONS, 'out', 'html', 'cache', 'max-new-tokens', 'multipliers', 'top', 'seed', 'limit', 'batch-size'],
      booleans: ['no-universal-filter', 'no-caa', 'no-capability', 'no-over-refusal', 'json'],
    });
    if (args.positional.length > 0) throw new UserError(`cna reproduce takes no file: ${reproduceCommand.usage}`);
    // Every argument and the output paths are checked before a model loads.
    const maxNewTokens = wholeNumberOption(args, 'max-new-tokens', 1);
    const limit = wholeNumberOption(args, 'limit', 1);
    const spec = stringOption(args, 'multipliers');
    const multipliers = spec === undefined ? undefined : parseMultipliers(spec);
    const top = topOption(args);
    const seed = wholeNumberOption(args, 'seed', 0);
    const batchSize = wholeNumberOption(args, 'batch-size', 1);
    const out = stringOption(args, 'out');
    const html = stringOption(args, 'html');
    if (out) await checkWritable(out);
    if (html) await checkWritable(html);
    const variant = stringOption(args, 'variant');
    const models = modelPaths.length > 0 ? modelPaths.map((p) => ({ path: p, variant })) : [modelRef(args)];
    for (const m of models) if (!fs.existsSync(m.path)) throw new UserError(`Model not found: ${m.path}`);
    if (new Set(models.map((m) => path.resolve(m.path))).size < models.length) throw new UserError('The same --model is given twice.');
    const multi = models.length > 1;
    const cacheDir = stringOption(args, 'cache') ?? (multi ? path.join(path.dirname(path.resolve(out ?? html ?? 'report.md')), '.cna-reproduce-cache') : undefined);
    const options = {
      maxNewTokens,
      limit,
      multipliers,
      top,
      universalFilter: !args.options.has('no-universal-filter'),
      caa: !args.options.has('no-caa'),
      capability: !args.options.has('no-capability'),
      overRefusal: !args.options.has('no-over-refusal'),
      seed,
      batchSize,
    };
    const progress = progressReporter(io, 'cna reproduce');
    const result = await withEngine(args, io, async (engine, signal) => {
      const ctx = { engine, signal, onProgress: (p: JobProgress) => progress.update(p), onNote: (m: string) => progress.note(m) };
      const r = await (
        multi || cacheDir
          ? runReproduceModels(ctx, models, { ...options, cacheDir })
          : runReproduce({ ...ctx, model: models[0] }, options).then((one) => ({ models: [one], cached: [], comparisons: [], markdown: one.markdown }))
      ).finally(() => progress.done());
      throwIfCancelled(signal);
      if (out) await writeFileAtomic(out, r.markdown, signal);
      if (html) await writeFileAtomic(html, await reproduceHtml(r), signal);
      return r;
    });
    if (args.options.has('json')) {
      const one = (m: (typeof result.models)[number]) => ({ model: m.model, attribute: m.attribute, sweep: m.sweep });
      io.stdout(attributeJson(multi ? { models: result.models.map(one), comparisons: result.comparisons, cached: result.cached } : one(result.models[0])) + '\n');
    } else if (!out && !html) {
      io.stdout(result.markdown);
    }
    if (out) io.stderr(`cna reproduce: wrote ${out}\n`);
    if (html) io.stderr(`cna reproduce: wrote ${html}\n`);
    return 0;
  },
};
