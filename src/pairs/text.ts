/** Text measures the lint rules share: word counts and normal forms. */

/** Words separated by white space: the length measure when no tokenizer is known. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/** Case and white space do not make two prompts different. */
export function normalise(text: string): string {
  const lower = text.toLowerCase();
  // Most prompts are single-spaced already: skip the replace when there is nothing to collapse.
  return /\s\s|[^\S ]|^\s|\s$/.test(lower) ? lower.replace(/\s+/g, ' ').trim() : lower;
}
