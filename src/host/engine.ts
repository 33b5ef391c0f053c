/**
 * The extension's one engine worker (dist/worker.js), started on first use so that opening a .cnapairs file
 * never loads onnxruntime. A change of `cna.threads` restarts it before the next run; it is shut down with
 * the extension.
 */
import * as vscode from 'vscode';
import { EngineClient } from '../engine/client';
import { readSettings } from './settings';

export class HostEngine implements vscode.Disposable {
  private client: EngineClient | undefined;
  private threads = 0;
  private warnedProvider = false;
  /** Runs using the client now; a restart waits for them. */
  private busy = 0;
  private restartPending = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cna.threads') && this.client) {
          this.log.info('cna.threads changed: the engine restarts before the next run.');
          this.restartPending = true;
          if (this.busy === 0) void this.stop();
        }
      }),
    );
  }

  /** Whether a worker is running (a model may be loaded in it). */
  get started(): boolean {
    return this.client !== undefined;
  }

  /** Runs `fn` with the engine; a pending restart (new thread count) happens once no run uses it. */
  async use<T>(fn: (client: EngineClient) => Promise<T>): Promise<T> {
    const client = this.get();
    this.busy++;
    try {
      return await fn(client);
    } finally {
      this.busy--;
      if (this.busy === 0 && this.restartPending) void this.stop();
    }
  }

  private get(): EngineClient {
    if (this.client) return this.client;
    const settings = readSettings();
    if (settings.executionProvider !== 'cpu' && !this.warnedProvider) {
      // The engine creates CPU sessions only so far; say so instead of silently ignoring the setting.
      this.warnedProvider = true;
      const msg = `cna.executionProvider "${settings.executionProvider}" is not supported by the engine yet: running on the CPU.`;
      this.log.warn(msg);
      void vscode.window.showWarningMessage(`CNA: ${msg}`);
    }
    this.threads = settings.threads > 0 ? Math.floor(settings.threads) : 0;
    this.log.info(`Starting the engine worker (${this.threads > 0 ? `${this.threads} threads` : 'threads: one per core'}).`);
    this.client = EngineClient.start(this.threads > 0 ? { threads: this.threads } : {});
    return this.client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.restartPending = false;
    await client?.close();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.stop();
  }
}
