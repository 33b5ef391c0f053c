// Typed messages between the extension host and the chart webviews (panel and side view).
// One discriminated union per direction; each side has one `post()` and one exhaustive switch,
// so adding a message here fails to compile until both sides handle it.
// The data types mirror the `--json` shapes of `cna attribute` and `cna sweep` (docs/cli.md).
// Type-only imports: this file is bundled into the browser webview and the Node host alike.

/** The views of the chart panel. The side view renders a compact mix of the first two. */
export type ChartView = 'separation' | 'sweep' | 'pairs' | 'playground' | 'neuron' | 'activity' | 'compare';

import type { NeuronRef } from './cna/neurons';
import type { NeuronPage } from './jobs/neuron';
import type { CircuitComparison } from './cna/compare';

export type { NeuronRef };

/** A circuit neuron: mean activation on positive prompts minus mean on negative, signed. */
export interface ChartNeuron extends NeuronRef {
  delta: number;
  meanPositive?: number;
  meanNegative?: number;
}

export interface ChartPair {
  /** 1-based line of the pair's `+` prompt in its .cnapairs file. */
  line: number;
  contribution: number;
  /** Overlap (0..1) of the circuit found without this pair with the full circuit. */
  leaveOneOutOverlap: number;
  /** Short text to show (e.g. the section or the start of the positive prompt). */
  label?: string;
}

/** |delta| of every neuron of one layer, index = neuron index. */
export interface LayerMagnitudesFull {
  kind: 'full';
  layer: number;
  absDelta: Float32Array | number[];
}

/**
 * What is visible of one layer's |delta|: the largest values kept exactly, and a min/max envelope
 * over equal buckets of neuron indices. Circuit and universal neurons are carried separately and
 * always drawn, so nothing the user needs is lost.
 */
export interface LayerMagnitudesDownsampled {
  kind: 'downsampled';
  layer: number;
  /** Number of neurons in the layer (intermediate size). */
  size: number;
  /** The largest values, plus every circuit and universal neuron of the layer. */
  topIndex: number[];
  topValue: number[];
  /** Neurons per bucket; bucket b covers indices [b*bucketSize, (b+1)*bucketSize). */
  bucketSize: number;
  bucketMin: number[];
  bucketMax: number[];
}

export type LayerMagnitudes = LayerMagnitudesFull | LayerMagnitudesDownsampled;

export interface ModelInfo {
  path: string;
  layers: number;
  intermediateSize: number;
  totalNeurons: number;
}

/** `cna attribute --json` plus the per-layer |delta| of every neuron for the separation chart. */
export interface AttributionChart {
  feature: string;
  model: ModelInfo;
  k: number;
  neurons: ChartNeuron[];
  universal: NeuronRef[];
  pairs: ChartPair[];
  /** One entry per layer that was measured; may be absent for a result read from circuit.json. */
  layerMagnitudes?: LayerMagnitudes[];
  /** Layers left out of the ranking (reference default 0-1). */
  excludedLayers?: number[];
  /** The `--top` setting as written, e.g. "0.1%" or "200". */
  top?: string;
  /** The .cnapairs file the result came from, for titles. */
  source?: string;
  /** How the prompts were formatted: `chat`, `raw`, or `reference 2026-12-01` (reference mode and its date). */
  formatting?: string;
  /** Whether universal neurons were left out of the circuit. */
  universalFilter?: boolean;
}

export interface ChartSweepPoint {
  multiplier: number;
  /** Share of answers judged refusals, 0..1. */
  refusalRate: number;
  /** Mean quality score, 0..1 (clean English about 0.97). */
  quality: number;
  /** Mean first-token KL divergence on benign prompts, steered vs unsteered (nats). */
  kl: number;
  /** Number of prompts evaluated. */
  n: number;
  /** Multiple-choice accuracy (MMLU, 0..1) at this multiplier, when the sweep measured it. */
  capability?: number;
  /** What guessing scores on that check (0.25 for four choices), drawn as a dotted line. */
  capabilityChance?: number;
  /** Refusal on harmless prompts (0..1), when measured at this multiplier. */
  overRefusal?: number;
  /** The answers collapsed (one repeated text, empty or stalled): a low refusal here is not success. */
  collapsed?: boolean;
}

