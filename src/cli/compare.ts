/**
 * `cna compare A B`: two circuit files (ours or the reference layout): shared and exclusive neurons by layer,
 * Jaccard overlap, and the rank correlation of the shared neurons' deltas. `--json` prints the comparison.
 */
import { compareCircuits, type CircuitComparison } from '../cna/compare';
import { UserError } from '../errors';
import { readCircuitFile, type CircuitFile } from '../jobs/circuitFile';
import { parseArgs } from './args';
import type { CliCommand } from './command';

export const compareCommand: CliCommand = {
  usage: 'cna compare A.json B.json [--json]',
  summary: 'Compare two circuits: shared and exclusive neurons by layer, overlap, rank correlation of the deltas.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: [], booleans: ['json'] });
    if (args.positional.length !== 2) throw new UserError(`Give two circuit files: ${compareCommand.usage}`);
    const [a, b] = await Promise.all(args.positional.map((f) => readCircuitFile(f)));
    const notes = shapeNotes(a, b);
    const comparison = compareCircuits(a.neurons, b.neurons);
    if (args.options.has('json')) {
      io.stdout(JSON.stringify({ a: describe(a), b: describe(b), notes, ...comparison }) + '\n');
      return 0;
    }
    for (const n of notes) io.stderr(`cna compare: ${n}\n`);
    io.stdout(compareText(a.file, b.file, comparison));
    return 0;
  },
};

function describe(c: CircuitFile): { file: string; feature: string | null; model: string | null } {
  return { file: c.file, feature: c.circuit?.feature ?? null, model: c.circuit?.model.path ?? null };
}

/** Circuits from models of other shapes share (layer, index) addresses only by accident: say so. */
function shapeNotes(a: CircuitFile, b: CircuitFile): string[] {
  const ma = a.circuit?.model;
  const mb = b.circuit?.model;
  if (!ma || !mb) return [];
  if (ma.layers !== mb.layers || ma.intermediateSize !== mb.intermediateSize) {
    return [`the circuits come from models of different shapes (${ma.layers} x ${ma.intermediateSize} vs ${mb.layers} x ${mb.intermediateSize}): shared addresses are not the same neurons.`];
  }
  if (ma.fingerprint !== mb.fingerprint) return ['the circuits come from models with different graphs; neurons are compared by address.'];
  return [];
}

const num = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));

export function compareText(fileA: string, fileB: string, c: CircuitComparison): string {
  const lines = [
    `A: ${fileA} (${c.sizeA} neurons)`,
    `B: ${fileB} (${c.sizeB} neurons)`,
    `shared ${c.shared}, only A ${c.sizeA - c.shared}, only B ${c.sizeB - c.shared}; Jaccard ${num(c.jaccard)}`,
    `rank correlation (Spearman) of the shared neurons' deltas: ${num(c.rankCorrelation)}; same sign: ${c.signAgreement === null ? '-' : `${(c.signAgreement * 100).toFixed(0)}%`}`,
    'layer  shared  only A  only B',
  ];
  for (const l of c.layers) lines.push(`${String(l.layer).padStart(5)}  ${String(l.shared).padStart(6)}  ${String(l.onlyA).padStart(6)}  ${String(l.onlyB).padStart(6)}`);
  if (c.sharedNeurons.length > 0) {
    lines.push(
      'shared neurons (delta A / delta B): ' +
        c.sharedNeurons
          .slice(0, 10)
          .map((n) => `${n.layer}:${n.index} ${num(n.deltaA, 2)}/${num(n.deltaB, 2)}`)
          .join('  '),
    );
  }
  return lines.join('\n') + '\n';
}
