/**
 * `cna attribute FILE`: find the circuit of a .cnapairs file (docs/cli.md). Human output is a short
 * summary; --json prints the whole result (with --deltas also `layerDeltas`: the delta of every neuron, one
 * list per layer); --out writes circuit.json atomically (with the model's identity,
 * so it is never applied to another model).
 */
import * as path from 'node:path';
import { toReferenceJson } from '../cna/circuit';
import { UserError } from '../errors';
import { attributeJson, runAttribute, type AttributeResult } from '../jobs/attribute';
import { checkWritable, circuitJson, writeFileAtomic } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import { readPairsFile } from '../jobs/pairsInput';
import { excludeLayersOption, parseArgs, stringOption, topOption, wholeNumberOption } from './args';
import type { CliCommand } from './command';
import { checkExcludedLayers, ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';
import { TEMPLATE_USAGE, TEMPLATE_VALUE_OPTIONS, withTemplateOptions } from './template';

const TOP_NEURONS_SHOWN = 10;

export const attributeCommand: CliCommand = {
  usage:
    `cna attribute FILE [--model DIR] [--top 0.1%|200] [--exclude-layers 0-1] [--no-universal-filter|--universal-filter] ${TEMPLATE_USAGE} ` +
    '[--out circuit.json] [--reference-json FILE] [--batch-size N] [--json [--deltas]]',
  summary: 'Find the circuit: the MLP neurons that separate the + prompts from the - prompts of a .cnapairs file.',
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: [...ENGINE_VALUE_OPTIONS, ...TEMPLATE_VALUE_OPTIONS, 'top', 'exclude-layers', 'out', 'reference-json', 'batch-size'],
      booleans: ['no-universal-filter', 'universal-filter', 'json', 'deltas'],
    });
    if (args.positional.length !== 1) throw new UserError(`Give one .cnapairs file: ${attributeCommand.usage}`);
    // Every argument and output path is checked before the model loads (seconds on a real model).
    const top = topOption(args);
    const excludeLayers = excludeLayersOption(args);
    const batchSize = wholeNumberOption(args, 'batch-size', 1);
    const out = stringOption(args, 'out');
    const referenceOut = stringOption(args, 'reference-json');
    if (out) await checkWritable(out);
    if (referenceOut) await checkWritable(referenceOut);
    const file = await readPairsFile(args.positional[0]);
    const pairs = { ...file, header: withTemplateOptions(file.header, args) };
    const model = modelRef(args, pairs.modelDirective);
    checkExcludedLayers(model, excludeLayers, pairs.header.excludeLayers);
    const progress = progressReporter(io, 'cna attribute');
    const result = await withEngine(args, io, async (engine, signal) => {
      const r = await runAttribute(
        { engine, model, signal, onProgress: (p) => progress.update(p), onNote: (m) => progress.note(m) },
        {
          pairs,
          top,
          excludeLayers,
          // Unset: on, except in reference mode (the reference's contrastive discovery never filters).
          universalFilter: args.options.has('no-universal-filter') ? false : args.options.has('universal-filter') ? true : undefined,
          batchSize,
        },
      ).finally(() => progress.done());
      throwIfCancelled(signal);
      if (out) await writeFileAtomic(out, circuitJson(r), signal);
      if (referenceOut) await writeFileAtomic(referenceOut, circuitJson(toReferenceJson(r)), signal);
      return r;
    });
    if (args.options.has('json')) io.stdout(attributeJson(result, { layerDeltas: args.options.has('deltas') }) + '\n');
    else io.stdout(summary(result, pairs.file));
    if (out) io.stderr(`cna attribute: wrote ${out}\n`);
    if (referenceOut) io.stderr(`cna attribute: wrote ${referenceOut} (reference implementation layout)\n`);
    return 0;
  },
};

/** The human summary: size and how it was chosen, top neurons, neurons per layer, inverted pairs, time. */
export function summary(r: AttributeResult, file: string): string {
  const lines: string[] = [];
  lines.push(`${r.feature}: ${r.k} neurons of ${r.model.totalNeurons} (${r.model.layers} layers x ${r.model.intermediateSize}) in ${path.basename(r.model.path)}`);
  for (const note of r.notes) lines.push(`  ${note}`);
  lines.push(`Top neurons (by |delta|, mean over + minus mean over -):`);
  for (const n of r.neurons.slice(0, TOP_NEURONS_SHOWN)) {
    lines.push(`  layer ${String(n.layer).padStart(2)}  neuron ${String(n.index).padStart(5)}  delta ${signed(n.delta)}  (+ ${fmt(n.meanPositive)}, - ${fmt(n.meanNegative)})`);
  }
  if (r.k > TOP_NEURONS_SHOWN) lines.push(`  ... and ${r.k - TOP_NEURONS_SHOWN} more (--json or --out for all)`);
  const perLayer = new Map<number, number>();
  for (const n of r.neurons) perLayer.set(n.layer, (perLayer.get(n.layer) ?? 0) + 1);
  lines.push(
    `Per layer: ${
      [...perLayer.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([l, c]) => `L${l}: ${c}`)
        .join(', ') || 'none'
    }`,
  );
  const inverted = r.pairs.filter((p) => p.contribution < 0);
  if (inverted.length === 0) {
    lines.push(`Pairs: ${r.pairs.length}, none with a negative contribution.`);
  } else {
    lines.push(`Pairs with a negative contribution (inverted, CNA012: check the sides): ${inverted.length} of ${r.pairs.length}`);
    for (const p of inverted) lines.push(`  ${file}:${p.line}  ${(p.contribution * 100).toFixed(1)}%`);
  }
  const t = r.timings;
  const share = t.forwardMs + t.otherMs > 0 ? (100 * t.otherMs) / (t.forwardMs + t.otherMs) : 0;
  lines.push(`Time: load ${secs(t.loadMs)}, forward passes ${secs(t.forwardMs)}, everything else ${secs(t.otherMs)} (${share.toFixed(1)}% of the work)`);
  return lines.join('\n') + '\n';
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 || (Math.abs(x) < 0.001 && x !== 0) ? x.toExponential(2) : x.toFixed(4);
}

function signed(x: number): string {
  return (x >= 0 ? '+' : '') + fmt(x);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
