/**
 * `cna sweep FILE`: refusal, quality and first-token KL per multiplier, for the circuit and a random
 * control (and the CAA baseline with --caa). Reads --circuit, or runs attribute first (--out writes that
 * circuit). Human output is a table and a few answers; --json is the whole result.
 */
import { parseMultipliers } from '../cna/sweep';
import { UserError } from '../errors';
import { attributeJson } from '../jobs/attribute';
import { checkWritable, circuitJson, readCircuitFile, writeFileAtomic } from '../jobs/circuitFile';
import { throwIfCancelled } from '../jobs/context';
import { parsePromptList, selectEvalPrompts, type EvalSelection } from '../jobs/evalPrompts';
import { readPairsFile, readTextFile } from '../jobs/pairsInput';
import { xstestSafePrompts } from '../jobs/referenceData';
import { COLLAPSE_THRESHOLD, type CollapseStats } from '../cna/collapse';
import { TEMPLATE_USAGE, TEMPLATE_VALUE_OPTIONS, withTemplateOptions } from './template';
import { runSweep, type BenignSet, type SweepResult } from '../jobs/sweep';
import { capabilityName } from '../jobs/capability';
import { capabilityText } from '../cna/capability';
import { resolveRunSettings } from '../jobs/settings';
import type { SweepPoint } from '../cna/sweep';
import { excludeLayersOption, parseArgs, stringOption, topOption, wholeNumberOption } from './args';
import type { CliCommand } from './command';
import { checkExcludedLayers, ENGINE_VALUE_OPTIONS, modelRef, withEngine } from './engine';
import { progressReporter } from './progress';

const SAMPLE_CHARS = 100;

/** Takes every `--name VALUE` / `--name=VALUE` out of argv (parseArgs keeps only the last of a flag). */
export function takeRepeated(argv: string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === `--${name}`) {
      const v = argv[++i];
      if (v === undefined) throw new UserError(`--${name} needs a value.`);
      values.push(v);
    } else if (a.startsWith(`--${name}=`)) {
      values.push(a.slice(name.length + 3));
    } else {
      rest.push(a);
    }
  }
  return { values, rest };
}

