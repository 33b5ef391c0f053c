// (b) Refusal rate against the multiplier, with quality and KL on a second axis; the random-neuron
// control is dashed. Clicking a point lists that multiplier's sample answers below the chart.
import type { ChartDataset, Plugin } from 'chart.js';
import type { ChartSweepPoint, SweepChart } from '../../src/webviewProtocol';
import { axis, Chart } from '../chartSetup';
import { withAlpha, type Palette } from '../theme';
import type { Rendered } from './separation';

export interface SweepOptions {
  compact: boolean;
  selected?: number;
  onSelect?: (multiplier: number) => void;
}

type XY = { x: number; y: number };

function series(points: ChartSweepPoint[], pick: (p: ChartSweepPoint) => number): XY[] {
  return [...points].sort((a, b) => a.multiplier - b.multiplier).map((p) => ({ x: p.multiplier, y: pick(p) }));
}

/** A dashed vertical rule at m = 1, the unchanged model, and a softer one at the selected multiplier. */
function markers(p: Palette, selected: number | undefined, compact: boolean): Plugin<'line'> {
  return {
    id: 'cnaSweepMarkers',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      // Labels sit just above the plot area, where no curve can cover them.
      const rule = (m: number, color: string, label: string, dash: number[]): void => {
        const x = scales.x.getPixelForValue(m);
        if (x < chartArea.left || x > chartArea.right) return;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.setLineDash(dash);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        if (!compact) {
          ctx.fillStyle = color;
          ctx.font = `${Math.max(10, p.fontSize - 3)}px ${p.fontFamily}`;
          ctx.textAlign = 'center';
          ctx.fillText(label, x, chartArea.top - 5);
        }
        ctx.restore();
      };
      rule(1, p.muted, 'm = 1 (unsteered)', [2, 3]);
      if (selected !== undefined && selected !== 1) rule(selected, withAlpha(p.accent, 0.8), `m = ${selected}`, []);
    },
  };
}

