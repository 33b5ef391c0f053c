// The neuron page: the tokens a neuron promotes and suppresses (from the weights), its activation on the
// file's prompts (histogram, most and least separating pairs, density, correlations), and the effect of
// ablating it alone. Every list is made of buttons, so the page works from the keyboard.
import type { NeuronRef, NeuronPageState } from '../../src/webviewProtocol';
import { axis, Chart } from '../chartSetup';
import { withAlpha, type Palette } from '../theme';
import { note } from './sweep';

export interface NeuronViewOptions {
  /** The circuit to choose from (best first). */
  circuit: readonly (NeuronRef & { delta: number })[];
  onOpen(n: NeuronRef): void;
  onRevealPair(line: number): void;
}

export interface NeuronView {
  destroy(): void;
  /** Texts drawn, read back from the page (for the host's tests). */
  shown: Record<string, string>;
}

const fmt = (x: number, digits = 3) => (Number.isNaN(x) ? '-' : x !== 0 && Math.abs(x) < 10 ** -digits ? x.toExponential(1) : x.toFixed(digits));
const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${fmt(x, digits)}`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function section(title: string): { box: HTMLElement; body: HTMLElement } {
  const box = el('section', 'neuron-section');
  const body = el('div');
  box.append(el('h3', undefined, title), body);
  return { box, body };
}

export function renderNeuron(host: HTMLElement, state: NeuronPageState | undefined, p: Palette, o: NeuronViewOptions): NeuronView {
  host.replaceChildren();
  const charts: Chart[] = [];
  const shown: Record<string, string> = {};
  const layout = el('div', 'neuron-layout');
  const list = el('nav', 'neuron-list');
  list.setAttribute('aria-label', 'circuit neurons');
  list.append(el('h3', undefined, `Circuit (${o.circuit.length})`));
  const open = state?.page?.neuron ?? state?.pending;
  for (const n of o.circuit.slice(0, 200)) {
    const b = el('button', 'neuron-item', `${n.layer}:${n.index}`);
    b.title = `neuron ${n.layer}:${n.index}, delta ${fmt(n.delta)}`;
    b.dataset.neuron = `${n.layer}:${n.index}`;
    if (open && open.layer === n.layer && open.index === n.index) b.setAttribute('aria-current', 'true');
    b.append(el('span', n.delta >= 0 ? 'delta pos' : 'delta neg', signed(n.delta, 2)));
    b.addEventListener('click', () => o.onOpen({ layer: n.layer, index: n.index }));
    list.append(b);
  }
  const main = el('div', 'neuron-main');
  layout.append(list, main);
  host.append(layout);
  const destroy = () => charts.forEach((c) => c.destroy());

  if (!state || (!state.page && !state.pending && !state.error)) {
    main.append(note('Click a circuit neuron here or in the Separation chart to see what it does.'));
    return { destroy, shown };
  }
  if (state.error) {
    main.append(note(state.error));
    shown.error = state.error;
    return { destroy, shown };
  }
  if (!state.page) {
    main.append(note(`Computing neuron ${state.pending?.layer}:${state.pending?.index}…`));
    shown.pending = `${state.pending?.layer}:${state.pending?.index}`;
    return { destroy, shown };
  }
  const page = state.page;
  const title = el('h2', 'neuron-title', `Neuron ${page.id}`);
  const sub = el('div', 'meta', page.circuit ? `rank ${page.circuit.rank} of ${page.circuit.size} in the circuit, Δ ${signed(page.circuit.delta)}` : 'not in the circuit');
  main.append(title, sub);
  shown.neuron = page.id;
  shown.rank = sub.textContent ?? '';

  // Vocabulary.
  const vocab = section('What it writes (logit change per unit of activation, W_U · (g ⊙ W_down[:, i]))');
  const cols = el('div', 'token-columns');
  for (const [name, tokens] of [
    ['promoted', page.promoted],
    ['suppressed', page.suppressed],
  ] as const) {
    const col = el('div', `token-column ${name}`);
    col.append(el('h4', undefined, name));
    const ol = el('ol', 'tokens');
    for (const t of tokens.slice(0, 12)) {
      const li = el('li');
      li.append(el('code', 'token', JSON.stringify(t.token)), el('span', 'score', signed(t.score)));
      ol.append(li);
    }
    col.append(ol);
    cols.append(col);
    const first = ol.querySelector('li');
    shown[name] = first ? (first.textContent ?? '') : '';
  }
  vocab.body.append(cols);
  main.append(vocab.box);

  const a = page.activity;
  if (a) {
    const act = section(`Activation at the last token on ${a.prompts} prompts`);
    const stats = el('div', 'neuron-stats');
    const density = el('span', 'density', `density ${(a.density * 100).toFixed(1)}%`);
    density.title = a.densityDefinition;
    stats.append(el('span', undefined, `mean + ${fmt(a.meanPositive)}`), el('span', undefined, `mean − ${fmt(a.meanNegative)}`), density);
    act.body.append(stats, el('p', 'hint', `Density: ${a.densityDefinition}.`));
    shown.density = density.textContent ?? '';
    const box = el('div', 'chart-box histogram');
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `histogram of the neuron's activation on ${a.prompts / 2} positive and ${a.prompts / 2} negative prompts`);
    box.append(canvas);
    act.body.append(box);
    const h = a.histogram;
    const labels = h.positive.map((_, b) => fmt((h.edges[b] + h.edges[b + 1]) / 2, 2));
    charts.push(
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: 'positive prompts', data: h.positive, backgroundColor: withAlpha(p.red, 0.7) },
            { label: 'negative prompts', data: h.negative, backgroundColor: withAlpha(p.blue, 0.7) },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { ...axis(p, 'activation') }, y: { ...axis(p, 'prompts'), beginAtZero: true, ticks: { ...axis(p).ticks, precision: 0 } } },
        },
      }),
    );
    main.append(act.box);

    const pairs = section('Pairs where it separates most and least (click to reveal)');
    const pairList = (rows: typeof a.pairs, cls: string) => {
      const ul = el('ul', `pair-list ${cls}`);
      for (const r of rows) {
        const li = el('li');
        const b = el('button', 'pair-item', `line ${r.line + 1}`);
        b.title = `+ ${r.positiveText}\n- ${r.negativeText}`;
        b.addEventListener('click', () => o.onRevealPair(r.line + 1));
        li.append(b, el('span', 'score', `${fmt(r.positive)} vs ${fmt(r.negative)} (${signed(r.separation)})`), el('span', 'pair-text', r.positiveText));
        ul.append(li);
      }
      return ul;
    };
    pairs.body.append(el('h4', undefined, 'most'), pairList(a.pairs.slice(0, 5), 'most'), el('h4', undefined, 'least'), pairList(a.pairs.slice(-5).reverse(), 'least'));
    shown.mostSeparating = a.pairs[0] ? `line ${a.pairs[0].line + 1}` : '';
    main.append(pairs.box);

    if (a.correlations.length > 0) {
      const corr = section('Correlation with other circuit neurons (all prompts)');
      const ul = el('ul', 'correlations');
      for (const c of a.correlations.slice(0, 10)) {
        const li = el('li');
        const b = el('button', 'neuron-link', `${c.layer}:${c.index}`);
        b.addEventListener('click', () => o.onOpen({ layer: c.layer, index: c.index }));
        li.append(b, el('span', 'score', `r ${signed(c.r, 2)}`));
        ul.append(li);
      }
      corr.body.append(ul);
      main.append(corr.box);
    }
  }
  const x = page.ablation;
  if (x) {
    const abl = section(`Ablating it alone (multiplier 0) on ${x.prompts} positive prompts`);
    const kl = el('span', 'kl', `first-token KL ${fmt(x.kl, 4)} nats`);
    const mass = el('span', 'mass', `refusal-token mass ${fmt(x.refusalMassBefore)} → ${fmt(x.refusalMassAfter)} (${signed(x.refusalMassChange, 4)})`);
    mass.title = `Probability of a first token that starts a refusal opener (${x.refusalOpeners.join(', ')}).`;
    abl.body.append(el('div', 'neuron-stats', undefined));
    (abl.body.firstChild as HTMLElement).append(kl, mass);
    shown.kl = kl.textContent ?? '';
    shown.refusalMass = mass.textContent ?? '';
    main.append(abl.box);
  }
  return { destroy, shown };
}
