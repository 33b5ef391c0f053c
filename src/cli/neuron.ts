/**
 * `cna neuron L:I`: one neuron's page. From the weights: the tokens it promotes and suppresses. With
 * `--file`: how it fires on the file's prompts and what ablating it alone does. `--json` prints the page.
 */
import { UserError } from '../errors';
import { readCircuitFile } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import { parseNeuronId, runNeuronPage, type NeuronPage } from '../jobs/neuron';
import { readPairsFile } from '../jobs/pairsInput';
import { parseArgs, stringOption, wholeNumberOption } from './args';
import type { CliCommand } from './command';
import { ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';

export const neuronCommand: CliCommand = {
  usage: 'cna neuron L:I [--model DIR] [--file FILE.cnapairs] [--circuit circuit.json] [--top N] [--no-ablation] [--batch-size N] [--json]',
  summary: 'One neuron: the tokens it promotes and suppresses, its activations on a file, and the effect of ablating it alone.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: [...ENGINE_VALUE_OPTIONS, 'file', 'circuit', 'top', 'batch-size'], booleans: ['json', 'no-ablation'] });
    if (args.positional.length !== 1) throw new UserError(`Give one neuron as LAYER:INDEX: ${neuronCommand.usage}`);
    const neuron = parseNeuronId(args.positional[0]);
    const top = wholeNumberOption(args, 'top', 1) ?? 20;
    const batchSize = wholeNumberOption(args, 'batch-size', 1);
    const file = stringOption(args, 'file');
    const pairs = file ? await readPairsFile(file) : undefined;
    const circuitFile = stringOption(args, 'circuit');
    const circuit = circuitFile ? await readCircuitFile(circuitFile) : undefined;
    const model = modelRef(args, pairs?.modelDirective ?? circuit?.circuit?.model.path);
    const progress = progressReporter(io, 'cna neuron');
    const page = await withEngine(args, io, async (engine, signal) => {
      const r = await runNeuronPage(
        { engine, model, signal, onProgress: (p) => progress.update(p), onNote: (m) => progress.note(m) },
        { neuron, pairs, circuit, top, ablate: !args.options.has('no-ablation'), batchSize },
      ).finally(() => progress.done());
      throwIfCancelled(signal);
      return r;
    });
    io.stdout(args.options.has('json') ? JSON.stringify(page) + '\n' : neuronText(page));
    return 0;
  },
};

const fmt = (x: number, digits = 4) => (Number.isNaN(x) ? '-' : x !== 0 && Math.abs(x) < 10 ** -digits ? x.toExponential(2) : x.toFixed(digits));
const shown = (token: string) => JSON.stringify(token);

/** The human page. */
export function neuronText(p: NeuronPage): string {
  const lines: string[] = [];
  const inCircuit = p.circuit ? `, rank ${p.circuit.rank} of ${p.circuit.size} in ${p.circuit.file} (delta ${fmt(p.circuit.delta)})` : '';
  lines.push(`neuron ${p.id} of ${p.model}${inCircuit}`);
  lines.push(`promoted tokens (logit change per unit of activation, W_U (g * W_down[:, ${p.neuron.index}])):`);
  lines.push('  ' + p.promoted.map((t) => `${shown(t.token)} ${fmt(t.score, 3)}`).join('  '));
  lines.push('suppressed tokens:');
  lines.push('  ' + p.suppressed.map((t) => `${shown(t.token)} ${fmt(t.score, 3)}`).join('  '));
  const a = p.activity;
  if (a) {
    lines.push(`activation at the last token on ${a.prompts} prompts: mean positive ${fmt(a.meanPositive)}, mean negative ${fmt(a.meanNegative)}`);
    lines.push(`density ${(a.density * 100).toFixed(1)}% (${a.densityDefinition})`);
    const pair = (s: NeuronActivity['pairs'][number]) => `  line ${s.line + 1}: ${fmt(s.positive, 3)} vs ${fmt(s.negative, 3)} (${fmt(s.separation, 3)})  + ${clip(s.positiveText)}`;
    lines.push('pairs separating most:');
    for (const s of a.pairs.slice(0, 5)) lines.push(pair(s));
    lines.push('pairs separating least:');
    for (const s of a.pairs.slice(-5).reverse()) lines.push(pair(s));
    if (a.correlations.length > 0) {
      lines.push(
        'correlation with other circuit neurons (all prompts): ' +
          a.correlations
            .slice(0, 8)
            .map((c) => `${c.layer}:${c.index} ${fmt(c.r, 2)}`)
            .join('  '),
      );
    }
  }
  const x = p.ablation;
  if (x) {
    lines.push(
      `ablating it alone (multiplier 0) on ${x.prompts} positive prompts: first-token KL ${fmt(x.kl)} nats, refusal-token mass ${fmt(x.refusalMassBefore)} -> ${fmt(x.refusalMassAfter)} (${x.refusalMassChange >= 0 ? '+' : ''}${fmt(x.refusalMassChange)})`,
    );
  }
  return lines.join('\n') + '\n';
}

type NeuronActivity = NonNullable<NeuronPage['activity']>;

function clip(text: string, max = 70): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 3) + '...' : flat;
}
