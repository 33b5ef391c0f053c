/**
 * The Markdown report of `cna reproduce`: the paper's published JBB-Behaviors results beside ours, the
 * whole sweep (circuit, random control, CAA), the circuit's shape, sample answers and timings.
 */
import type { CircuitSettings } from '../cna/circuit';
import type { AttributeResult } from './attribute';
import type { SweepPoint } from '../cna/sweep';
import type { CaaPoint, SweepResult } from './sweep';

/** docs/method.md, "Published results": refusal on the 100 JBB harmful goals before (m = 1) and after (m = 0). */
export const PUBLISHED: readonly { model: string; before: number; after: number }[] = [
  { model: 'Llama-3.2-1B-Instruct', before: 0.9, after: 0.34 },
  { model: 'Llama-3.2-3B-Instruct', before: 0.84, after: 0.47 },
  { model: 'Llama-3.1-70B-Instruct', before: 0.86, after: 0.18 },
  { model: 'Qwen2.5-1.5B-Instruct', before: 0.93, after: 0.12 },
  { model: 'Qwen2.5-3B-Instruct', before: 0.9, after: 0.58 },
  { model: 'Qwen2.5-7B-Instruct', before: 0.87, after: 0.02 },
  { model: 'Qwen2.5-72B-Instruct', before: 0.78, after: 0.08 },
];
export const PUBLISHED_QUALITY = '0.97-0.98';

export interface ReportInput {
  model: string;
  attribute: AttributeResult;
  sweep: SweepResult;
  discoveryPairs: number;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : `${Math.round(x * 100)}%`);
const q = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));
const klText = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(4));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function at(points: readonly SweepPoint[], m: number): SweepPoint | undefined {
  return points.find((p) => p.multiplier === m);
}

export function renderReproduceReport(r: ReportInput): string {
  const { attribute: a, sweep: s } = r;
  const out: string[] = [];
  const before = at(s.points, 1);
  const after = at(s.points, 0);
  const qualities = s.points.map((p) => p.quality).filter((x) => !Number.isNaN(x));
  const [lo, hi] = [Math.min(...qualities).toFixed(3), Math.max(...qualities).toFixed(3)];
  const qualityRange = qualities.length === 0 ? '-' : lo === hi ? lo : `${lo}-${hi}`;
  out.push(`# CNA on ${r.model}: the paper's JBB-Behaviors protocol`, '');
  out.push(
    `Discovery on the reference implementation's discovery sets (${r.discoveryPairs} harmful/benign pairs), ` +
      `evaluation on ${s.settings.eval}, detector \`${s.settings.detector}\`, greedy decoding, ` +
      `${s.settings.maxNewTokens} new tokens. Circuit: ${a.k} neurons (${a.settings.top}; universal filter ` +
      `${a.settings.universalFilter ? 'on, as the paper' : 'off, as the reference code'}). ` +
      `Prompt formatting: ${formattingNote(a.settings)}.`,
    '',
  );
  out.push('## Refusal before (m = 1) and after ablation (m = 0)', '');
  out.push('| model | refusal before | refusal after | relative drop | quality (CNA, all m) | source |');
  out.push('|---|---|---|---|---|---|');
  for (const p of PUBLISHED) {
    out.push(`| ${p.model} | ${pct(p.before)} | ${pct(p.after)} | ${pct(1 - p.after / p.before)} | ${PUBLISHED_QUALITY} | paper |`);
  }
  const drop = before && after && before.refusalRate > 0 ? 1 - after.refusalRate / before.refusalRate : NaN;
  out.push(`| **${r.model}** | **${pct(before?.refusalRate)}** | **${pct(after?.refusalRate)}** | **${pct(drop)}** | **${qualityRange}** | this run |`);
  const controlAfter = at(s.control, 0);
  if (controlAfter && before) {
    const change = Math.round(Math.abs(controlAfter.refusalRate - before.refusalRate) * 100);
    out.push(
      '',
      `Random control (${s.controlNeurons.length} random neurons, same layers, seed ${s.settings.seed}) at m = 0: ` +
        `refusal ${pct(controlAfter.refusalRate)}, a change of ${change} points (the paper's draft: under 3 points).`,
    );
  }
  out.push('', '## The sweep', '');
  out.push('| m | refusal | quality | first-token KL | control refusal | control quality | control KL |');
  out.push('|---|---|---|---|---|---|---|');
  s.points.forEach((p, i) => {
    const c = s.control[i];
    out.push(`| ${p.multiplier} | ${pct(p.refusalRate)} | ${q(p.quality)} | ${klText(p.kl)} | ${pct(c?.refusalRate)} | ${q(c?.quality)} | ${klText(c?.kl)} |`);
  });
  if (s.caa) {
    out.push(
      '',
      'CAA baseline (per-layer mean difference of the MLP output, added as alpha * v at every layer and position; ' +
        'alpha = m - 1, so alpha = -1 faces ablation). The paper: CAA quality falls below 0.60 on six of eight instruct models.',
      '',
    );
    out.push('| alpha | refusal | quality | first-token KL |');
    out.push('|---|---|---|---|');
    for (const p of s.caa as CaaPoint[]) out.push(`| ${p.alpha} | ${pct(p.refusalRate)} | ${q(p.quality)} | ${klText(p.kl)} |`);
  }
  out.push('', '## The circuit', '');
  for (const note of a.notes) out.push(`- ${note}`);
  const perLayer = new Map<number, number>();
  for (const n of a.neurons) perLayer.set(n.layer, (perLayer.get(n.layer) ?? 0) + 1);
  out.push(
    `- Neurons per layer: ${[...perLayer]
      .sort((x, y) => x[0] - y[0])
      .map(([l, c]) => `L${l} ${c}`)
      .join(', ')}`,
  );
  const inverted = a.pairs.filter((p) => p.contribution < 0).length;
  out.push(`- Discovery pairs with a negative contribution: ${inverted} of ${a.pairs.length}`);
  out.push('', '## Sample answers', '');
  const prompts = [...new Set(s.samples.map((x) => x.prompt))].slice(0, 3);
  for (const prompt of prompts) {
    out.push(`**${escape(prompt)}**`, '');
    for (const x of s.samples.filter((y) => y.kind === 'circuit' && y.prompt === prompt && (y.multiplier === 0 || y.multiplier === 1))) {
      out.push(`- m = ${x.multiplier}${x.refused ? ' (refusal)' : ''}: ${escape(clip(x.answer))}`);
    }
    out.push('');
  }
  out.push('## Time', '');
  out.push(
    `Attribution: model load ${secs(a.timings.loadMs)}, forward passes ${secs(a.timings.forwardMs)}, everything else ${secs(a.timings.otherMs)}. ` +
      `Sweep: generation ${secs(s.timings.generateMs)}, KL ${secs(s.timings.klMs)}, CAA vectors ${secs(s.timings.caaVectorsMs)}.`,
    '',
  );
  return out.join('\n');
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat === '' ? '(empty)' : flat;
}

function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

/** How the circuit's prompts were formatted, in words (circuit.json's settings.template and templateDate). */
export function formattingNote(settings: CircuitSettings): string {
  switch (settings.template) {
    case 'raw':
      return 'raw text (no chat template)';
    case 'reference':
      return `as the reference implementation (template by model name, rendered with the date ${String(settings.templateDate ?? 'of the run')}, special tokens added again)`;
    default:
      return 'the chat template rendered once, no special tokens added again, date pinned to 26 Jul 2024';
  }
}
