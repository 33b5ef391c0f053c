/**
 * The extension's one engine worker (dist/worker.js), started on first use so that opening a .cnapairs file
 * never loads onnxruntime. A change of `cna.threads` or `cna.executionProvider` restarts it before the next
 * run (the session options apply when a model loads); it is shut down with the extension.
 */
import * as vscode from 'vscode';
import { EngineClient } from '../engine/client';
import { readSettings } from './settings';

/** Settings that the engine reads when it starts. */
const ENGINE_SETTINGS = ['cna.threads', 'cna.executionProvider'];

export class HostEngine implements vscode.Disposable {
  private client: EngineClient | undefined;
  /** Runs using the client now; a restart waits for them. */
  private busy = 0;
  private restartPending = false;
  private readonly startedEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.startedEmitter];
  /** A worker started (lenses and lint may now ask it for token counts). */
  readonly onDidStart = this.startedEmitter.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** The session cache's folder (in the extension's global storage). */
    private readonly cacheDir?: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const changed = ENGINE_SETTINGS.filter((s) => e.affectsConfiguration(s));
        if (changed.length > 0 && this.client) {
          this.log.info(`${changed.join(', ')} changed: the engine restarts before the next run.`);
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

  /** Runs `fn` with the engine; a pending restart (new session options) happens once no run uses it. */
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

  /** Runs `fn` only if the worker is already running (never starts one); undefined otherwise. */
  async ifStarted<T>(fn: (client: EngineClient) => Promise<T>): Promise<T | undefined> {
    return this.client && !this.restartPending ? this.use(fn) : undefined;
  }

  private get(): EngineClient {
    if (this.client) return this.client;
    const settings = readSettings();
    const threads = settings.threads > 0 ? Math.floor(settings.threads) : 0;
    const executionProvider = settings.executionProvider.trim() || 'cpu';
    this.log.info(`Starting the engine worker (${threads > 0 ? `${threads} threads` : 'threads: one per core'}, execution provider ${executionProvider}).`);
    // An unavailable provider fails at the first model load with a UserError that says to set it back to cpu.
    this.client = EngineClient.start({ ...(threads > 0 ? { threads } : {}), executionProvider, cacheDir: this.cacheDir });
    this.startedEmitter.fire();
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
