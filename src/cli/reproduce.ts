/**
 * `cna reproduce --model DIR`: the paper's protocol on one model (discovery on the reference sets,
 * refusal on the 100 JBB harmful goals at m = 0 ... 1, random control, CAA baseline, quality), written as
 * a Markdown report beside the paper's numbers (atomically, with --out) or printed.
 */
import { parseMultipliers } from '../cna/sweep';
import { UserError } from '../errors';
import { attributeJson } from '../jobs/attribute';
import { checkWritable, writeFileAtomic } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import { runReproduce } from '../jobs/reproduce';
import { parseArgs, stringOption, topOption, wholeNumberOption } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';

export const reproduceCommand: CliCommand = {
  usage:
    'cna reproduce [--model DIR] [--out report.md] [--max-new-tokens N] [--multipliers 0,0.25,0.5,0.75,1] [--top 0.1%|200] ' +
    '[--no-universal-filter] [--no-caa] [--no-capability] [--no-over-refusal] [--seed N] [--limit N] [--batch-size N] [--json]',
  summary: "Run the paper's JBB-Behaviors protocol on a model and report it beside the published numbers.",
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: [...ENGINE_VALUE_OPTIONS, 'out', 'max-new-tokens', 'multipliers', 'top', 'seed', 'limit', 'batch-size'],
      booleans: ['no-universal-filter', 'no-caa', 'no-capability', 'no-over-refusal', 'json'],
    });
    if (args.positional.length > 0) throw new UserError(`cna reproduce takes no file: ${reproduceCommand.usage}`);
    // Every argument and the output path are checked before the model loads.
    const maxNewTokens = wholeNumberOption(args, 'max-new-tokens', 1);
    const limit = wholeNumberOption(args, 'limit', 1);
    const spec = stringOption(args, 'multipliers');
    const multipliers = spec === undefined ? undefined : parseMultipliers(spec);
    const top = topOption(args);
    const seed = wholeNumberOption(args, 'seed', 0);
    const batchSize = wholeNumberOption(args, 'batch-size', 1);
    const out = stringOption(args, 'out');
    if (out) await checkWritable(out);
    const model = modelRef(args);
    const progress = progressReporter(io, 'cna reproduce');
    const result = await withEngine(args, io, async (engine, signal) => {
      const r = await runReproduce(
        { engine, model, signal, onProgress: (p) => progress.update(p), onNote: (m) => progress.note(m) },
        {
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
        },
      ).finally(() => progress.done());
      throwIfCancelled(signal);
      if (out) await writeFileAtomic(out, r.markdown, signal);
      return r;
    });
    if (args.options.has('json')) {
      io.stdout(attributeJson({ model: result.model, attribute: result.attribute, sweep: result.sweep }) + '\n');
    } else if (!out) {
      io.stdout(result.markdown);
    }
    if (out) io.stderr(`cna reproduce: wrote ${out}\n`);
    return 0;
  },
};