export const sweepCommand: CliCommand = {
  usage:
    'cna sweep FILE [--model DIR] [--circuit circuit.json] [--multipliers 0,0.5,1] [--eval positive|negative|FILE2] ' +
    '[--max-new-tokens N] [--detector regex|phrases|jbb] [--refusal-marker TEXT]... [--control random|none] [--seed N] ' +
    `[--caa] [--alphas -1,0] [--benign negative|xstest|FILE] [--capability mmlu] [--capability-limit N] [--batch-size N] ${TEMPLATE_USAGE} [--out circuit.json] [--json]`,
  summary: 'Steer the circuit at each multiplier: refusal rate, answer quality and first-token KL, beside a random control.',
  async run(argv, io) {
    const { values: markers, rest } = takeRepeated(argv, 'refusal-marker');
    const args = parseArgs(rest, {
      values: [
        ...ENGINE_VALUE_OPTIONS,
        ...TEMPLATE_VALUE_OPTIONS,
        'circuit',
        'multipliers',
        'eval',
        'max-new-tokens',
        'detector',
        'control',
        'seed',
        'alphas',
        'batch-size',
        'out',
        'top',
        'exclude-layers',
        'capability',
        'capability-limit',
        'benign',
      ],
      booleans: ['caa', 'json', 'no-universal-filter', 'universal-filter'],
    });
    if (args.positional.length !== 1) throw new UserError(`Give one .cnapairs file: ${sweepCommand.usage}`);
    // Every argument and the output path are checked before the model loads.
    const circuitFile = stringOption(args, 'circuit');
    const out = stringOption(args, 'out');
    if (out && circuitFile) throw new UserError('--out writes the circuit that sweep finds itself; it cannot be combined with --circuit.');
    const top = topOption(args);
    const excludeLayers = excludeLayersOption(args);
    const seed = wholeNumberOption(args, 'seed', 0);
    const batchSize = wholeNumberOption(args, 'batch-size', 1);
    const file = await readPairsFile(args.positional[0]);
    const pairs = { ...file, header: withTemplateOptions(file.header, args) };
    const circuit = circuitFile ? await readCircuitFile(circuitFile) : undefined;
    const model = modelRef(args, pairs.modelDirective ?? circuit?.circuit?.model.path);
    if (!circuit) checkExcludedLayers(model, excludeLayers, pairs.header.excludeLayers);
    const control = stringOption(args, 'control') ?? 'random';
    if (control !== 'random' && control !== 'none') throw new UserError(`--control must be 'random' or 'none', not '${control}'.`);
    const alphas = stringOption(args, 'alphas');
    const alphaList = alphas === undefined ? undefined : parseMultipliers(alphas, 'alpha');
    const maxNewTokens = wholeNumberOption(args, 'max-new-tokens', 1);
    const capabilityFlag = stringOption(args, 'capability');
    const capability = capabilityFlag === undefined ? undefined : capabilityName(capabilityFlag);
    const capabilityLimit = wholeNumberOption(args, 'capability-limit', 1);
    if (capabilityLimit !== undefined && !capability) throw new UserError('--capability-limit needs --capability mmlu.');
    // Checked now, before the model loads (the job resolves the same flags again, src/jobs/settings.ts).
    resolveRunSettings(pairs.header, { flags: { multipliers: stringOption(args, 'multipliers'), detector: stringOption(args, 'detector'), maxNewTokens } });
    const evaluation = await selectEvalPrompts(pairs, stringOption(args, 'eval') ?? 'positive');
    const benignFlag = stringOption(args, 'benign');
    const benign = benignFlag === undefined ? undefined : [await selectBenignSet(benignFlag, evaluation)];
    if (out) await checkWritable(out);
    const progress = progressReporter(io, 'cna sweep');
    progress.note(`evaluating ${evaluation.prompts.length} prompts: ${evaluation.description}`);
    const result = await withEngine(args, io, async (engine, signal) => {
      const r = await runSweep(
        { engine, model, signal, onProgress: (p) => progress.update(p), onNote: (m) => progress.note(m) },
        {
          pairs,
          circuit,
          circuitFile,
          evaluation,
          attribute: {
            top,
            excludeLayers,
            universalFilter: args.options.has('no-universal-filter') ? false : args.options.has('universal-filter') ? true : undefined,
          },
          // Run settings go to the jobs' resolver as typed (src/jobs/settings.ts): it names the flag in errors.
          multipliers: stringOption(args, 'multipliers'),
          detector: stringOption(args, 'detector'),
          refusalMarkers: markers,
          control,
          seed,
          caa: args.options.has('caa'),
          alphas: alphaList,
          maxNewTokens,
          batchSize,
          capability,
          capabilityLimit,
          benign,
        },
      ).finally(() => progress.done());
      throwIfCancelled(signal);
      if (out && r.attribute) await writeFileAtomic(out, circuitJson(r.attribute), signal);
      return r;
    });
    if (args.options.has('json')) io.stdout(attributeJson(result) + '\n');
    else io.stdout(sweepTable(result));
    if (out) io.stderr(`cna sweep: wrote ${out}\n`);
    return 0;
  },
};

/** The collapse column: `ok`, or COLLAPSED with the duplicated and the empty-or-stalled shares. */
function answersCell(c: CollapseStats | undefined): string {
  if (!c) return '-';
  return c.collapsed ? `COLLAPSED ${pct(c.duplicate)} same, ${pct(c.empty + c.stalled)} empty/stalled` : 'ok';
}

function flag(c: CollapseStats): string {
  return c.collapsed ? ' COLLAPSED' : '';
}

/** `--benign`: the negatives of the evaluation selection, XSTest's safe prompts, or a file with one prompt a line. */
async function selectBenignSet(choice: string, evaluation: EvalSelection): Promise<BenignSet> {
  if (choice === 'negative') {
    if (evaluation.klPrompts.length === 0) throw new UserError('--benign negative: the evaluation has no negative prompts; give xstest or a file.');
    return { name: 'benign', prompts: evaluation.klPrompts };
  }
  if (choice === 'xstest') return { name: 'XSTest', prompts: await xstestSafePrompts() };
  const prompts = parsePromptList(await readTextFile(choice));
  if (prompts.length === 0) throw new UserError(`--benign ${choice}: the file has no prompts.`, 1);
  return { name: 'benign', prompts };
}

