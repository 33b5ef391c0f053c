// The CNA chart panel (view type `cna.chart`): separation, sweep, pairs and playground tabs. The presenter
// (presenter.ts) holds the one panel and says what it shows; the panel is the typed channel to its webview.
// A panel restored after a reload redraws from its own vscode.setState until the presenter sends data.
import * as vscode from 'vscode';
import type { ChartView, HostMessage, PlaygroundState, RenderedMessage, WebviewRequest } from '../webviewProtocol';
import { WebviewChannel } from './webviewChannel';

export const CHART_VIEW_TYPE = 'cna.chart';

export class ChartPanel implements vscode.Disposable {
  private readonly channel: WebviewChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private disposed = false;

  /** revealPair / steer from the webview. */
  readonly onDidRequest: vscode.Event<WebviewRequest>;
  readonly onDidDispose = this.disposeEmitter.event;

  /** A new panel beside the editor, not taking the focus. */
  static create(extensionUri: vscode.Uri): ChartPanel {
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPE, 'CNA Charts', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, enableFindWidget: true });
    return new ChartPanel(panel, extensionUri);
  }

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    this.channel = new WebviewChannel(panel.webview, extensionUri, 'panel');
    this.onDidRequest = this.channel.onDidRequest;
    this.disposables.push(
      this.channel,
      this.disposeEmitter,
      panel.onDidDispose(() => this.dispose()),
      // Without retainContextWhenHidden the webview is torn down when hidden; it says `ready` again.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.channel.markNotReady();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Send a message to the webview (held until it is ready). */
  post(message: HostMessage): void {
    this.channel.post(message);
  }

  /** Select a tab. */
  showView(view: ChartView): void {
    this.post({ type: 'showView', view });
  }

  showPlayground(state: PlaygroundState): void {
    this.post({ type: 'playground', state });
    this.showView('playground');
  }

  lastRendered(view?: ChartView): RenderedMessage | undefined {
    return this.channel.lastRendered(view);
  }

  /** The next `rendered` message (for `view` if given). Call it before posting. */
  waitForRendered(view?: ChartView, timeoutMs?: number): Promise<RenderedMessage> {
    return this.channel.waitForRendered(view, timeoutMs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