export function renderSweep(host: HTMLElement, s: SweepChart, p: Palette, o: SweepOptions): Rendered {
  host.replaceChildren();
  const box = document.createElement('div');
  box.className = 'chart-box sweep';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `refusal rate, quality and KL at ${s.points.length} multipliers`);
  box.appendChild(canvas);
  host.appendChild(box);

  const hc = p.kind === 'high-contrast';
  const width = hc ? 2.5 : 2;
  const line = (label: string, data: XY[], color: string, yAxisID: string, dashed: boolean, hidden = false): ChartDataset<'line', XY[]> => ({
    label,
    data,
    yAxisID,
    hidden,
    borderColor: color,
    backgroundColor: color,
    borderWidth: dashed ? width - 0.5 : width,
    borderDash: dashed ? [6, 4] : undefined,
    pointRadius: o.compact ? 2 : dashed ? 2.5 : 3.5,
    pointHoverRadius: 6,
    pointStyle: dashed ? 'rect' : 'circle',
    tension: 0,
  });
  const datasets: ChartDataset<'line', XY[]>[] = [
    line(
      'refusal',
      series(s.points, (q) => q.refusalRate * 100),
      p.red,
      'y',
      false,
    ),
  ];
  // A collapsed point (one repeated text, empty or stalled answers) is drawn as a cross: its refusal is no success.
  const collapsedAt = new Set(s.points.filter((q) => q.collapsed).map((q) => q.multiplier));
  if (collapsedAt.size > 0) {
    datasets[0].pointStyle = (c) => (collapsedAt.has((c.raw as XY | undefined)?.x ?? NaN) ? 'crossRot' : 'circle');
    datasets[0].pointRadius = (c) => (collapsedAt.has((c.raw as XY | undefined)?.x ?? NaN) ? 7 : o.compact ? 2 : 3.5);
    datasets[0].label = 'refusal (x = collapsed answers)';
  }
  const withCapability = s.points.filter((q) => q.capability !== undefined);
  if (withCapability.length > 0)
    datasets.push(
      line(
        'MMLU accuracy',
        series(withCapability, (q) => q.capability! * 100),
        p.blue,
        'y',
        false,
      ),
    );
  const chance = withCapability.find((q) => q.capabilityChance !== undefined)?.capabilityChance;
  if (chance !== undefined && !o.compact) {
    const xs = s.points.map((q) => q.multiplier);
    const guess = line(
      'MMLU chance',
      [Math.min(...xs), Math.max(...xs)].map((x) => ({ x, y: chance * 100 })),
      withAlpha(p.blue, 0.6),
      'y',
      true,
    );
    guess.borderDash = [2, 3];
    guess.pointRadius = 0;
    datasets.push(guess);
  }
  const withBenign = s.points.filter((q) => q.overRefusal !== undefined);
  if (withBenign.length > 0) {
    const benign = line(
      'over-refusal (benign)',
      series(withBenign, (q) => q.overRefusal! * 100),
      p.orange,
      'y',
      false,
    );
    // Measured at some multipliers only (reproduce: m = 0 and 1): points, not a line that invents the rest.
    if (withBenign.length < s.points.length) benign.showLine = false;
    datasets.push(benign);
  }
  if (s.control.length)
    datasets.push(
      line(
        'refusal, random control',
        series(s.control, (q) => q.refusalRate * 100),
        p.red,
        'y',
        true,
      ),
    );
  if (!o.compact) {
    datasets.push(
      line(
        'quality',
        series(s.points, (q) => q.quality),
        p.green,
        'y2',
        false,
      ),
    );
    datasets.push(
      line(
        'KL (benign)',
        series(s.points, (q) => q.kl),
        p.purple,
        'y2',
        false,
      ),
    );
    if (s.control.length) {
      datasets.push(
        line(
          'quality, control',
          series(s.control, (q) => q.quality),
          p.green,
          'y2',
          true,
          true,
        ),
      );
      datasets.push(
        line(
          'KL, control',
          series(s.control, (q) => q.kl),
          p.purple,
          'y2',
          true,
          true,
        ),
      );
    }
  }
  const maxKl = Math.max(0, ...s.points.map((q) => q.kl), ...s.control.map((q) => q.kl));
  const multipliers = [...new Set(s.points.map((q) => q.multiplier))].sort((a, b) => a - b);
  const nAt = new Map(s.points.map((q) => [q.multiplier, q.n]));

  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      normalized: true,
      animation: false,
      layout: { padding: { top: o.compact ? 4 : 16, right: 4 } },
      interaction: { mode: 'index', intersect: false },
      onClick(_e, elements) {
        const el = elements[0];
        if (!el || !o.onSelect) return;
        const raw = datasets[el.datasetIndex].data[el.index];
        o.onSelect(raw.x);
      },
      scales: {
        x: {
          type: 'linear',
          ...axis(p, o.compact ? undefined : 'multiplier m  (0 ablates, 1 unchanged, >1 amplifies)'),
          // Full view: a tick at every measured multiplier, printed exactly (0.25, not 0.3).
          afterBuildTicks:
            !o.compact && multipliers.length <= 12
              ? (scale) => {
                  scale.ticks = multipliers.map((value) => ({ value }));
                }
              : undefined,
          ticks: { ...axis(p).ticks, maxTicksLimit: o.compact ? 6 : undefined, callback: (v) => String(Number(v)) },
        },
        y: {
          type: 'linear',
          min: 0,
          max: 100,
          position: 'left',
          ...axis(p, o.compact ? undefined : withCapability.length > 0 ? 'refusal · MMLU accuracy (%)' : 'refusal rate (%)'),
          ticks: { ...axis(p).ticks, callback: (v) => `${v}%`, maxTicksLimit: o.compact ? 3 : 6 },
        },
        y2: {
          type: 'linear',
          min: 0,
          max: Math.max(1, Math.ceil(maxKl * 10) / 10),
          position: 'right',
          display: !o.compact,
          ...axis(p, 'quality (0–1) · KL (nats)'),
          grid: { drawOnChartArea: false },
        },
      },
      plugins: {
        legend: {
          display: true,
          position: o.compact ? 'bottom' : 'top',
          align: o.compact ? 'center' : 'end',
          labels: { usePointStyle: true, boxHeight: 8, font: { size: o.compact ? 10 : undefined } },
        },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? `m = ${items[0].parsed.x}  (n = ${nAt.get(items[0].parsed.x ?? NaN) ?? '?'})` : ''),
            label: (item) => {
              const v = item.parsed.y ?? 0;
              const flag = item.datasetIndex === 0 && collapsedAt.has(item.parsed.x ?? NaN) ? ' (answers collapsed: not success)' : '';
              return item.dataset.yAxisID === 'y' ? `${item.dataset.label}: ${v.toFixed(1)}%${flag}` : `${item.dataset.label}: ${v.toFixed(3)}`;
            },
          },
        },
      },
    },
    plugins: [markers(p, o.selected, o.compact)],
  });
  return { drawn: datasets.reduce((n, d) => n + d.data.length, 0), destroy: () => chart.destroy() };
}

/** The answers behind one point of the curve. */
export function renderSamples(host: HTMLElement, s: SweepChart, multiplier: number | undefined): void {
  host.replaceChildren();
  const ms = [...new Set(s.samples.map((x) => x.multiplier))].sort((a, b) => a - b);
  if (!s.samples.length) {
    host.appendChild(note('No sample answers in this sweep.'));
    return;
  }
  const m = multiplier !== undefined && ms.includes(multiplier) ? multiplier : ms.includes(0) ? 0 : ms[0];
  const heading = document.createElement('h3');
  heading.textContent = `Sample answers at m = ${m}`;
  const hint = document.createElement('span');
  hint.className = 'hint';
  hint.textContent = ' (click a point of the curve to pick another multiplier)';
  heading.appendChild(hint);
  host.appendChild(heading);
  const list = document.createElement('div');
  list.className = 'samples';
  for (const x of s.samples.filter((y) => y.multiplier === m).slice(0, 20)) {
    const row = document.createElement('div');
    row.className = `sample${x.refused ? ' refused' : ''}`;
    const prompt = document.createElement('div');
    prompt.className = 'sample-prompt';
    prompt.textContent = `${x.control ? '[control] ' : ''}${x.prompt}`;
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = x.refused ? 'refused' : 'answered';
    prompt.prepend(tag);
    const answer = document.createElement('div');
    answer.className = 'sample-answer';
    answer.textContent = x.completion.length > 400 ? `${x.completion.slice(0, 400)}…` : x.completion || '(empty answer)';
    row.append(prompt, answer);
    list.appendChild(row);
  }
  host.appendChild(list);
}

export function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = text;
  return p;
}
