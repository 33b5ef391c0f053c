// (a) Neuron separation: |delta| of every neuron by layer. Each layer is a band on the x axis; a
// neuron's place inside the band is its index, so the scatter is deterministic. Circuit neurons
// stand out by colour (sign of delta), universal neurons are grey, and a bar chart below counts
// the circuit per layer.
import type { Plugin, TooltipItem } from 'chart.js';
import { axis, Chart } from '../chartSetup';
import type { AttributionView } from '../state';
import { withAlpha, type Palette } from '../theme';

const BAND = 0.8;

interface NeuronPoint {
  x: number;
  y: number;
  layer: number;
  index: number;
  /** Last index of an envelope bucket; absent for single neurons. */
  to?: number;
  delta?: number;
}

export interface SeparationOptions {
  logScale: boolean;
  compact: boolean;
  /** A click on a circuit neuron (opens its page). */
  onNeuron?: (n: { layer: number; index: number }) => void;
}

export interface Rendered {
  destroy(): void;
  /** Points handed to Chart.js, for reporting. */
  drawn: number;
}

function xOf(layer: number, index: number, size: number): number {
  return layer - BAND / 2 + (BAND * (index + 0.5)) / size;
}

function byX(a: NeuronPoint, b: NeuronPoint): number {
  return a.x - b.x;
}

/** Layers to show: those measured, else 0..model.layers-1. */
function layerList(a: AttributionView): number[] {
  if (a.layerMagnitudes.length) return a.layerMagnitudes.map((l) => l.layer).sort((x, y) => x - y);
  return Array.from({ length: a.model.layers }, (_, i) => i);
}

export function separationPoints(a: AttributionView): {
  others: NeuronPoint[];
  positive: NeuronPoint[];
  negative: NeuronPoint[];
  universal: NeuronPoint[];
} {
  const sizes = new Map<number, number>();
  const known = new Map<number, Map<number, number>>();
  const others: NeuronPoint[] = [];
  const layers = [...a.layerMagnitudes].sort((x, y) => x.layer - y.layer);
  for (const l of layers) {
    sizes.set(l.layer, l.size);
    const values = new Map<number, number>();
    const pts: NeuronPoint[] = [];
    for (let j = 0; j < l.topIndex.length; j++) {
      values.set(l.topIndex[j], l.topValue[j]);
      pts.push({ x: xOf(l.layer, l.topIndex[j], l.size), y: l.topValue[j], layer: l.layer, index: l.topIndex[j] });
    }
    for (let b = 0; b < l.bucketMin.length; b++) {
      const from = b * l.bucketSize;
      const to = Math.min(l.size, from + l.bucketSize) - 1;
      const x = xOf(l.layer, (from + to) / 2, l.size);
      pts.push({ x, y: l.bucketMin[b], layer: l.layer, index: from, to });
      pts.push({ x, y: l.bucketMax[b], layer: l.layer, index: from, to });
    }
    pts.sort(byX);
    for (const p of pts) others.push(p);
    known.set(l.layer, values);
  }
  const sizeOf = (layer: number): number => sizes.get(layer) ?? a.model.intermediateSize;
  const positive: NeuronPoint[] = [];
  const negative: NeuronPoint[] = [];
  for (const n of a.neurons) {
    const p = { x: xOf(n.layer, n.index, sizeOf(n.layer)), y: Math.abs(n.delta), layer: n.layer, index: n.index, delta: n.delta };
    (n.delta >= 0 ? positive : negative).push(p);
  }
  const universal = a.universal.map((u) => ({
    x: xOf(u.layer, u.index, sizeOf(u.layer)),
    y: known.get(u.layer)?.get(u.index) ?? 0,
    layer: u.layer,
    index: u.index,
  }));
  positive.sort(byX);
  negative.sort(byX);
  universal.sort(byX);
  return { others, positive, negative, universal };
}

/** Alternate shading per layer band, excluded layers hatched darker and labelled. */
function layerBands(p: Palette, layers: number[], excluded: Set<number>, compact: boolean): Plugin<'scatter'> {
  return {
    id: 'cnaLayerBands',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      ctx.save();
      for (const layer of layers) {
        const left = x.getPixelForValue(layer - 0.5);
        const right = x.getPixelForValue(layer + 0.5);
        if (excluded.has(layer)) ctx.fillStyle = withAlpha(p.muted, 0.16);
        else if (layer % 2 === 0) ctx.fillStyle = withAlpha(p.foreground, p.kind === 'light' ? 0.035 : 0.05);
        else continue;
        ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
        if (excluded.has(layer) && !compact) {
          ctx.fillStyle = p.muted;
          ctx.font = `${Math.max(10, p.fontSize - 3)}px ${p.fontFamily}`;
          ctx.textAlign = 'center';
          ctx.fillText('excl.', (left + right) / 2, chartArea.top + 12);
        }
      }
      ctx.restore();
    },
  };
}

