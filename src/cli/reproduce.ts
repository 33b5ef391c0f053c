/**
 * `cna reproduce --model DIR`: the paper's protocol on one model (discovery on the reference sets,
 * refusal on the 100 JBB harmful goals at m = 0 ... 1, random control, CAA baseline, quality), written as
 * a Markdown report beside the paper's numbers (atomically, with --out) or printed.
 */
import { parseMultipliers } from '../cna/sweep';
import { UserError } from '../errors';
import { attributeJson } from '../jobs/attribute';
import { writeFileAtomic } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import { runReproduce } from '../jobs/reproduce';
import { numberOption, parseArgs, stringOption } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';

export const reproduceCommand: CliCommand = {
  usage:
    'cna reproduce [--model DIR] [--out report.md] [--max-new-tokens N] [--multipliers 0,0.25,0.5,0.75,1] [--top 0.1%|200] ' +
    '[--no-universal-filter] [--no-caa] [--seed N] [--limit N] [--batch-size N] [--json]',
  summary: "Run the paper's JBB-Behaviors protocol on a model and report it beside the published numbers.",
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: [...ENGINE_VALUE_OPTIONS, 'out', 'max-new-tokens', 'multipliers', 'top', 'seed', 'limit', 'batch-size'],
      booleans: ['no-universal-filter', 'no-caa', 'json'],
    });
    if (args.positional.length > 0) throw new UserError(`cna reproduce takes no file: ${reproduceCommand.usage}`);
    const maxNewTokens = numberOption(args, 'max-new-tokens');
    if (maxNewTokens !== undefined && !(Number.isInteger(maxNewTokens) && maxNewTokens >= 1)) {
      throw new UserError('--max-new-tokens must be a whole number of at least 1.');
    }
    const limit = numberOption(args, 'limit');
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new UserError('--limit must be a whole number of at least 1.');
    const spec = stringOption(args, 'multipliers');
    const model = modelRef(args);
    const out = stringOption(args, 'out');
    const progress = progressReporter(io, 'cna reproduce');
    const result = await withEngine(args, io, async (engine, signal) => {
      const r = await runReproduce(
        { engine, model, signal, onProgress: (p) => progress.update(p), onNote: (m) => progress.note(m) },
        {
          maxNewTokens, limit,
          multipliers: spec === undefined ? undefined : parseMultipliers(spec),
          top: stringOption(args, 'top'),
          universalFilter: !args.options.has('no-universal-filter'),
          caa: !args.options.has('no-caa'),
          seed: numberOption(args, 'seed'),
          batchSize: numberOption(args, 'batch-size'),
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