function pct(x: number): string {
  return Number.isNaN(x) ? '-' : `${(x * 100).toFixed(0)}%`;
}

function cells(p: SweepPoint | undefined): string[] {
  if (!p) return ['', '', ''];
  return [pct(p.refusalRate), p.quality.toFixed(3), p.kl === null ? '-' : p.kl.toFixed(4)];
}

/** The human result: one row per multiplier (circuit beside control), CAA rows, then a few answers. */
export function sweepTable(r: SweepResult): string {
  const lines: string[] = [];
  lines.push(
    `${r.feature}: circuit of ${r.circuit.k} neurons, ${r.settings.evalPrompts} prompts (${r.settings.eval}), ` +
      `detector ${r.settings.detector}, ${r.settings.maxNewTokens} new tokens, KL on ${r.settings.klPrompts} benign prompts`,
  );
  const cap = r.settings.capability;
  const capHead = cap ? [`${cap.name.toUpperCase()} ${Math.max(...cap.shots)}-shot [95%]`] : [];
  const benignHead = (r.settings.benign ?? []).map((b) => `${b.name} refusal`);
  const rows: string[][] = [['multiplier', 'refusal', 'quality', 'KL', ...benignHead, ...capHead, 'answers', '', 'control refusal', 'quality', 'KL', 'answers']];
  r.points.forEach((p, i) =>
    rows.push([
      String(p.multiplier),
      ...cells(p),
      ...(r.settings.benign ?? []).map((_, b) => (p.overRefusal?.[b] ? pct(p.overRefusal[b].refusalRate) + flag(p.overRefusal[b].collapse) : '-')),
      ...(cap ? [p.capability ? capabilityText(p.capability) : '-'] : []),
      answersCell(p.collapse),
      '|',
      ...cells(r.control[i]),
      r.control[i] ? answersCell(r.control[i].collapse) : '',
    ]),
  );
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
  if ([...r.points, ...r.control].some((p) => p.collapse?.collapsed))
    lines.push(`COLLAPSED: at least ${Math.round(COLLAPSE_THRESHOLD * 100)}% of the answers repeat another prompt's answer, or are empty or stalled; a low refusal there is not success.`);
  if (cap) lines.push(capabilityNote(r));
  if (r.caa) {
    lines.push('CAA baseline (alpha * per-layer mean difference of the MLP output):');
    for (const p of r.caa)
      lines.push(
        `  alpha ${String(p.alpha).padEnd(6)} refusal ${pct(p.refusalRate).padEnd(5)} quality ${p.quality.toFixed(3)}  KL ${p.kl === null ? '-' : p.kl.toFixed(4)}  ${answersCell(p.collapse)}`,
      );
  }
  const shown = new Set<number>();
  const firstPrompt = r.samples.find((s) => s.kind === 'circuit')?.prompt;
  lines.push(`Answers to "${clip(firstPrompt ?? '')}":`);
  for (const s of r.samples) {
    if (s.kind !== 'circuit' || s.prompt !== firstPrompt || shown.has(s.multiplier)) continue;
    shown.add(s.multiplier);
    lines.push(`  m=${s.multiplier}${s.refused ? ' (refused)' : ''}: ${clip(s.answer)}`);
  }
  return lines.join('\n') + '\n';
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SAMPLE_CHARS ? flat.slice(0, SAMPLE_CHARS - 3) + '...' : flat;
}

/** Below the table: question count, chance level, the zero-shot figures and how many examples fitted. */
function capabilityNote(r: SweepResult): string {
  const cap = r.settings.capability!;
  const first = r.points.find((p) => p.capability)?.capability;
  if (!first) return '';
  const zero = r.points.map((p) => `m=${p.multiplier} ${p.capability?.runs.find((x) => x.shots === 0) ? capabilityText(p.capability.runs.find((x) => x.shots === 0)!) : '-'}`);
  const fitted = first.meanShots < first.shots ? `; ${first.shots}-shot prompts hold ${first.meanShots.toFixed(1)} examples on average (the rest do not fit the context)` : '';
  const skipped = first.skipped > 0 ? `; ${first.skipped} questions longer than the context skipped` : '';
  return `${cap.name.toUpperCase()}: ${cap.questions} questions, chance ${Math.round(first.chance * 100)}%${fitted}${skipped}. Zero-shot: ${zero.join(', ')}`;
}
