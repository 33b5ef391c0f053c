/** `cna inspect --model DIR [--json]`: what the engine found in a model (docs/cli.md). */
import { parseArgs } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, progressPrinter, withEngine } from './engine';

export const inspectCommand: CliCommand = {
  usage: 'cna inspect [--model DIR] [--variant NAME] [--json]',
  summary: 'Show the layers, MLP neurons, graph layout, dtype, chat template and EOS ids the engine found in a model.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: ENGINE_VALUE_OPTIONS, booleans: ['json'] });
    const model = modelRef(args);
    const r = await withEngine(args, io, (client, signal) => client.inspect(model, { signal, onProgress: progressPrinter(io) }));
    if (args.options.has('json')) {
      io.stdout(JSON.stringify(r, null, 2) + '\n');
      return 0;
    }
    io.stdout(
      [
        `model          ${r.path}  (name ${r.name})`,
        `onnx           ${r.onnxFile} (from ${r.sources.decoder})${r.available.length > 1 ? `  (also: ${r.available.filter((a) => !r.onnxFile.endsWith(a)).join(', ')})` : ''}`,
        `architecture   ${r.architecture ?? 'unknown'} (${r.layout} layout, ${r.dtype}, quantization ${r.quantization})`,
        `layers         ${r.layers} x ${r.intermediateSize} MLP neurons = ${r.totalNeurons} (hidden size ${r.hiddenSize}; shapes from ${r.sources.shapes})`,
        `context        ${r.maxPositions === null ? 'unknown' : `${r.maxPositions} tokens (from ${r.sources.context})`}`,
        `chat template  ${r.chatTemplate ? 'yes' : 'no (prompts are used raw)'}`,
        `eos ids        ${r.eos.join(', ') || 'none'} (from ${r.sources.eos})`,
        `fingerprint    ${r.fingerprint}`,
        `mlp sites      ${r.mlpSites
          .map((s) => `${s.layer}:${s.tensor}`)
          .slice(0, 3)
          .join('  ')}${r.mlpSites.length > 3 ? '  ...' : ''}`,
      ].join('\n') + '\n',
    );
    return 0;
  },
};
