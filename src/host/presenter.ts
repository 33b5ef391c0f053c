/**
 * The one presenter of results: it owns the chart panel and the side view and decides which document they
 * show. It follows the active `.cnapairs` editor, marks the charts stale when that document's pairs change
 * under its results, and clears them when the results are dropped (the file closed). Steer, Reveal Pair and
 * Export act on `document`, the document the charts show, so the playground never mixes two files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChartView, CompareState, HostMessage, NeuronPageState, PairActivityState, RenderedMessage, SweepChart, WebviewRequest } from '../webviewProtocol';
import { CHART_VIEW_TYPE, ChartPanel } from './chartPanel';
import type { DocumentResults, DocumentRun } from './documentResults';
import { isPairsDocument, type PairsDocuments } from './documents';
import { SIDE_VIEW_TYPE, SideViewProvider } from './sideView';

interface Sent {
  /** The run shown, or null once the views were told that the document has none. */
  run: DocumentRun | null | undefined;
  sweep?: SweepChart;
  stale: boolean;
}

const nothingSent = (): Sent => ({ run: undefined, stale: false });

export class Presenter implements vscode.Disposable {
  private chartPanel: ChartPanel | undefined;
  private shown: vscode.Uri | undefined;
  /** What the views were last told about the shown document (nothing yet: a new document or webview). */
  private sent: Sent = nothingSent();
  readonly side: SideViewProvider;
  private readonly requestEmitter = new vscode.EventEmitter<WebviewRequest>();
  private readonly disposables: vscode.Disposable[] = [this.requestEmitter];
  /** Reveal a pair, steer a prompt: asked for in the chart panel. */
  readonly onDidRequest = this.requestEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly documents: PairsDocuments,
    private readonly results: DocumentResults,
  ) {
    this.side = new SideViewProvider(extensionUri);
    this.disposables.push(
      this.side,
      vscode.window.registerWebviewViewProvider(SIDE_VIEW_TYPE, this.side),
      vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          this.adopt(new ChartPanel(panel, this.extensionUri));
          this.resend();
        },
      }),
      this.side.onDidAskForPanel(() => this.openPanel()),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Another .cnapairs file in front: show its results. Anything else (a webview, output) keeps the view.
        if (editor && isPairsDocument(editor.document)) this.show(editor.document.uri);
      }),
      results.onDidChange((uri) => {
        if (uri.toString() === this.shown?.toString()) this.update();
      }),
      documents.onDidSettle((doc) => {
        if (doc.uri.toString() === this.shown?.toString()) this.update();
      }),
      // After DocumentResults dropped the closed file's results (it listens first): say why nothing is shown.
      documents.onDidClose((uri) => {
        if (uri.toString() !== this.shown?.toString()) return;
        const note = `${path.basename(uri.fsPath)} was closed; its results are gone.`;
        this.chartPanel?.post({ type: 'clear', note });
        this.side.post({ type: 'clear', note });
        this.sent = nothingSent(); // Opened again, it is told afresh.
      }),
    );
    // Results live in memory: after a reload the views must not go on showing a drawing they restored.
    const active = vscode.window.activeTextEditor?.document;
    if (active && isPairsDocument(active)) this.show(active.uri);
  }

  /** The neuron page and the pair activity the panel shows (sent again to a new panel). */
  private neuron: NeuronPageState | undefined;
  private pairActivity: PairActivityState | undefined;

  showNeuron(state: NeuronPageState): void {
    this.neuron = state;
    this.chartPanel?.post({ type: 'neuron', state });
  }

  private compare: CompareState | undefined;

  showCompare(state: CompareState): void {
    this.compare = state;
    this.chartPanel?.post({ type: 'compare', state });
  }

  showPairActivity(state: PairActivityState): void {
    this.pairActivity = state;
    this.chartPanel?.post({ type: 'pairActivity', state });
  }

  /** The document whose results the charts show (or would show once it has some). */
  get document(): vscode.Uri | undefined {
    return this.shown;
  }

  /** The run of the document the charts show. */
  get run(): DocumentRun | undefined {
    return this.shown && this.results.get(this.shown);
  }

  get panel(): ChartPanel | undefined {
    return this.chartPanel;
  }

  /** Show `uri`'s results in the side view, and in the panel if it is open. */
  show(uri: vscode.Uri): void {
    if (uri.toString() !== this.shown?.toString()) {
      this.shown = uri;
      this.sent = nothingSent();
    }
    this.update();
  }

  /** Reveal the panel (creating it), showing the shown document's results; `view` selects a tab. */
  openPanel(view?: ChartView): ChartPanel {
    let panel = this.chartPanel;
    if (panel) panel.reveal();
    else {
      panel = this.adopt(ChartPanel.create(this.extensionUri));
      this.resend();
    }
    if (view) panel.showView(view);
    return panel;
  }

  /** What the panel last drew, or its next drawing (tests). */
  chartRendered(view?: ChartView, waitMs?: number): RenderedMessage | Promise<RenderedMessage> | undefined {
    if (!this.chartPanel) return undefined;
    return typeof waitMs === 'number' ? this.chartPanel.waitForRendered(view, waitMs) : this.chartPanel.lastRendered(view);
  }

  private adopt(panel: ChartPanel): ChartPanel {
    this.chartPanel?.dispose();
    this.chartPanel = panel;
    const sub = panel.onDidRequest((r) => this.requestEmitter.fire(r));
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.chartPanel === panel) this.chartPanel = undefined;
    });
    return panel;
  }

  /** A new webview knows nothing: tell it everything about the shown document. */
  private resend(): void {
    this.sent = nothingSent();
    this.update();
    if (this.neuron) this.chartPanel?.post({ type: 'neuron', state: this.neuron });
    if (this.pairActivity) this.chartPanel?.post({ type: 'pairActivity', state: this.pairActivity });
    if (this.compare) this.chartPanel?.post({ type: 'compare', state: this.compare });
  }

  /** Bring both views in line with the shown document's results, sending only what changed. */
  private update(): void {
    const uri = this.shown;
    if (!uri) return;
    const run = this.results.get(uri);
    const doc = this.documents.find(uri);
    const stale = run !== undefined && doc !== undefined && this.results.currentRun(doc) === undefined;
    const post = (message: HostMessage): void => {
      this.chartPanel?.post(message);
      this.side.post(message);
    };
    if (!run) {
      if (this.sent.run !== null) post({ type: 'clear', note: `No results for ${path.basename(uri.fsPath)} yet: run “CNA: Run Attribution” on it.` });
      this.sent = { run: null, stale: false };
      return;
    }
    if (this.sent.run !== run) {
      // A new result replaces everything shown, an older sweep included.
      post({ type: 'clear', note: '' });
      post({ type: 'attribution', result: run.chart });
      this.sent = { run, stale: false };
    }
    if (run.sweepChart && this.sent.sweep !== run.sweepChart) {
      post({ type: 'sweep', result: run.sweepChart });
      this.sent.sweep = run.sweepChart;
    }
    if (stale !== this.sent.stale) {
      post({ type: 'stale', stale });
      this.sent.stale = stale;
    }
  }

  dispose(): void {
    this.chartPanel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
