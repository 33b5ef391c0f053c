/**
 * Job results in the shapes the chart webviews draw (src/webviewProtocol.ts): field renames, and |delta| of
 * every neuron per layer for the separation chart (the webview downsamples what it cannot draw).
 */
import * as path from 'node:path';
import type { AttributeResult } from '../jobs/attribute';
import type { Pair } from '../pairs/types';
import type { AttributionChart, LayerMagnitudesFull } from '../webviewProtocol';

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

// The sweep's chart shape is the HTML report's too (src/jobs/reproduceHtml.ts), so it lives with the jobs.
export { sweepForChart } from '../jobs/sweepChart';
