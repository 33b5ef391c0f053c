// The side view `cna.sideView` (activity-bar container `cna`): a summary of the latest circuit,
// a small separation chart and the latest sweep curve. Holds the latest data so the view can be
// (re)created at any time, and opens the chart panel on request.
import * as vscode from 'vscode';
import type { AttributionResult, RenderedMessage, SweepResult } from '../webviewProtocol';
import { ChartPanel } from './chartPanel';
import { WebviewChannel } from './webviewChannel';

export interface SideViewData {
  attribution?: AttributionResult;
  sweep?: SweepResult;
}

export class SideViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'cna.sideView';
  private static instance: SideViewProvider | undefined;

  private channel: WebviewChannel | undefined;
  private readonly data: SideViewData = {};
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedMessage>();
  /** Every `rendered` message of the side view. */
  readonly onDidRender = this.renderedEmitter.event;

  static get current(): SideViewProvider | undefined {
    return SideViewProvider.instance;
  }

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(this.renderedEmitter);
    SideViewProvider.instance = this;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    const channel = new WebviewChannel(view.webview, this.context.extensionUri, 'side');
    this.channel = channel;
    const forView: vscode.Disposable[] = [];
    forView.push(
      channel.onDidRender((m) => this.renderedEmitter.fire(m)),
      channel.onDidAskForPanel(() => ChartPanel.show(this.context, { ...this.data })),
      view.onDidChangeVisibility(() => { if (!view.visible) channel.markNotReady(); }),
    );
    view.onDidDispose(() => {
      if (this.channel === channel) this.channel = undefined;
      channel.dispose();
      for (const d of forView.splice(0)) d.dispose();
    });
    // A new webview: send what it should show (it also restores its own state).
    this.send();
  }

  /** Show a new attribution and/or sweep result; kept for when the view is opened later. */
  update(data: SideViewData): void {
    if (data.attribution) this.data.attribution = data.attribution;
    if (data.sweep) this.data.sweep = data.sweep;
    this.send(data);
  }

  lastRendered(): RenderedMessage | undefined {
    return this.channel?.lastRendered('side');
  }

  /** The next `rendered` message of the side view; rejects if it is not open within `timeoutMs`. */
  waitForRendered(timeoutMs = 30_000): Promise<RenderedMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`No "rendered" from the CNA side view within ${timeoutMs} ms`)); }, timeoutMs);
      const sub = this.onDidRender((m) => { clearTimeout(timer); sub.dispose(); resolve(m); });
    });
  }

  private send(data: SideViewData = this.data): void {
    if (!this.channel) return;
    if (data.attribution) this.channel.post({ type: 'attribution', result: data.attribution });
    if (data.sweep) this.channel.post({ type: 'sweep', result: data.sweep });
  }

  dispose(): void {
    if (SideViewProvider.instance === this) SideViewProvider.instance = undefined;
    this.channel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function registerSideView(context: vscode.ExtensionContext): SideViewProvider {
  const provider = new SideViewProvider(context);
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(SideViewProvider.viewType, provider),
    // For the integration tests, like cna.chartRendered: what the side view last drew, or its next drawing.
    vscode.commands.registerCommand('cna.sideRendered', (waitMs?: number) =>
      typeof waitMs === 'number' ? provider.waitForRendered(waitMs) : provider.lastRendered()),
  );
  return provider;
}
