// The side view (activity bar): a compact summary of the latest circuit, a small separation chart
// and the latest sweep curve, with a way into the full panel.
import { assertNever } from '../src/webviewProtocol';
import { applyTheme } from './chartSetup';
import type { App } from './panel';
import { clearResults, initialState, NO_RESULT_NOTE, shownResult, STALE_NOTE, summarize, toAttributionView, type PersistedState } from './state';
import { readPalette } from './theme';
import { button } from './toolkit';
import { loadState, post, saveState } from './vscodeApi';
import { renderSeparation, type Rendered } from './views/separation';
import { note, renderSweep } from './views/sweep';

export function startSide(root: HTMLElement): App {
  const state: PersistedState = loadState() ?? initialState();
  let palette = readPalette();
  applyTheme(palette);

  const summary = document.createElement('section');
  summary.className = 'side-summary';
  const sepHeading = heading('Separation');
  const sepHost = document.createElement('div');
  sepHost.className = 'charts compact';
  const sweepHeading = heading('Latest sweep');
  const sweepHost = document.createElement('div');
  sweepHost.className = 'charts compact';
  const open = button('Open charts', () => post({ type: 'openPanel' }), 'secondary');
  open.classList.add('open-panel');
  root.replaceChildren(summary, sepHeading, sepHost, sweepHeading, sweepHost, open);
  root.classList.add('side');

  let charts: Rendered[] = [];

  function render(start: number): void {
    for (const c of charts) c.destroy();
    charts = [];
    renderSummary();
    const a = state.attribution;
    if (a) charts.push(renderSeparation(sepHost, a, palette, { logScale: false, compact: true }));
    else sepHost.replaceChildren(note('No circuit yet.'));
    if (state.sweep) charts.push(renderSweep(sweepHost, state.sweep, palette, { compact: true }));
    else sweepHost.replaceChildren(note('No sweep yet.'));
    post({ type: 'rendered', view: 'side', summary: summarize(state), ms: performance.now() - start, ...shownResult(state) });
  }

  function renderSummary(): void {
    summary.replaceChildren();
    const a = state.attribution;
    if (!a) {
      summary.appendChild(note(state.note ?? NO_RESULT_NOTE));
      return;
    }
    if (state.stale) summary.appendChild(note(STALE_NOTE)).classList.add('stale-note');
    const s = summarize(state);
    const rows: [string, string][] = [
      ...(a.source ? [['File', a.source] as [string, string]] : []),
      ['Feature', a.feature],
      ['Model', a.model.path.split(/[\\/]/).filter(Boolean).pop() ?? a.model.path],
      ['k', `${a.k.toLocaleString('en-US')}${a.top ? ` (--top ${a.top})` : ''}`],
      ['Neurons', `${s.neurons.toLocaleString('en-US')} in ${s.layers} layers`],
      ['Universal', a.universalFilter === false ? 'filter off' : `${s.universal} filtered out`],
      ...(a.formatting ? [['Formatting', a.formatting] as [string, string]] : []),
    ];
    const counts = new Map<number, number>();
    for (const n of a.neurons) counts.set(n.layer, (counts.get(n.layer) ?? 0) + 1);
    const perLayer = [...counts.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([l, c]) => `L${l}: ${c}`)
      .join(', ');
    rows.push(['Per layer', perLayer || 'none']);
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    summary.appendChild(dl);
  }

  render(performance.now());

  return {
    receive(message) {
      const start = performance.now();
      switch (message.type) {
        case 'attribution':
          state.attribution = toAttributionView(message.result);
          state.stale = false;
          state.note = undefined;
          break;
        case 'sweep':
          state.sweep = message.result;
          break;
        case 'stale':
          state.stale = message.stale;
          break;
        case 'clear':
          clearResults(state, message.note);
          break;
        case 'playground':
        case 'highlightPair':
        case 'showView':
        case 'neuron':
        case 'pairActivity':
        case 'compare':
          return; // Panel-only messages.
        default:
          assertNever(message);
      }
      saveState(state);
      render(start);
    },
    rerender() {
      palette = readPalette();
      applyTheme(palette);
      render(performance.now());
    },
  };
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}
