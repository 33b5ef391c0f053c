// What the webview remembers across hide/show and reloads, and the counts it reports after drawing.
import type { AttributionChart, ChartView, LayerMagnitudesDownsampled, CompareState, NeuronPageState, PairActivityState, PlaygroundState, RenderSummary, SweepChart } from '../src/webviewProtocol';
import { downsampleLayers } from './downsample';

/** An attribution result whose per-layer magnitudes are already reduced to plain JSON arrays. */
export type AttributionView = Omit<AttributionChart, 'layerMagnitudes'> & {
  layerMagnitudes: LayerMagnitudesDownsampled[];
};

export interface PersistedState {
  version: 1;
  view: ChartView;
  attribution?: AttributionView;
  sweep?: SweepChart;
  playground?: PlaygroundState;
  pairOrder: 'file' | 'contribution';
  highlightedLine?: number;
  logScale: boolean;
  /** Multiplier whose samples the sweep view lists. */
  sampleMultiplier?: number;
  /** The pairs changed since the shown run. */
  stale?: boolean;
  /** Why nothing is shown (set by a `clear` from the host). */
  note?: string;
  /** The neuron page and one pair's circuit activity (Neuron and Activity tabs). */
  neuron?: NeuronPageState;
  pairActivity?: PairActivityState;
  /** Two circuit files compared (Compare tab; kept when the shown file changes). */
  compare?: CompareState;
}

/** What every `rendered` message says besides its counts: which file's result, and whether it is stale. */
export function shownResult(state: PersistedState): { source?: string; stale?: boolean } {
  return { ...(state.attribution?.source ? { source: state.attribution.source } : {}), ...(state.stale ? { stale: true } : {}) };
}

/** Forget the shown results (host `clear`). */
export function clearResults(state: PersistedState, note: string): void {
  state.attribution = undefined;
  state.sweep = undefined;
  state.highlightedLine = undefined;
  state.sampleMultiplier = undefined;
  state.stale = false;
  state.note = note;
  state.neuron = undefined;
  state.pairActivity = undefined;
}

export const STALE_NOTE = 'Stale: the pairs changed since this run. Run “CNA: Run Attribution” again for current numbers.';
export const NO_RESULT_NOTE = 'Run “CNA: Run Attribution” on a .cnapairs file to see its circuit here.';

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
export function toAttributionView(result: AttributionChart): AttributionView {
  const keep = [...result.neurons, ...result.universal];
  return { ...result, layerMagnitudes: downsampleLayers(result.layerMagnitudes ?? [], keep) };
}
