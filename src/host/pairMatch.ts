/**
 * Whether an attribution result still describes the pairs in the editor. A result is tied to what the model
 * saw: each discovery pair's exact prompt texts (as the parser reads them) and the header directives that
 * change how prompts are formatted or the circuit is chosen. Pairs are matched by text, not line, so moving
 * a pair or adding a comment keeps its result; editing a pair, or the set of pairs, makes results stale.
 * No vscode import: unit-tested in Node.
 */
import type { Header, Pair, ParsedPairs } from '../pairs/types';

/** One discovery pair as it was when attribution ran. */
export interface RunPair {
  key: string;
  /** 1-based line of the pair in the attribution result (what the chart shows and highlights). */
  resultLine: number;
  contribution: number;
  leaveOneOutOverlap: number | null;
  /** 1 = largest contribution. */
  rank: number;
}

export interface RunSnapshot {
  pairs: RunPair[];
  headerKey: string;
}

/**
 * - `current`: the pair and every other discovery pair and the header are as they were: the numbers hold.
 * - `outdated`: this pair is unchanged, but other pairs or the header changed: its numbers are from before.
 * - `stale`: this pair is new or edited since the run.
 * - `heldOut`: a `@split eval` pair; attribution does not use it.
 */
export type PairStatus = { kind: 'current' | 'outdated'; run: RunPair; total: number } | { kind: 'stale' } | { kind: 'heldOut' };

export function pairKey(pair: Pair): string {
  return `${pair.positive.text}\u0000${pair.negative.text}`;
}

/** The header directives a result depends on (`@feature` and `@multipliers` do not change the circuit). */
export function headerKey(header: Header): string {
  const { model, template, system, top, excludeLayers } = header;
  return JSON.stringify({ model, template, system, top, excludeLayers });
}

/** The snapshot of a run: `results` are the attribution's pairs (1-based lines), in discovery order. */
export function snapshotRun(parsed: ParsedPairs, results: readonly { line: number; contribution: number; leaveOneOutOverlap: number | null }[]): RunSnapshot {
  const discovery = parsed.pairs.filter((p) => p.split === 'discover');
  const byLine = new Map(discovery.map((p) => [p.line + 1, p]));
  const order = results.map((_, i) => i).sort((a, b) => results[b].contribution - results[a].contribution);
  const rank = new Array<number>(results.length);
  order.forEach((i, r) => {
    rank[i] = r + 1;
  });
  const pairs: RunPair[] = [];
  results.forEach((r, i) => {
    const pair = byLine.get(r.line);
    if (pair) pairs.push({ key: pairKey(pair), resultLine: r.line, contribution: r.contribution, leaveOneOutOverlap: r.leaveOneOutOverlap, rank: rank[i] });
  });
  return { pairs, headerKey: headerKey(parsed.header) };
}

/** The status of every pair of `parsed` (same order as `parsed.pairs`). */
export function matchPairs(run: RunSnapshot, parsed: ParsedPairs): PairStatus[] {
  const unused = new Map<string, RunPair[]>();
  for (const p of run.pairs) {
    const list = unused.get(p.key);
    if (list) list.push(p);
    else unused.set(p.key, [p]);
  }
  const matched: (RunPair | undefined)[] = parsed.pairs.map((pair) => (pair.split === 'discover' ? unused.get(pairKey(pair))?.shift() : undefined));
  const discoveryCount = parsed.pairs.filter((p) => p.split === 'discover').length;
  const allMatched = matched.filter((m) => m !== undefined).length;
  const sameSet = allMatched === run.pairs.length && discoveryCount === run.pairs.length && headerKey(parsed.header) === run.headerKey;
  return parsed.pairs.map((pair, i): PairStatus => {
    if (pair.split === 'eval') return { kind: 'heldOut' };
    const m = matched[i];
    if (!m) return { kind: 'stale' };
    return { kind: sameSet ? 'current' : 'outdated', run: m, total: run.pairs.length };
  });
}
