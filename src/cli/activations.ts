/** `cna activations --model DIR [--raw] PROMPT [--json]`: last-token MLP activations (down_proj input). */
import { UserError } from '../errors';
import { parseArgs, stringOption } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, progressPrinter, withEngine } from './engine';

export const activationsCommand: CliCommand = {
  usage: 'cna activations [--model DIR] [--raw] [--system TEXT] [--json] PROMPT',
  summary: 'Print the last-token MLP activations (input of down_proj) of every layer for one prompt.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: [...ENGINE_VALUE_OPTIONS, 'system'], booleans: ['json', 'raw'] });
    if (args.positional.length !== 1) throw new UserError('Give one prompt (quote it): cna activations [--model DIR] [--raw] PROMPT');
    const model = modelRef(args);
    const prompt = { text: args.positional[0], raw: args.options.has('raw'), system: stringOption(args, 'system') };
    const r = await withEngine(args, io, (client, signal) => client.activations(model, prompt, { signal, onProgress: progressPrinter(io) }));
    if (args.options.has('json')) {
      io.stdout(JSON.stringify({ tokens: r.tokens, layers: r.layers.map((l) => Array.from(l)) }) + '\n');
      return 0;
    }
    io.stdout(`${r.tokens.length} tokens; last-token activations per layer (top 5 neurons by |value|):\n`);
    r.layers.forEach((layer, l) => {
      const top = Array.from(layer.keys())
        .sort((a, b) => Math.abs(layer[b]) - Math.abs(layer[a]))
        .slice(0, 5);
      const mean = layer.reduce((s, v) => s + Math.abs(v), 0) / layer.length;
      io.stdout(`  layer ${String(l).padStart(2)}  mean|a| ${mean.toFixed(4)}  ${top.map((i) => `${i}:${layer[i].toFixed(3)}`).join('  ')}\n`);
    });
    return 0;
  },
};