export interface ChartSample {
  multiplier: number;
  prompt: string;
  completion: string;
  refused: boolean;
  /** True for samples of the random-neuron control. */
  control?: boolean;
}

/** `cna sweep --json`. */
export interface SweepChart {
  points: ChartSweepPoint[];
  control: ChartSweepPoint[];
  samples: ChartSample[];
  feature?: string;
  detector?: string;
}

/** The steering playground: one prompt answered unsteered and steered. */
export interface PlaygroundState {
  prompt: string;
  multiplier: number;
  baseline?: string;
  steered?: string;
  /** True while the host is generating. */
  pending?: boolean;
  /** One-line message when generation failed. */
  error?: string;
}

/** Counts the webview reports after drawing, for tests and for the host to know what is shown. */
export interface RenderSummary {
  /** Neurons represented in the separation chart (every neuron of every measured layer). */
  neurons: number;
  circuit: number;
  universal: number;
  layers: number;
  /** Points of the (non-control) sweep curve. */
  points: number;
  pairs: number;
}

/** The neuron page (`cna neuron --json`), being computed (`pending`), or failed (`error`). */
export interface NeuronPageState {
  page?: NeuronPage;
  pending?: NeuronRef;
  error?: string;
}

/** One prompt's tokens with their circuit scores (src/cna/activity.ts); template tokens left out. */
export interface PromptActivityView {
  text: string;
  tokens: { text: string; score: number; top: { layer: number; index: number; z: number }[] }[];
}

/** Circuit activity of one pair, positive and negative side by side. */
export interface PairActivityState {
  /** 1-based line of the pair's `+` prompt. */
  line?: number;
  positive?: PromptActivityView;
  negative?: PromptActivityView;
  definition?: string;
  pending?: boolean;
  error?: string;
}

/** Two circuit files compared (`cna compare --json`). */
export interface CompareState {
  a: string;
  b: string;
  comparison: CircuitComparison;
  notes: string[];
}

// ---- host -> webview ----

export type HostMessage =
  | { type: 'attribution'; result: AttributionChart }
  | { type: 'sweep'; result: SweepChart }
  | { type: 'playground'; state: PlaygroundState }
  | { type: 'neuron'; state: NeuronPageState }
  | { type: 'pairActivity'; state: PairActivityState }
  | { type: 'compare'; state: CompareState }
  | { type: 'highlightPair'; line: number }
  | { type: 'showView'; view: ChartView }
  /** The pairs of the shown result changed since its run (true), or are as they were again (false). */
  | { type: 'stale'; stale: boolean }
  /** The shown results are gone (their file closed, or the active file has none): `note` says why. */
  | { type: 'clear'; note: string };

// ---- webview -> host ----

export type WebviewMessage =
  /** The script loaded and listens; the host sends what it holds. */
  | { type: 'ready' }
  /** Sent after every draw; `ms` is the time from the message (or theme change) to the drawn chart. */
  | {
      type: 'rendered';
      view: ChartView | 'side';
      summary: RenderSummary;
      ms: number;
      highlightedLine?: number;
      source?: string;
      stale?: boolean;
      /** Texts the view drew, read back from its page (neuron and activity views), for tests. */
      shown?: Record<string, string>;
    }
  | { type: 'revealPair'; line: number }
  /** Open a neuron's page (a click in the separation chart, the circuit list, or a hover link). */
  | { type: 'openNeuron'; neuron: NeuronRef }
  /** Show one pair's circuit activity (1-based line of its `+` prompt). */
  | { type: 'pairActivity'; line: number }
  | { type: 'steer'; prompt: string; multiplier: number }
  | { type: 'openPanel' }
  | { type: 'error'; message: string };

/** Requests the user makes in a webview that the host acts on. */
export type WebviewRequest = Extract<WebviewMessage, { type: 'revealPair' | 'steer' | 'openNeuron' | 'pairActivity' }>;

export type RenderedMessage = Extract<WebviewMessage, { type: 'rendered' }>;

/** Compile-time exhaustiveness check for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
