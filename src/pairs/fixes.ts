/**
 * Quick fixes as plain text edits, for the fixes that are obvious (docs/cnapairs.md): delete a duplicate pair,
 * swap the sides of an inverted pair, insert a missing side as a stub, split two merged pairs.
 */
import type { Block, Fix, Pair, ParsedPairs, Position, Range, TextEdit } from './types';

export const POSITIVE_STUB = 'TODO: a prompt that shows the behaviour';
export const NEGATIVE_STUB = 'TODO: a matched prompt without the behaviour';

/** The fixes for a diagnostic, found from its code and range (so diagnostics from any source can be fixed). */
export function fixesFor(parsed: ParsedPairs, diagnostic: { code: string | number; range: Range }): Fix[] {
  const line = diagnostic.range.start.line;
  switch (String(diagnostic.code)) {
    case 'CNA001': {
      const block = parsed.blocks.find((b) => b.startLine <= line && line <= b.endLine);
      return block ? [insertMissingSide(parsed, block)].filter((f): f is Fix => f !== undefined) : [];
    }
    case 'CNA002': {
      const block = parsed.blocks.find((b) => b.startLine <= line && line <= b.endLine);
      const fix = block && splitMergedPairs(parsed, block);
      return fix ? [fix] : [];
    }
    case 'CNA005':
    case 'CNA008': {
      // Only the diagnostic on the whole pair is a duplicate; CNA005 on one prompt (a contradiction) needs a person.
      const pair = parsed.pairs.find((p) => sameRange(p.range, diagnostic.range));
      return pair ? [deletePair(parsed, pair)] : [];
    }
    case 'CNA012': {
      const pair = parsed.pairs.find((p) => p.line <= line && line <= p.endLine);
      return pair ? [swapSides(pair)] : [];
    }
    default:
      return [];
  }
}

/** Deletes a pair's lines and one blank line that separated it from the next pair. */
export function deletePair(parsed: ParsedPairs, pair: Pair): Fix {
  const { lines } = parsed;
  let start: Position = { line: pair.line, character: pair.range.start.character };
  let end: Position;
  if (pair.endLine + 1 < lines.length) {
    const next = pair.endLine + 1;
    end = { line: next, character: 0 };
    if (lines[next].trim() === '' && next + 1 < lines.length) end = { line: next + 1, character: 0 };
  } else {
    // The last line of a file without a final newline: take the line break before it instead.
    end = { line: pair.endLine, character: lines[pair.endLine].length };
    if (pair.line > 0) start = { line: pair.line - 1, character: lines[pair.line - 1].length };
  }
  return { title: `Delete the duplicate pair on line ${pair.line + 1}`, edits: [{ range: { start, end }, newText: '' }] };
}

/** Swaps the `+` and `-` markers, so each prompt changes side and nothing else moves. */
export function swapSides(pair: Pair): Fix {
  const marker = (p: Position, text: string): TextEdit => ({
    range: { start: p, end: { line: p.line, character: p.character + 1 } },
    newText: text,
  });
  return { title: 'Swap the positive and negative prompts', edits: [marker(pair.positive.marker, '-'), marker(pair.negative.marker, '+')] };
}

/** Adds a stub for the side an unpaired block lacks: a negative after it, or a positive before it. */
export function insertMissingSide(parsed: ParsedPairs, block: Block): Fix | undefined {
  const hasPositive = block.prompts.some((p) => p.side === 'positive');
  const hasNegative = block.prompts.some((p) => p.side === 'negative');
  if (hasPositive === hasNegative) return undefined;
  if (!hasNegative) {
    const at = { line: block.endLine, character: parsed.lines[block.endLine].length };
    return { title: 'Insert the missing negative prompt', edits: [{ range: { start: at, end: at }, newText: `${parsed.eol}- ${NEGATIVE_STUB}` }] };
  }
  const at = block.range.start;
  return { title: 'Insert the missing positive prompt', edits: [{ range: { start: at, end: at }, newText: `+ ${POSITIVE_STUB}${parsed.eol}` }] };
}

/** Two pairs without a blank line between them (+ - + -): insert the blank line. */
export function splitMergedPairs(parsed: ParsedPairs, block: Block): Fix | undefined {
  const [a, b, c] = block.prompts;
  if (!c || a.side === b.side) return undefined;
  const at = c.marker;
  return { title: `Insert a blank line before line ${at.line + 1} to separate the two pairs`, edits: [{ range: { start: at, end: at }, newText: parsed.eol }] };
}

/** Applies non-overlapping edits to a text (what the editor does; used by tests and the command line). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) starts.push(m.index + m[0].length);
  const offset = (p: Position): number => Math.min(starts[Math.min(p.line, starts.length - 1)] + p.character, text.length);
  const sorted = edits.map((e) => ({ from: offset(e.range.start), to: offset(e.range.end), text: e.newText })).sort((x, y) => y.from - x.from);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
