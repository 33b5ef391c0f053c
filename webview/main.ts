// Webview entry (bundled to dist/webview.js): the chart panel or the compact side view, chosen by
// <body data-mode>. Everything arrives as messages from the host; nothing is fetched.
import type { HostMessage } from '../src/webviewProtocol';
import { startPanel, type App } from './panel';
import { startSide } from './side';
import { watchTheme } from './theme';
import { registerToolkit } from './toolkit';
import { post } from './vscodeApi';

// A record over the union's tags, so a new host message fails to compile until it is listed here.
const TYPES: Record<HostMessage['type'], true> = {
  attribution: true,
  sweep: true,
  playground: true,
  neuron: true,
  pairActivity: true,
  compare: true,
  highlightPair: true,
  showView: true,
  stale: true,
  clear: true,
};
const KNOWN: ReadonlySet<string> = new Set(Object.keys(TYPES));

function isHostMessage(data: unknown): data is HostMessage {
  return !!data && typeof data === 'object' && KNOWN.has(String((data as { type?: unknown }).type));
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`CNA webview: ${message}`);
  post({ type: 'error', message });
}

registerToolkit();
const root = document.getElementById('root') ?? document.body;
let app: App | undefined;
try {
  app = document.body.dataset.mode === 'side' ? startSide(root) : startPanel(root);
} catch (e) {
  report(e);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!app || !isHostMessage(event.data)) return;
  try {
    app.receive(event.data);
  } catch (e) {
    report(e);
  }
});

watchTheme(() => {
  try {
    app?.rerender();
  } catch (e) {
    report(e);
  }
});

post({ type: 'ready' });
