/**
 * The reproduce report's Markdown as HTML, for the self-contained HTML report: exactly the subset the report
 * writer uses (headings, paragraphs, pipe tables, `-` lists, **bold**, `code`, backslash escapes). Pure.
 */

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Inline Markdown: backslash escapes, `code`, **bold**. */
export function inlineHtml(text: string): string {
  const escaped: string[] = [];
  const held = text.replace(/\\([\\`*_[\]<>|])/g, (_, c: string) => `\u0000${escaped.push(c) - 1}\u0000`);
  return escapeHtml(held)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => escapeHtml(escaped[Number(i)]));
}

/** Splits a table row on unescaped pipes. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = '';
  const body = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      cell += body[i] + body[i + 1];
      i++;
    } else if (body[i] === '|') {
      out.push(cell.trim());
      cell = '';
    } else {
      cell += body[i];
    }
  }
  out.push(cell.trim());
  return out;
}

/** Block-level conversion; `afterHeading` may add HTML after a heading (the report puts charts there). */
export function markdownToHtml(markdown: string, afterHeading?: (text: string, level: number) => string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${inlineHtml(heading[2])}</h${level}>`, afterHeading?.(heading[2], level) ?? '');
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      const [head, , ...body] = rows;
      out.push(
        '<table>',
        `<thead><tr>${cells(head)
          .map((c) => `<th>${inlineHtml(c)}</th>`)
          .join('')}</tr></thead>`,
        `<tbody>${body
          .map(
            (r) =>
              `<tr>${cells(r)
                .map((c) => `<td>${inlineHtml(c)}</td>`)
                .join('')}</tr>`,
          )
          .join('')}</tbody>`,
        '</table>',
      );
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && lines[i].startsWith('- ')) items.push(lines[i++].slice(2));
      out.push(`<ul>${items.map((t) => `<li>${inlineHtml(t)}</li>`).join('')}</ul>`);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !/^(#{1,6} |\||- )/.test(lines[i])) para.push(lines[i++]);
      out.push(`<p>${para.map(inlineHtml).join('<br>')}</p>`);
    }
  }
  return out.filter((s) => s !== '').join('\n');
}
