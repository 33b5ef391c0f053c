// The typed channel to one chart webview (panel or side view): its HTML and options, one `post()`
// that holds messages until the webview says it is ready, and events for what the webview sends.
import * as vscode from 'vscode';
import { assertNever, type ChartView, type HostMessage, type RenderedMessage, type WebviewMessage, type WebviewRequest } from '../webviewProtocol';
import { makeNonce, webviewHtml } from './webviewHtml';

/** Scripts on; local files only from dist/ (the bundle, toolkit included) and media/ (CSS). */
export function chartWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class WebviewChannel implements vscode.Disposable {
  private ready = false;
  /** Messages waiting for `ready`, latest per type (an older attribution is never worth sending). */
  private readonly pending = new Map<HostMessage['type'], HostMessage>();
  private readonly latest = new Map<ChartView | 'side', RenderedMessage>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedMessage>();
  private readonly requestEmitter = new vscode.EventEmitter<WebviewRequest>();
  private readonly openPanelEmitter = new vscode.EventEmitter<void>();

  /** Every `rendered` message: what the webview drew, with its counts. */
  readonly onDidRender = this.renderedEmitter.event;
  /** The user asked for something the host does: reveal a pair, steer a prompt. */
  readonly onDidRequest = this.requestEmitter.event;
  /** The side view's "Open charts". */
  readonly onDidAskForPanel = this.openPanelEmitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    mode: 'panel' | 'side',
  ) {
    this.disposables.push(this.renderedEmitter, this.requestEmitter, this.openPanelEmitter);
    webview.options = chartWebviewOptions(extensionUri);
    this.disposables.push(webview.onDidReceiveMessage((m: WebviewMessage) => this.receive(m)));
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      mode,
      title: mode === 'panel' ? 'CNA charts' : 'CNA',
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    });
  }

  post(message: HostMessage): void {
    if (!this.ready) {
      this.pending.delete(message.type);
      this.pending.set(message.type, message);
      return;
    }
    void this.webview.postMessage(message);
  }

  /** The webview's context is gone (hidden without retainContextWhenHidden): queue until it is back. */
  markNotReady(): void {
    this.ready = false;
  }

  /** The latest `rendered` message, overall or for one view. */
  lastRendered(view?: ChartView | 'side'): RenderedMessage | undefined {
    if (view) return this.latest.get(view);
    let last: RenderedMessage | undefined;
    for (const m of this.latest.values()) last = m;
    return last;
  }

  /** Resolves with the next `rendered` message (for `view` if given); rejects after `timeoutMs`. */
  waitForRendered(view?: ChartView | 'side', timeoutMs = 30_000): Promise<RenderedMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`No "rendered" from the CNA webview within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = this.onDidRender((m) => {
        if (view && m.view !== view) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(m);
      });
    });
  }

  private receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.pending.values()) void this.webview.postMessage(m);
        this.pending.clear();
        break;
      case 'rendered':
        this.latest.delete(message.view);
        this.latest.set(message.view, message);
        this.renderedEmitter.fire(message);
        break;
      case 'revealPair':
      case 'steer':
      case 'openNeuron':
      case 'pairActivity':
        this.requestEmitter.fire(message);
        break;
      case 'openPanel':
        this.openPanelEmitter.fire();
        break;
      case 'error':
        console.error(`CNA webview: ${message.message}`);
        break;
      default:
        assertNever(message);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
