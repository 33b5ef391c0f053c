// The webview's only channel to the extension host: one typed `post()`, and the persisted state
// VS Code hands back when the webview is re-created (tab hidden and shown, window reloaded).
import type { WebviewMessage } from '../src/webviewProtocol';
import type { PersistedState } from './state';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per webview.
const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): PersistedState | undefined {
  const s = api.getState();
  return s && typeof s === 'object' && (s as PersistedState).version === 1 ? (s as PersistedState) : undefined;
}

/** State must be JSON: typed arrays are stored downsampled as plain arrays (see state.ts). */
export function saveState(state: PersistedState): void {
  api.setState(state);
}
