/** `cna lint FILE... [--json]`: parse and lint `.cnapairs` files, reporting like a compiler (docs/cli.md). */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors';
import { lintPairs } from '../pairs/lint';
import type { PairsDiagnostic } from '../pairs/types';
import * as path from 'node:path';
import { readModelConfig } from '../engine/modelFolder';
import { packageRoot } from '../jobs/packageRoot';
import { parsePairs } from '../pairs/parse';
import { parseArgs, stringOption, wholeNumberOption } from './args';
import { DEMO_MODEL } from './engine';
import type { CliCommand } from './command';

export interface LintReport {
  file: string;
  pairs: number;
  diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[];
}

export const lintCommand: CliCommand = {
  usage: 'cna lint FILE... [--json] [--max-prompt-tokens N] [--model DIR]',
  summary: 'Check .cnapairs files: unpaired or duplicate prompts, confounds, bad directives. Exit 1 on errors.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['max-prompt-tokens', 'model'], booleans: ['json'] });
    if (args.positional.length === 0) throw new UserError('Give at least one .cnapairs file: cna lint FILE... [--json]');
    const maxPromptTokens = wholeNumberOption(args, 'max-prompt-tokens', 1);
    const reports: LintReport[] = [];
    for (const file of args.positional) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
        throw new UserError(`cannot read ${file}: ${why}.`);
      }
      // Columns as an editor shows them: editors hide a byte order mark.
      const clean = text.replace(/^\uFEFF/, '');
      // Prompt length against the context of the model the jobs would use: --model, @model, the demo model.
      const parsed = parsePairs(clean);
      const directive = parsed.header.model;
      const model = stringOption(args, 'model') ?? (directive === undefined ? path.join(packageRoot(), DEMO_MODEL) : path.resolve(path.dirname(file), directive));
      const diagnostics = lintPairs(parsed, { maxPromptTokens, contextLength: readModelConfig(model)?.maxPositions });
      reports.push({ file, pairs: parsed.pairs.length, diagnostics: diagnostics.map(oneBased) });
    }
    if (args.options.has('json')) {
      io.stdout(JSON.stringify(reports, null, 2) + '\n');
    } else {
      for (const r of reports) {
        for (const d of r.diagnostics) io.stdout(`${r.file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}\n`);
      }
      const count = (s: string): number => reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === s).length, 0);
      const pairs = reports.reduce((n, r) => n + r.pairs, 0);
      io.stderr(`${reports.length} file${reports.length === 1 ? '' : 's'}, ${pairs} pairs: ${count('error')} errors, ${count('warning')} warnings, ${count('information')} notes.\n`);
    }
    return reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
  },
};

function oneBased(d: PairsDiagnostic): LintReport['diagnostics'][number] {
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}
