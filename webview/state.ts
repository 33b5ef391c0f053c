// What the webview remembers across hide/show and reloads, and the counts it reports after drawing.
import type {
  AttributionResult, ChartView, LayerMagnitudesDownsampled, PlaygroundState, RenderSummary, SweepResult,
} from '../src/webviewProtocol';
import { downsampleLayers } from './downsample';

/** An attribution result whose per-layer magnitudes are already reduced to plain JSON arrays. */
export type AttributionView = Omit<AttributionResult, 'layerMagnitudes'> & {
  layerMagnitudes: LayerMagnitudesDownsampled[];
};

export interface PersistedState {
  version: 1;
  view: ChartView;
  attribution?: AttributionView;
  sweep?: SweepResult;
  playground?: PlaygroundState;
  pairOrder: 'file' | 'contribution';
  highlightedLine?: number;
  logScale: boolean;
  /** Multiplier whose samples the sweep view lists. */
  sampleMultiplier?: number;
}

export function initialState(): PersistedState {
  return { version: 1, view: 'separation', pairOrder: 'file', logScale: false };
}

export function summarize(state: PersistedState): RenderSummary {
  const a = state.attribution;
  return {
    neurons: a ? a.layerMagnitudes.reduce((n, l) => n + l.size, 0) : 0,
    circuit: a ? a.neurons.length : 0,
    universal: a ? a.universal.length : 0,
    layers: a ? a.layerMagnitudes.length || a.model.layers : 0,
    points: state.sweep ? state.sweep.points.length : 0,
    pairs: a ? a.pairs.length : 0,
  };
}

/** Reduce a result from the host to what is drawn and stored (JSON-safe, downsampled). */
export function toAttributionView(result: AttributionResult): AttributionView {
  const keep = [...result.neurons, ...result.universal];
  return { ...result, layerMagnitudes: downsampleLayers(result.layerMagnitudes ?? [], keep) };
}
