// Two circuits compared: per layer, the neurons both share and those only one has (stacked bars), and the
// shared neurons' deltas in A against B (points on the diagonal rank alike), with the overlap and the rank
// correlation in words.
import type { CompareState } from '../../src/webviewProtocol';
import { axis, Chart } from '../chartSetup';
import { withAlpha, type Palette } from '../theme';
import { note } from './sweep';

export interface CompareView {
  destroy(): void;
  shown: Record<string, string>;
}

const name = (file: string) => file.split(/[\\/]/).pop() ?? file;
const num = (x: number | null, d = 3) => (x === null ? '-' : x.toFixed(d));

export function renderCompare(host: HTMLElement, state: CompareState | undefined, p: Palette): CompareView {
  host.replaceChildren();
  const charts: Chart[] = [];
  const shown: Record<string, string> = {};
  const destroy = () => charts.forEach((c) => c.destroy());
  if (!state) {
    host.append(note('Run “CNA: Compare Circuits” and pick two circuit files (for example a base and an instruct model’s, or two pair files’ on one model).'));
    return { destroy, shown };
  }
  const c = state.comparison;
  const summary = document.createElement('p');
  summary.className = 'compare-summary';
  summary.textContent =
    `A: ${name(state.a)} (${c.sizeA}) · B: ${name(state.b)} (${c.sizeB}) · shared ${c.shared}, Jaccard ${num(c.jaccard)} · ` +
    `Spearman of the shared deltas ${num(c.rankCorrelation)} · same sign ${c.signAgreement === null ? '-' : `${Math.round(c.signAgreement * 100)}%`}`;
  shown.summary = summary.textContent;
  host.append(summary);
  for (const n of state.notes) host.append(note(n));

  const bars = document.createElement('div');
  bars.className = 'chart-box compare-layers';
  const barCanvas = document.createElement('canvas');
  barCanvas.setAttribute('role', 'img');
  barCanvas.setAttribute('aria-label', `neurons per layer: ${c.layers.map((l) => `layer ${l.layer}: ${l.shared} shared, ${l.onlyA} only in A, ${l.onlyB} only in B`).join('; ')}`);
  bars.append(barCanvas);
  const scatter = document.createElement('div');
  scatter.className = 'chart-box compare-deltas';
  const scatterCanvas = document.createElement('canvas');
  scatterCanvas.setAttribute('role', 'img');
  scatterCanvas.setAttribute('aria-label', `delta in A against delta in B for the ${c.shared} shared neurons`);
  scatter.append(scatterCanvas);
  host.append(bars, scatter);
  charts.push(
    new Chart(barCanvas, {
      type: 'bar',
      data: {
        labels: c.layers.map((l) => String(l.layer)),
        datasets: [
          { label: 'shared', data: c.layers.map((l) => l.shared), backgroundColor: withAlpha(p.foreground, 0.55) },
          { label: `only A (${name(state.a)})`, data: c.layers.map((l) => l.onlyA), backgroundColor: withAlpha(p.red, 0.75) },
          { label: `only B (${name(state.b)})`, data: c.layers.map((l) => l.onlyB), backgroundColor: withAlpha(p.blue, 0.75) },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { ...axis(p, 'layer'), stacked: true }, y: { ...axis(p, 'neurons'), stacked: true, beginAtZero: true } },
      },
    }),
  );
  charts.push(
    new Chart(scatterCanvas, {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'shared neurons (Δ in A, Δ in B)',
            data: c.sharedNeurons.map((n) => ({ x: n.deltaA, y: n.deltaB, layer: n.layer, index: n.index })),
            backgroundColor: withAlpha(p.yellow, 0.8),
            pointRadius: 3,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { ...axis(p, 'Δ in A'), type: 'linear' }, y: { ...axis(p, 'Δ in B') } },
      },
    }),
  );
  shown.layers = String(c.layers.length);
  shown.points = String(c.sharedNeurons.length);
  return { destroy, shown };
}
