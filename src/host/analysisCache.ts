/**
 * Parse and lint of each document, computed once per version: every editor feature (diagnostics, lenses,
 * folding, outline, quick fixes, token counts, results, commands) reads the same parse. Lint is kept for
 * the last context it ran with (token counts, limits), since token counts arrive after the text changes.
 * Free of `vscode`, so the bench can count what an edit costs (scripts/bench/lint.mjs).
 */
import { lintPairs } from '../pairs/lint';
import { parsePairs } from '../pairs/parse';
import type { LintContext, PairsDiagnostic, ParsedPairs } from '../pairs/types';

export interface Analysers {
  parse(text: string): ParsedPairs;
  lint(parsed: ParsedPairs, context: LintContext): PairsDiagnostic[];
}

interface Entry {
  version: number;
  parsed?: ParsedPairs;
  lint?: { context: LintContext; found: PairsDiagnostic[] };
}

const sameContext = (a: LintContext, b: LintContext): boolean => a.countTokens === b.countTokens && a.contextLength === b.contextLength && a.maxPromptTokens === b.maxPromptTokens;

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly analysers: Analysers = { parse: parsePairs, lint: lintPairs }) {}

  /** The parse of `key` at `version`; `text` is read only when this version has not been parsed yet. */
  parsed(key: string, version: number, text: () => string): ParsedPairs {
    const entry = this.entry(key, version);
    entry.parsed ??= this.analysers.parse(text());
    return entry.parsed;
  }

  /** The lint rules' findings for `key` at `version` with `context`; run again only for a new version or context. */
  lint(key: string, version: number, text: () => string, context: LintContext): PairsDiagnostic[] {
    const entry = this.entry(key, version);
    if (!entry.lint || !sameContext(entry.lint.context, context)) {
      entry.lint = { context, found: this.analysers.lint(this.parsed(key, version, text), context) };
    }
    return entry.lint.found;
  }

  /** The findings of this version's last lint, whatever its context (a run only needs its errors, which no context changes). */
  lastLint(key: string, version: number, text: () => string): PairsDiagnostic[] {
    return this.entry(key, version).lint?.found ?? this.lint(key, version, text, {});
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private entry(key: string, version: number): Entry {
    let entry = this.entries.get(key);
    if (!entry || entry.version !== version) {
      entry = { version };
      this.entries.set(key, entry);
    }
    return entry;
  }
}
