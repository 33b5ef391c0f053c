// The side view `cna.sideView` (activity-bar container `cna`): a summary of the shown circuit, a small
// separation chart and the sweep curve. The presenter (presenter.ts) decides what it shows; this holds the
// latest messages so that the view can be (re)created at any time.
import * as vscode from 'vscode';
import type { HostMessage, RenderedMessage } from '../webviewProtocol';
import { WebviewChannel } from './webviewChannel';

export const SIDE_VIEW_TYPE = 'cna.sideView';

export class SideViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private channel: WebviewChannel | undefined;
  /** What a new webview must be told: the latest message of each kind the side view draws. */
  private readonly shown = new Map<HostMessage['type'], HostMessage>();
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedMessage>();
  private readonly panelEmitter = new vscode.EventEmitter<void>();
  /** Every `rendered` message of the side view. */
  readonly onDidRender = this.renderedEmitter.event;
  /** The view's "Open charts" button. */
  readonly onDidAskForPanel = this.panelEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    const channel = new WebviewChannel(view.webview, this.extensionUri, 'side');
    this.channel = channel;
    const forView: vscode.Disposable[] = [
      channel.onDidRender((m) => this.renderedEmitter.fire(m)),
      channel.onDidAskForPanel(() => this.panelEmitter.fire()),
      view.onDidChangeVisibility(() => {
        if (!view.visible) channel.markNotReady();
      }),
    ];
    view.onDidDispose(() => {
      if (this.channel === channel) this.channel = undefined;
      channel.dispose();
      for (const d of forView.splice(0)) d.dispose();
    });
    // A new webview: send what it should show (it also restores its own state).
    for (const m of this.shown.values()) channel.post(m);
  }

  /** Show `message` now if the view is open, and whenever it is opened later. */
  post(message: HostMessage): void {
    if (message.type === 'clear') this.shown.clear();
    this.shown.set(message.type, message);
    this.channel?.post(message);
  }

  lastRendered(): RenderedMessage | undefined {
    return this.channel?.lastRendered('side');
  }

  /** The next `rendered` message of the side view; rejects if none comes within `timeoutMs`. */
  waitForRendered(timeoutMs = 30_000): Promise<RenderedMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`No "rendered" from the CNA side view within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = this.onDidRender((m) => {
        clearTimeout(timer);
        sub.dispose();
        resolve(m);
      });
    });
  }

  dispose(): void {
    this.channel?.dispose();
    this.renderedEmitter.dispose();
    this.panelEmitter.dispose();
  }
}
