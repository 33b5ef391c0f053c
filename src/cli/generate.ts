/** `cna generate [--model DIR] [--circuit FILE --multiplier M] [--max-new-tokens N] [--raw] PROMPT`. */
import { UserError } from '../errors';
import { resolveRunSettings } from '../jobs/settings';
import type { Steering } from '../protocol';
import { numberOption, parseArgs, stringOption } from './args';
import { readCircuitNeurons } from './circuitFile';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, progressPrinter, withEngine } from './engine';

export const generateCommand: CliCommand = {
  usage: 'cna generate [--model DIR] [--circuit circuit.json --multiplier M] [--max-new-tokens N] [--raw] [--system TEXT] [--json] PROMPT',
  summary: 'One greedy completion, unsteered or with the circuit neurons scaled by M (0 ablates, 1 is unchanged).',
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: [...ENGINE_VALUE_OPTIONS, 'circuit', 'multiplier', 'max-new-tokens', 'system'],
      booleans: ['json', 'raw'],
    });
    if (args.positional.length !== 1) throw new UserError('Give one prompt (quote it): cna generate [--model DIR] PROMPT');
    const circuitFile = stringOption(args, 'circuit');
    const multiplier = numberOption(args, 'multiplier');
    if (multiplier !== undefined && circuitFile === undefined) throw new UserError('--multiplier needs --circuit circuit.json (the neurons to scale).');
    if (circuitFile !== undefined && multiplier === undefined) throw new UserError('--circuit needs --multiplier M (0 ablates, 1 leaves the model unchanged).');
    const { maxNewTokens } = resolveRunSettings({}, { flags: { maxNewTokens: numberOption(args, 'max-new-tokens') } });
    const steering: Steering | undefined = circuitFile !== undefined
      ? { neurons: readCircuitNeurons(circuitFile), multiplier: multiplier ?? 0 }
      : undefined;
    const model = modelRef(args);
    const text = args.positional[0];
    const prompt = { text, raw: args.options.has('raw'), system: stringOption(args, 'system') };
    const r = await withEngine(args, io, (client, signal) =>
      client.generate({ model, rows: [{ prompt, steering }], maxNewTokens }, { signal, onProgress: progressPrinter(io) }));
    const completion = r.completions[0].text;
    if (args.options.has('json')) {
      io.stdout(JSON.stringify({ prompt: text, completion, multiplier: steering ? steering.multiplier : 1, tokens: r.completions[0].tokens, stop: r.completions[0].stop }, null, 2) + '\n');
    } else {
      io.stdout(completion + '\n');
    }
    return 0;
  },
};
