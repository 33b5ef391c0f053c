/**
 * Lint rules that need attribution results (CNA012, CNA013): each discovery pair's share of the circuit's
 * separation, as the CNA core computes it (docs/cnapairs.md, "Per-pair contribution").
 */
import { sortDiagnostics } from './lint';
import type { PairsDiagnostic, ParsedPairs } from './types';

/** One pair's contribution; `line` is the pair's 0-based start line (`Pair.line`). */
export interface PairContribution {
  line: number;
  contribution: number;
}

/** A pair carrying more than this many times the median contribution dominates the circuit (CNA013). */
export const DOMINANT_FACTOR = 5;

export function lintWithContributions(parsed: ParsedPairs, contributions: PairContribution[]): PairsDiagnostic[] {
  const byLine = new Map(parsed.pairs.map((p) => [p.line, p]));
  const finite = contributions.filter((c) => Number.isFinite(c.contribution) && byLine.has(c.line));
  const sorted = finite.map((c) => c.contribution).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const out: PairsDiagnostic[] = [];
  for (const c of finite) {
    const pair = byLine.get(c.line)!;
    if (c.contribution < 0) {
      out.push({
        range: pair.range,
        severity: 'warning',
        code: 'CNA012',
        message: `Inverted pair: its own difference points against the circuit (contribution ${formatShare(c.contribution)}); check that the + side shows the behaviour, or swap the sides.`,
      });
    } else if (median > 0 && c.contribution > DOMINANT_FACTOR * median) {
      out.push({
        range: pair.range,
        severity: 'warning',
        code: 'CNA013',
        message: `Dominant pair: it carries ${formatShare(c.contribution)} of the separation, ${(c.contribution / median).toFixed(1)}x the median pair; the circuit leans on it, so add pairs like it or check it is not an outlier.`,
      });
    }
  }
  return sortDiagnostics(out);
}

function formatShare(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
