/**
 * The `.cnapairs` reader (docs/cnapairs.md). It never throws: whatever the input, it returns the pairs it could
 * read and a diagnostic with an exact range for every structural problem.
 */
import { closestDirective, DIRECTIVE_NAMES, HEADER_DIRECTIVES, isDirectiveName, parseDirectiveValue } from './directives';
import type { Block, Directive, DirectiveValue, Header, Pair, PairsDiagnostic, ParsedPairs, Position, Prompt, Range, RuleCode, Section, Severity, Side, Split } from './types';

const BOM = '\uFEFF';

interface PromptDraft {
  side: Side;
  marker: Position;
  parts: string[];
  textStart: Position;
  textEnd: Position;
  endLine: number;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function parsePairs(text: string): ParsedPairs {
  const lines = splitLines(text);
  const bom = lines[0].startsWith(BOM) ? 1 : 0;
  const diagnostics: PairsDiagnostic[] = [];
  const pairs: Pair[] = [];
  const blocks: Block[] = [];
  const directives: Directive[] = [];
  const sections: Section[] = [];
  const header: Header = {};
  const headerLines = new Map<string, number>();

  let split: Split = 'discover';
  let sectionIndex = -1;
  let seenPrompt = false;
  let blockPrompts: Prompt[] = [];
  let draft: PromptDraft | undefined;

  const pos = (line: number, character: number): Position => ({ line, character: character + (line === 0 ? bom : 0) });
  const report = (range: Range, severity: Severity, code: RuleCode, message: string): void => {
    diagnostics.push({ range, severity, code, message });
  };

  const finishPrompt = (): void => {
    if (!draft) return;
    const parts = draft.parts.length > 1 && draft.parts[0] === '' ? draft.parts.slice(1) : draft.parts;
    blockPrompts.push({
      side: draft.side,
      text: parts.join('\n'),
      range: { start: draft.marker, end: draft.textEnd },
      textRange: { start: draft.textStart, end: draft.textEnd },
      marker: draft.marker,
      startLine: draft.marker.line,
      endLine: draft.endLine,
    });
    draft = undefined;
  };

  const finishBlock = (): void => {
    finishPrompt();
    if (blockPrompts.length === 0) return;
    const prompts = blockPrompts;
    blockPrompts = [];
    const first = prompts[0];
    const last = prompts[prompts.length - 1];
    const block: Block = {
      prompts,
      range: { start: first.range.start, end: last.range.end },
      startLine: first.startLine,
      endLine: last.endLine,
    };
    blocks.push(block);
    const positives = prompts.filter((p) => p.side === 'positive');
    const negatives = prompts.filter((p) => p.side === 'negative');
    let valid = true;
    for (const same of [positives, negatives]) {
      for (const extra of same.slice(1)) {
        valid = false;
        const side = extra.side;
        report(
          extra.range,
          'error',
          'CNA002',
          `A second ${side} prompt in one pair (the first is on line ${same[0].startLine + 1}): a blank line is ` +
            'probably missing between two pairs; separate the pairs with a blank line, or remove the extra prompt.',
        );
      }
    }
    if (positives.length === 0 || negatives.length === 0) {
      valid = false;
      const missing = positives.length === 0 ? 'positive (+)' : 'negative (-)';
      const has = positives.length === 0 ? 'negative' : 'positive';
      report(block.range, 'error', 'CNA001', `Unpaired ${has} prompt: add the ${missing} prompt of this pair right next to it (no blank line between).`);
    }
    for (const p of prompts) {
      if (p.text.trim() === '') {
        valid = false;
        report(p.range, 'error', 'CNA003', `Empty ${p.side} prompt: write the prompt text after '${p.side === 'positive' ? '+' : '-'} '.`);
      }
    }
    if (valid) {
      const section = sectionIndex >= 0 ? sections[sectionIndex].title : undefined;
      pairs.push({
        index: pairs.length,
        positive: positives[0],
        negative: negatives[0],
        range: block.range,
        line: block.startLine,
        endLine: block.endLine,
        section,
        sectionIndex,
        split,
      });
    }
  };

  const readDirective = (i: number, content: string, end: number): void => {
    const name = /^@(\S*)/.exec(content)?.[1] ?? '';
    const nameEnd = 1 + name.length;
    const rest = content.slice(nameEnd, end);
    const valueStart = nameEnd + (rest.length - rest.trimStart().length);
    const raw = rest.trim();
    const nameRange = { start: pos(i, 0), end: pos(i, nameEnd) };
    const valueRange = raw === '' ? { start: pos(i, nameEnd), end: pos(i, nameEnd) } : { start: pos(i, valueStart), end: pos(i, end) };
    const directive: Directive = { name, raw, line: i, range: { start: pos(i, 0), end: pos(i, end) }, nameRange, valueRange, parsed: undefined };
    directives.push(directive);
    if (!isDirectiveName(name)) {
      const guess = closestDirective(name);
      const hint = guess ? `did you mean @${guess}?` : `use one of ${DIRECTIVE_NAMES.map((n) => '@' + n).join(', ')}.`;
      report(nameRange, 'error', 'CNA009', name === '' ? `A directive needs a name after '@': ${hint}` : `Unknown directive @${name}: ${hint}`);
      return;
    }
    const result = parseDirectiveValue(name, raw);
    if (!result.ok) {
      report(raw === '' ? nameRange : valueRange, 'error', 'CNA009', result.message);
      return;
    }
    directive.parsed = result.value;
    if (result.value.name === 'split') {
      split = result.value.value;
      return;
    }
    if (HEADER_DIRECTIVES.has(name)) {
      const earlier = headerLines.get(name);
      if (earlier !== undefined) {
        report(directive.range, 'warning', 'CNA014', `@${name} is set twice (also on line ${earlier + 1}); this later value wins: remove one of them.`);
      } else if (seenPrompt) {
        report(directive.range, 'warning', 'CNA014', `@${name} applies to the whole file: move it to the header, above the first pair.`);
      }
      headerLines.set(name, i);
    }
    applyHeader(header, result.value);
  };

  for (let i = 0; i < lines.length; i++) {
    const content = i === 0 && bom ? lines[0].slice(1) : lines[i];
    const end = content.trimEnd().length;
    if (end === 0) {
      finishBlock();
      continue;
    }
    const c = content[0];
    if (c === ' ' || c === '\t') {
      const start = content.length - content.trimStart().length;
      if (content[start] === '#') continue; // An indented comment: ignored, the prompt above goes on.
      if (draft) {
        draft.parts.push(content.slice(start, end));
        // A prompt whose marker line is empty starts at its first continuation.
        if (draft.parts.length === 2 && draft.parts[0] === '') draft.textStart = pos(i, start);
        draft.textEnd = pos(i, end);
        draft.endLine = i;
      } else {
        report(
          { start: pos(i, start), end: pos(i, end) },
          'error',
          'CNA015',
          "An indented line continues the prompt above, but there is none here: start the line with '+ ' or " + "'- ', or remove the blank line that separates it from its prompt.",
        );
      }
      continue;
    }
    if (c === '#') {
      if (/^##([ \t]|$)/.test(content)) {
        finishBlock();
        const titleStart = content.length - content.slice(2).trimStart().length;
        const title = content.slice(titleStart, end);
        sections.push({
          title,
          line: i,
          headingRange: { start: pos(i, 0), end: pos(i, end) },
          titleRange: { start: pos(i, Math.min(titleStart, end)), end: pos(i, end) },
          range: { start: pos(i, 0), end: pos(i, end) },
        });
        sectionIndex = sections.length - 1;
      }
      continue; // Any other '#' line is a comment.
    }
    if (c === '+' || c === '-') {
      finishPrompt();
      seenPrompt = true;
      const gap = content[1] === ' ' || content[1] === '\t' ? 1 : 0;
      const textStart = Math.min(1 + gap, end);
      draft = {
        side: c === '+' ? 'positive' : 'negative',
        marker: pos(i, 0),
        parts: [content.slice(textStart, end)],
        textStart: pos(i, textStart),
        textEnd: pos(i, end),
        endLine: i,
      };
      continue;
    }
    if (c === '@') {
      finishBlock();
      readDirective(i, content, end);
      continue;
    }
    report(
      { start: pos(i, 0), end: pos(i, end) },
      'error',
      'CNA015',
      "This line is not a prompt, directive, heading or comment: start it with '+ ' (positive), '- ' " +
        "(negative), '@' (directive), '## ' (section) or '#' (comment), or indent it to continue the prompt above.",
    );
  }
  finishBlock();
  extendSections(sections, lines, bom);

  return { pairs, blocks, directives, sections, header, diagnostics, lines, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

function applyHeader(header: Header, v: DirectiveValue): void {
  switch (v.name) {
    case 'feature':
      header.feature = v.value;
      break;
    case 'model':
      header.model = v.value;
      break;
    case 'template':
      header.template = v.value;
      break;
    case 'system':
      header.system = v.value;
      break;
    case 'top':
      header.top = v.value;
      break;
    case 'exclude-layers':
      header.excludeLayers = v.value;
      break;
    case 'multipliers':
      header.multipliers = v.value;
      break;
    case 'split':
      break;
  }
}

/** A section runs from its heading to the last non-blank line before the next heading. */
function extendSections(sections: Section[], lines: string[], bom: number): void {
  for (let k = 0; k < sections.length; k++) {
    const limit = k + 1 < sections.length ? sections[k + 1].line : lines.length;
    let last = limit - 1;
    while (last > sections[k].line && lines[last].trim() === '') last--;
    const end = lines[last].trimEnd().length;
    sections[k].range = { start: sections[k].headingRange.start, end: { line: last, character: Math.max(end, last === 0 ? bom : 0) } };
  }
}
