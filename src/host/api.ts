/**
 * What `activate()` returns: probes for the integration tests (test/vscode), so that no hidden command
 * exists only for them. Read-only views of the host's state, plus cancelling runs.
 */
import type { ChartView, RenderedMessage } from '../webviewProtocol';
import * as vscode from 'vscode';
import type { CnaContext } from './context';

export interface CnaApi {
  /** What the chart panel last drew (for `view` if given); with `waitMs`, its next drawing. Undefined: no panel. */
  chartRendered(view?: ChartView, waitMs?: number): Promise<RenderedMessage | undefined>;
  /** What the side view last drew; with `waitMs`, its next drawing. */
  sideRendered(waitMs?: number): Promise<RenderedMessage | undefined>;
  /** The URI (string) of the document the charts show. */
  shownDocument(): string | undefined;
  /** Cancels every run in flight; resolves to how many there were. */
  cancelRuns(): number;
  /** Stops the engine worker, as before the first run (the next run starts it again). */
  stopEngine(): Promise<void>;
  /** The circuit-activity tints drawn on a document (URI string): each token's text, score and start. */
  activityDecorations(uri: string): { text: string; score: number; line: number; character: number }[];
}

export function makeApi(ctx: CnaContext): CnaApi {
  const { presenter } = ctx;
  return {
    chartRendered: async (view, waitMs) => presenter.chartRendered(view, waitMs),
    sideRendered: async (waitMs) => (typeof waitMs === 'number' ? presenter.side.waitForRendered(waitMs) : presenter.side.lastRendered()),
    shownDocument: () => presenter.document?.toString(),
    cancelRuns: () => ctx.cancelAll(),
    stopEngine: () => ctx.engine.stop(),
    activityDecorations: (uri) => ctx.activity.decorations(vscode.Uri.parse(uri)).map((d) => ({ text: d.text, score: d.score, line: d.range.start.line, character: d.range.start.character })),
  };
}
