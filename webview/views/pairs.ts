// (c) How much each pair contributes to the circuit, with the leave-one-out overlap as points on a
// second axis. Linked both ways with the editor: clicking a bar asks the host to reveal the pair's
// line; the host highlights a bar when the cursor moves to a pair.
import type { ActiveElement, ChartEvent } from 'chart.js';
import type { ChartPair } from '../../src/webviewProtocol';
import { axis, Chart } from '../chartSetup';
import { withAlpha, type Palette } from '../theme';

export interface PairsOptions {
  order: 'file' | 'contribution';
  highlighted?: number;
  onReveal(line: number): void;
}

export interface PairsChart {
  destroy(): void;
  highlight(line: number | undefined): void;
}

export function orderPairs(pairs: readonly ChartPair[], order: PairsOptions['order']): ChartPair[] {
  return [...pairs].sort(order === 'file' ? (a, b) => a.line - b.line : (a, b) => b.contribution - a.contribution || a.line - b.line);
}

export function renderPairs(host: HTMLElement, pairs: readonly ChartPair[], p: Palette, o: PairsOptions): PairsChart {
  host.replaceChildren();
  const box = document.createElement('div');
  box.className = 'chart-box pairs';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `contribution of ${pairs.length} pairs; click a bar to reveal its line`);
  box.appendChild(canvas);
  const detail = document.createElement('div');
  detail.className = 'pair-detail';
  host.append(box, detail);

  const hc = p.kind === 'high-contrast';
  const sorted = orderPairs(pairs, o.order);
  let highlighted = o.highlighted;
  const fill = (q: ChartPair): string => (q.line === highlighted ? p.yellow : withAlpha(q.contribution >= 0 ? p.blue : p.orange, 0.8));
  const edge = (q: ChartPair): string => (q.line === highlighted ? p.foreground : hc ? p.foreground : 'transparent');

  const chart = new Chart(canvas, {
    data: {
      labels: sorted.map((q) => String(q.line)),
      datasets: [
        {
          type: 'bar',
          label: 'contribution',
          yAxisID: 'y',
          order: 2,
          data: sorted.map((q, i) => ({ x: i, y: q.contribution })),
          backgroundColor: sorted.map(fill),
          borderColor: sorted.map(edge),
          borderWidth: sorted.map((q) => (q.line === highlighted ? 2 : hc ? 1 : 0)),
          categoryPercentage: 0.9,
          barPercentage: 0.9,
        },
        {
          type: 'line',
          label: 'overlap when left out',
          yAxisID: 'y2',
          order: 1,
          data: sorted.map((q, i) => ({ x: i, y: q.leaveOneOutOverlap })),
          showLine: false,
          pointRadius: sorted.length > 80 ? 1.5 : 3,
          pointStyle: 'rectRot',
          backgroundColor: p.purple,
          borderColor: p.purple,
        },
      ],
    },
    options: {
      parsing: false,
      normalized: true,
      animation: false,
      layout: { padding: { top: 4, right: 4 } },
      interaction: { mode: 'index', intersect: false },
      onHover(e: ChartEvent, elements: ActiveElement[]) {
        const target = e.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = elements.length ? 'pointer' : 'default';
      },
      onClick(_e: ChartEvent, elements: ActiveElement[]) {
        const el = elements[0];
        if (!el) return;
        const q = sorted[el.index];
        setHighlight(q.line);
        o.onReveal(q.line);
      },
      scales: {
        x: {
          type: 'category',
          ...axis(p, `pair (line in file)${o.order === 'contribution' ? ', largest contribution first' : ''}`),
          grid: { display: false },
          ticks: { ...axis(p).ticks, autoSkip: true, maxRotation: 0 },
        },
        y: { type: 'linear', ...axis(p, 'contribution to the circuit') },
        y2: { type: 'linear', min: 0, max: 1, position: 'right', ...axis(p, 'leave-one-out overlap'), grid: { drawOnChartArea: false } },
      },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { usePointStyle: true, boxHeight: 8, sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) } },
        tooltip: {
          callbacks: {
            title: (items) => {
              const q = items.length ? sorted[items[0].dataIndex] : undefined;
              return q ? `line ${q.line}${q.label ? `: ${q.label}` : ''}` : '';
            },
            label: (item) => `${item.dataset.label}: ${(item.parsed.y ?? 0).toFixed(3)}`,
          },
        },
      },
    },
  });

  function describe(): void {
    const q = sorted.find((x) => x.line === highlighted);
    detail.textContent = q
      ? `Line ${q.line}${q.label ? ` — ${q.label}` : ''}: contribution ${q.contribution.toFixed(3)}, overlap when left out ${q.leaveOneOutOverlap.toFixed(3)}`
      : 'Click a bar to reveal its pair in the editor.';
  }

  function setHighlight(line: number | undefined): void {
    highlighted = line;
    const bars = chart.data.datasets[0];
    bars.backgroundColor = sorted.map(fill);
    bars.borderColor = sorted.map(edge);
    bars.borderWidth = sorted.map((q) => (q.line === highlighted ? 2 : hc ? 1 : 0));
    chart.update('none');
    describe();
  }

  describe();
  return { destroy: () => chart.destroy(), highlight: setHighlight };
}
