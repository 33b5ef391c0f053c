/**
 * Where a character of a prompt's text (`Prompt.text`: continuation lines joined with `\n`) sits in the
 * file, so that per-token results (circuit activity) can be drawn on the prompt's own characters.
 */
import type { Position, Prompt } from './types';

/** For each line of `prompt.text`, the file position of its first character (null when not found). */
export function promptLineStarts(prompt: Prompt, lines: readonly string[]): (Position | null)[] {
  const parts = prompt.text.split('\n');
  const starts: (Position | null)[] = [];
  let line = prompt.textRange.start.line;
  let from = prompt.textRange.start.character;
  for (const part of parts) {
    let found: Position | null = null;
    // A part is on the next line that holds it (a marker line with no text holds the empty first part).
    for (let l = line; l <= prompt.endLine && l < lines.length; l++) {
      const at = lines[l].indexOf(part, l === line ? from : 0);
      if (at >= 0) {
        found = { line: l, character: at };
        line = l + 1;
        from = 0;
        break;
      }
    }
    starts.push(found);
  }
  return starts;
}

/** The file range of text characters [start, end) of one line of the prompt; null across lines or unknown. */
export function promptTextRange(prompt: Prompt, starts: readonly (Position | null)[], start: number, end: number): { start: Position; end: Position } | null {
  const parts = prompt.text.split('\n');
  let offset = 0;
  for (let k = 0; k < parts.length; k++) {
    const len = parts[k].length;
    if (start >= offset && start <= offset + len) {
      const s = starts[k];
      if (!s) return null;
      const e = Math.min(end, offset + len);
      if (e <= start) return null;
      return { start: { line: s.line, character: s.character + start - offset }, end: { line: s.line, character: s.character + e - offset } };
    }
    offset += len + 1;
  }
  return null;
}
