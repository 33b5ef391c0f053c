// Circuit activity of one pair, positive and negative side by side: each token tinted by its circuit score
// (red toward the positive side, blue toward the negative), focusable, with its top neurons in its label
// and one click away (Enter opens the strongest neuron's page).
import type { NeuronRef, PairActivityState, PromptActivityView } from '../../src/webviewProtocol';
import { withAlpha, type Palette } from '../theme';
import { note } from './sweep';

export interface ActivityViewOptions {
  /** 1-based lines of the pairs' `+` prompts, in file order (to step through them). */
  lines: readonly number[];
  onShow(line: number): void;
  onOpen(n: NeuronRef): void;
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

export function renderActivity(host: HTMLElement, state: PairActivityState | undefined, p: Palette, o: ActivityViewOptions): Record<string, string> {
  host.replaceChildren();
  const shown: Record<string, string> = {};
  const bar = document.createElement('div');
  bar.className = 'toolbar';
  const at = state?.line !== undefined ? o.lines.indexOf(state.line) : -1;
  const step = (d: number) => {
    const next = o.lines[Math.min(o.lines.length - 1, Math.max(0, (at < 0 ? 0 : at) + d))];
    if (next !== undefined) o.onShow(next);
  };
  for (const [label, d] of [
    ['◀ Previous pair', -1],
    ['Next pair ▶', 1],
  ] as const) {
    const b = document.createElement('button');
    b.className = 'step';
    b.textContent = label;
    b.disabled = o.lines.length === 0;
    b.addEventListener('click', () => step(at < 0 && d > 0 ? 0 : d));
    bar.append(b);
  }
  const where = document.createElement('span');
  where.className = 'hint';
  where.textContent = state?.line !== undefined ? `pair on line ${state.line}` : 'Click a bar in the Pairs tab, or step through the pairs.';
  bar.append(where);
  host.append(bar);
  if (!state || state.line === undefined) return shown;
  if (state.error) {
    host.append(note(state.error));
    shown.error = state.error;
    return shown;
  }
  if (state.pending || !state.positive || !state.negative) {
    host.append(note('Computing the circuit at every token…'));
    shown.pending = String(state.line);
    return shown;
  }
  const cols = document.createElement('div');
  cols.className = 'activity-columns';
  let count = 0;
  for (const [side, prompt] of [
    ['positive', state.positive],
    ['negative', state.negative],
  ] as const) {
    const col = document.createElement('div');
    col.className = `activity-column ${side}`;
    const h = document.createElement('h3');
    h.textContent = side === 'positive' ? '+ positive' : '− negative';
    col.append(h, tokensOf(prompt, p, o));
    cols.append(col);
    count += prompt.tokens.length;
    shown[side] = prompt.tokens.map((t) => t.text).join('');
  }
  host.append(cols);
  if (state.definition) {
    const d = document.createElement('p');
    d.className = 'hint';
    d.textContent = `Score per token: ${state.definition}.`;
    host.append(d);
  }
  shown.tokens = String(count);
  return shown;
}

function tokensOf(prompt: PromptActivityView, p: Palette, o: ActivityViewOptions): HTMLElement {
  const box = document.createElement('div');
  box.className = 'activity-text';
  for (const t of prompt.tokens) {
    const span = document.createElement('span');
    span.className = 'activity-token';
    span.textContent = t.text;
    span.tabIndex = 0;
    const strength = Math.min(1, Math.abs(t.score));
    if (strength >= 0.05) span.style.backgroundColor = withAlpha(t.score > 0 ? p.red : p.blue, 0.15 + 0.55 * strength);
    const top = t.top.map((n) => `${n.layer}:${n.index} z ${signed(n.z)}`).join(', ');
    span.title = `score ${signed(t.score)}; top neurons ${top}`;
    span.setAttribute('aria-label', `${t.text.trim() || 'space'}: score ${signed(t.score)}; top neurons ${top}`);
    const openTop = () => t.top[0] && o.onOpen({ layer: t.top[0].layer, index: t.top[0].index });
    span.addEventListener('click', openTop);
    span.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') openTop();
    });
    box.append(span);
  }
  return box;
}
