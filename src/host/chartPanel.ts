// The CNA chart panel (view type `cna.chart`): separation, sweep, pairs and playground tabs. One
// panel at a time; it owns its disposables and is restored after a reload by the serializer
// (its webview restores its own drawing from vscode.setState, so the host need not resend data).
import * as vscode from 'vscode';
import type {
  AttributionResult, ChartView, PlaygroundState, RenderedMessage, SweepResult, WebviewRequest,
} from '../webviewProtocol';
import { WebviewChannel } from './webviewChannel';

export interface ChartData {
  attribution?: AttributionResult;
  sweep?: SweepResult;
  playground?: PlaygroundState;
  view?: ChartView;
}

export class ChartPanel implements vscode.Disposable {
  static readonly viewType = 'cna.chart';
  private static currentPanel: ChartPanel | undefined;
  private static readonly createdEmitter = new vscode.EventEmitter<ChartPanel>();
  /** Fires when a panel is created or restored, so commands can subscribe to its requests. */
  static readonly onDidCreate = ChartPanel.createdEmitter.event;

  private readonly channel: WebviewChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private disposed = false;

  /** revealPair / steer from the webview. */
  readonly onDidRequest: vscode.Event<WebviewRequest>;
  /** Every `rendered` message (view + counts). */
  readonly onDidRender: vscode.Event<RenderedMessage>;
  readonly onDidDispose = this.disposeEmitter.event;

  static get current(): ChartPanel | undefined {
    return ChartPanel.currentPanel;
  }

  /** Reveal the panel (creating it if needed) and show `data`. */
  static show(context: vscode.ExtensionContext, data: ChartData = {}): ChartPanel {
    let panel = ChartPanel.currentPanel;
    if (panel) {
      panel.panel.reveal(undefined, true);
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        ChartPanel.viewType, 'CNA Charts', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableFindWidget: true },
      );
      panel = new ChartPanel(webviewPanel, context);
    }
    if (data.attribution) panel.showAttribution(data.attribution);
    if (data.sweep) panel.showSweep(data.sweep);
    if (data.playground) panel.showPlayground(data.playground);
    if (data.view) panel.showView(data.view);
    return panel;
  }

  /** Adopt a panel VS Code restored after a reload. */
  static revive(webviewPanel: vscode.WebviewPanel, context: vscode.ExtensionContext): ChartPanel {
    ChartPanel.currentPanel?.dispose();
    return new ChartPanel(webviewPanel, context);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, context: vscode.ExtensionContext) {
    this.channel = new WebviewChannel(panel.webview, context.extensionUri, 'panel');
    this.onDidRequest = this.channel.onDidRequest;
    this.onDidRender = this.channel.onDidRender;
    this.disposables.push(
      this.channel,
      this.disposeEmitter,
      panel.onDidDispose(() => this.dispose()),
      // Without retainContextWhenHidden the webview is torn down when hidden; it says `ready` again.
      panel.onDidChangeViewState((e) => { if (!e.webviewPanel.visible) this.channel.markNotReady(); }),
    );
    ChartPanel.currentPanel = this;
    ChartPanel.createdEmitter.fire(this);
  }

  showAttribution(result: AttributionResult): void {
    this.channel.post({ type: 'attribution', result });
    this.showView('separation');
  }

  showSweep(result: SweepResult): void {
    this.channel.post({ type: 'sweep', result });
    this.showView('sweep');
  }

  showPlayground(state: PlaygroundState): void {
    this.channel.post({ type: 'playground', state });
    this.showView('playground');
  }

  /** Highlight the bar of the pair at `line` (e.g. when the editor cursor moves onto it). */
  highlightPair(line: number): void {
    this.channel.post({ type: 'highlightPair', line });
  }

  showView(view: ChartView): void {
    this.channel.post({ type: 'showView', view });
  }

  lastRendered(view?: ChartView): RenderedMessage | undefined {
    return this.channel.lastRendered(view);
  }

  /**
   * The next `rendered` message (for `view` if given). Call it before posting, e.g.
   * `const drawn = panel.waitForRendered('sweep'); panel.showSweep(result); (await drawn).summary.points`.
   */
  waitForRendered(view?: ChartView, timeoutMs?: number): Promise<RenderedMessage> {
    return this.channel.waitForRendered(view, timeoutMs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ChartPanel.currentPanel === this) ChartPanel.currentPanel = undefined;
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Restores the chart panel after a window reload (activation event onWebviewPanel:cna.chart). */
export function registerChartPanel(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ChartPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
        ChartPanel.revive(panel, context);
      },
    }),
    { dispose: () => ChartPanel.current?.dispose() },
  );
}