/** The scatter and the counts below share one y-axis width so their layer columns line up. */
function fixWidth(compact: boolean): (scale: { width: number }) => void {
  return (scale) => {
    scale.width = compact ? 34 : 76;
  };
}

/** Log axis: label powers of ten only, short ("0.01", "1e-4"). */
function logTick(value: number | string): string {
  const v = Number(value);
  const e = Math.log10(v);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  return v >= 0.01 ? String(Number(v.toPrecision(1))) : v.toExponential(0);
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(2) : v.toFixed(3);
}

export function renderSeparation(host: HTMLElement, a: AttributionView, p: Palette, o: SeparationOptions): Rendered {
  host.replaceChildren();
  const scatterBox = document.createElement('div');
  scatterBox.className = 'chart-box scatter';
  const countsBox = document.createElement('div');
  countsBox.className = 'chart-box counts';
  host.append(scatterBox, countsBox);

  const layers = layerList(a);
  const excluded = new Set(a.excludedLayers ?? []);
  const { others, positive, negative, universal } = separationPoints(a);
  const hc = p.kind === 'high-contrast';

  const circuitValues = a.neurons.map((n) => Math.abs(n.delta));
  const threshold = circuitValues.length ? Math.min(...circuitValues) : undefined;
  const lo = layers.length ? layers[0] - 0.5 : -0.5;
  const hi = layers.length ? layers[layers.length - 1] + 0.5 : 0.5;

  let yMin: number | undefined;
  if (o.logScale) {
    const max = Math.max(threshold ?? 0, ...positive.map((q) => q.y), ...others.map((q) => q.y), 1e-9);
    yMin = max * 1e-4;
    // Log axes cannot show zeros: lift them to the floor instead of dropping neurons.
    for (const list of [others, universal]) for (const q of list) if (q.y < yMin) q.y = yMin;
  }

  const pointRadius = o.compact ? 1.6 : 2.6;
  const scatterCanvas = document.createElement('canvas');
  scatterCanvas.setAttribute('role', 'img');
  scatterCanvas.setAttribute('aria-label', `|delta| of ${others.length} sampled neurons across ${layers.length} layers; ${a.neurons.length} circuit neurons highlighted`);
  scatterBox.appendChild(scatterCanvas);
  const scatter = new Chart(scatterCanvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'other neurons',
          data: others,
          order: 4,
          pointRadius: o.compact ? 0.8 : 1.2,
          pointHoverRadius: 3,
          borderWidth: 0,
          backgroundColor: withAlpha(p.foreground, p.kind === 'light' ? 0.3 : hc ? 0.55 : 0.35),
        },
        {
          label: 'universal (filtered out)',
          data: universal,
          order: 3,
          pointRadius: pointRadius + 0.6,
          pointStyle: 'rectRot',
          borderWidth: hc ? 1.5 : 1,
          backgroundColor: withAlpha(p.muted, 0.25),
          borderColor: p.muted,
        },
        {
          label: 'circuit, Δ > 0',
          data: positive,
          order: 1,
          pointRadius,
          borderWidth: hc ? 1.5 : 0.8,
          backgroundColor: withAlpha(p.red, 0.85),
          borderColor: hc ? p.foreground : p.red,
        },
        {
          label: 'circuit, Δ < 0',
          data: negative,
          order: 2,
          pointRadius,
          borderWidth: hc ? 1.5 : 0.8,
          backgroundColor: withAlpha(p.blue, 0.85),
          borderColor: hc ? p.foreground : p.blue,
        },
        ...(threshold === undefined
          ? []
          : [
              {
                type: 'line' as const,
                label: `k-th |Δ| = ${fmt(threshold)}`,
                order: 0,
                data: [
                  { x: lo, y: threshold, layer: -1, index: -1 },
                  { x: hi, y: threshold, layer: -1, index: -1 },
                ],
                borderColor: p.yellow,
                borderDash: [6, 4],
                borderWidth: hc ? 2 : 1.2,
                pointRadius: 0,
                showLine: true,
                pointStyle: 'line' as const,
              },
            ]),
      ],
    },
    options: {
      parsing: false,
      normalized: true,
      animation: false,
      layout: { padding: { top: 4, right: 8 } },
      interaction: { mode: 'nearest', intersect: true },
      onClick: (_e, elements) => {
        // Datasets 2 and 3 are the circuit (positive and negative delta).
        const hit = elements.find((h) => h.datasetIndex === 2 || h.datasetIndex === 3);
        const point = hit && (hit.datasetIndex === 2 ? positive : negative)[hit.index];
        if (point && o.onNeuron) o.onNeuron({ layer: point.layer, index: point.index });
      },
      scales: {
        x: {
          type: 'linear',
          min: lo,
          max: hi,
          ...axis(p, o.compact ? undefined : 'layer  (position within a layer = neuron index)'),
          grid: { display: false },
          afterBuildTicks: (scale) => {
            scale.ticks = layers.map((value) => ({ value }));
          },
          ticks: { ...axis(p).ticks, autoSkip: true, maxRotation: 0, callback: (v) => String(v) },
        },
        y: {
          type: o.logScale ? 'logarithmic' : 'linear',
          min: o.logScale ? yMin : 0,
          afterFit: fixWidth(o.compact),
          ...axis(p, o.compact ? undefined : '|Δ|  (mean on + prompts − mean on − prompts)'),
          ticks: { ...axis(p).ticks, maxTicksLimit: o.compact ? 4 : 8, callback: o.logScale ? logTick : undefined },
        },
      },
      plugins: {
        legend: {
          display: !o.compact,
          position: 'top',
          align: 'end',
          labels: { usePointStyle: true, pointStyleWidth: 10, boxHeight: 8 },
        },
        tooltip: {
          callbacks: {
            label(item: TooltipItem<'scatter'>) {
              const q = item.raw as NeuronPoint;
              if (q.to !== undefined) return `layer ${q.layer}, neurons ${q.index}–${q.to}: |Δ| bucket ${fmt(q.y)}`;
              if (q.delta !== undefined) return `layer ${q.layer} #${q.index}: Δ = ${fmt(q.delta)}`;
              if (q.layer < 0) return item.dataset.label ?? '';
              return `layer ${q.layer} #${q.index}: |Δ| = ${fmt(q.y)}`;
            },
          },
        },
      },
    },
    plugins: [layerBands(p, layers, excluded, o.compact)],
  });

  // Circuit neurons per layer, stacked by sign of delta.
  const countsCanvas = document.createElement('canvas');
  countsCanvas.setAttribute('role', 'img');
  countsCanvas.setAttribute('aria-label', 'circuit neurons per layer');
  countsBox.appendChild(countsCanvas);
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  for (const n of a.neurons) {
    const m = n.delta >= 0 ? pos : neg;
    m.set(n.layer, (m.get(n.layer) ?? 0) + 1);
  }
  const counts = new Chart(countsCanvas, {
    type: 'bar',
    data: {
      labels: layers.map(String),
      datasets: [
        { label: 'Δ > 0', data: layers.map((l) => pos.get(l) ?? 0), backgroundColor: withAlpha(p.red, 0.8), borderColor: hc ? p.foreground : p.red, borderWidth: hc ? 1 : 0 },
        { label: 'Δ < 0', data: layers.map((l) => neg.get(l) ?? 0), backgroundColor: withAlpha(p.blue, 0.8), borderColor: hc ? p.foreground : p.blue, borderWidth: hc ? 1 : 0 },
      ],
    },
    options: {
      animation: false,
      layout: { padding: { top: o.compact ? 12 : 16, right: 8 } },
      scales: {
        x: {
          stacked: true,
          ...axis(p, o.compact ? undefined : 'circuit neurons per layer'),
          grid: { display: false },
          ticks: { ...axis(p).ticks, maxRotation: 0, autoSkip: true },
        },
        y: { stacked: true, ...axis(p), afterFit: fixWidth(o.compact), ticks: { ...axis(p).ticks, maxTicksLimit: 3, precision: 0 } },
      },
      plugins: { legend: { display: false } },
    },
    plugins: o.compact ? [] : [countLabels(p)],
  });

  return {
    drawn: others.length + positive.length + negative.length + universal.length,
    destroy() {
      scatter.destroy();
      counts.destroy();
    },
  };
}

/** The total above each stacked bar, so counts read without hovering. */
function countLabels(p: Palette): Plugin<'bar'> {
  return {
    id: 'cnaCountLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const metas = chart.data.datasets.map((_, i) => chart.getDatasetMeta(i));
      const n = chart.data.labels?.length ?? 0;
      ctx.save();
      ctx.fillStyle = p.foreground;
      ctx.font = `${Math.max(9, p.fontSize - 3)}px ${p.fontFamily}`;
      ctx.textAlign = 'center';
      const step = n > 1 ? Math.abs(metas[0].data[1].x - metas[0].data[0].x) : Infinity;
      for (let i = 0; i < n; i++) {
        const total = chart.data.datasets.reduce((s, d) => s + Number(d.data[i] ?? 0), 0);
        // Skip labels that would not fit over their bar (narrow side view, many layers).
        if (!total || ctx.measureText(String(total)).width + 2 > step) continue;
        const top = Math.min(...metas.map((m) => (m.data[i] as unknown as { y: number }).y));
        ctx.fillText(String(total), metas[0].data[i].x, top - 3);
      }
      ctx.restore();
    },
  };
}
