/**
 * Job results in the shapes the chart webviews draw (src/webviewProtocol.ts): field renames, and |delta| of
 * every neuron per layer for the separation chart (the webview downsamples what it cannot draw).
 */
import * as path from 'node:path';
import type { AttributeResult } from '../jobs/attribute';
import type { SweepResult } from '../jobs/sweep';
import type { Pair } from '../pairs/types';
import type { AttributionChart, LayerMagnitudesFull, SweepChart } from '../webviewProtocol';

const LABEL_CHARS = 48;

export function attributionForChart(r: AttributeResult, file: string, pairs: readonly Pair[]): AttributionChart {
  const byLine = new Map(pairs.map((p) => [p.line + 1, p]));
  return {
    feature: r.feature,
    model: { path: r.model.path, layers: r.model.layers, intermediateSize: r.model.intermediateSize, totalNeurons: r.model.totalNeurons },
    k: r.k,
    neurons: r.neurons.map(({ layer, index, delta, meanPositive, meanNegative }) => ({ layer, index, delta, meanPositive, meanNegative })),
    universal: r.universal.map(({ layer, index }) => ({ layer, index })),
    pairs: r.pairs.map((p) => ({
      line: p.line,
      contribution: p.contribution,
      // Null when there is a single pair (nothing to leave out): the circuit is then all that pair's.
      leaveOneOutOverlap: p.leaveOneOutOverlap ?? 0,
      label: label(byLine.get(p.line)),
    })),
    layerMagnitudes: layerMagnitudes(r.layerDeltas),
    excludedLayers: r.settings.excludeLayers,
    top: r.settings.top,
    source: path.basename(file),
    formatting: r.settings.template === 'reference' ? `reference ${String(r.settings.templateDate ?? '')}`.trim() : String(r.settings.template ?? 'chat'),
    universalFilter: r.settings.universalFilter,
  };
}

/** |delta| per layer; fresh arrays (each with its own buffer, so posting one never copies the others). */
export function layerMagnitudes(layerDeltas: readonly Float32Array[]): LayerMagnitudesFull[] {
  return layerDeltas.map((d, layer) => ({ kind: 'full', layer, absDelta: d.map(Math.abs) }));
}

function label(pair: Pair | undefined): string | undefined {
  if (!pair) return undefined;
  const text = pair.positive.text.replace(/\s+/g, ' ');
  const short = text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
  return pair.section ? `${pair.section}: ${short}` : short;
}

export function sweepForChart(r: SweepResult): SweepChart {
  const point = (p: SweepResult['points'][number]) => ({
    multiplier: p.multiplier,
    refusalRate: p.refusalRate,
    quality: p.quality,
    kl: p.kl ?? 0,
    n: p.n,
    ...(p.capability && !Number.isNaN(p.capability.accuracy) ? { capability: p.capability.accuracy, capabilityChance: p.capability.chance } : {}),
    ...(p.overRefusal?.length ? { overRefusal: p.overRefusal.reduce((s, b) => s + b.refusalRate * b.n, 0) / p.overRefusal.reduce((s, b) => s + b.n, 0) } : {}),
    ...(p.collapse?.collapsed ? { collapsed: true } : {}),
  });
  return {
    points: r.points.map(point),
    control: r.control.map(point),
    samples: r.samples
      .filter((s) => s.kind !== 'caa')
      .map((s) => ({ multiplier: s.multiplier, prompt: s.prompt, completion: s.answer, refused: s.refused, ...(s.kind === 'control' ? { control: true } : {}) })),
    feature: r.feature,
    detector: r.settings.detector,
  };
}
