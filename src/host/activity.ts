/**
 * Circuit activity in the editor (CNA: Show Circuit Activity): each token of the pairs on screen is tinted by
 * its circuit score (src/cna/activity.ts: red toward the positive side, blue toward the negative, stronger
 * with |score|), and a hover lists the neurons behind it with links to their neuron pages. Only the pairs in
 * view (and a few around them) are run, one request at a time; scrolling away or editing cancels the request
 * in flight, and results are kept per prompt text, so nothing is computed twice for the same circuit.
 */
import * as vscode from 'vscode';
import { ACTIVITY_SCORE_DEFINITION, type ActivityNeuron } from '../cna/activity';
import { CancelledError } from '../errors';
import { runActivity, type PromptActivity } from '../jobs/activity';
import { promptSpec } from '../jobs/attribute';
import { promptLineStarts, promptTextRange } from '../pairs/promptOffsets';
import type { Pair, Prompt } from '../pairs/types';
import type { CnaContext } from './context';
import type { DocumentRun } from './documentResults';
import { isPairsDocument } from './documents';
import { withTemplateSetting } from './settings';

/** Lines above and below the visible range whose pairs are also run (smooth scrolling). */
const MARGIN_LINES = 10;
/** |score| from which a token is tinted, and the score of the strongest tint. */
const MIN_SCORE = 0.05;
const FULL_SCORE = 1;
const LEVELS = 4;

export interface ActivityDecoration {
  range: vscode.Range;
  score: number;
  text: string;
}

interface DocumentActivity {
  run: DocumentRun;
  /** Per prompt text: its activity under this run's circuit. */
  byText: Map<string, PromptActivity>;
  drawn: ActivityDecoration[];
  /** Decorations with their top neurons, for the hover. */
  tokens: { range: vscode.Range; score: number; top: PromptActivity['top'][number] }[];
}

export class CircuitActivity implements vscode.Disposable {
  private readonly docs = new Map<string, DocumentActivity>();
  /** The request in flight: what it computes, and its promise (a later refresh for the same prompts joins it). */
  private inflight: { abort: AbortController; texts: Set<string>; done: Promise<void> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly positive: vscode.TextEditorDecorationType[];
  private readonly negative: vscode.TextEditorDecorationType[];
  /** After each prompt: the score at its last token (a template token where the chat template applies). */
  private readonly end: vscode.TextEditorDecorationType;
  private readonly drawnEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.drawnEmitter];
  /** Decorations were drawn (or cleared) for a document (tests wait on it). */
  readonly onDidDraw = this.drawnEmitter.event;

  constructor(private readonly ctx: CnaContext) {
    const tint = (rgb: string, level: number) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(${rgb}, ${(0.12 + (0.5 * level) / (LEVELS - 1)).toFixed(2)})`,
        borderRadius: '2px',
      });
    this.positive = Array.from({ length: LEVELS }, (_, l) => tint('230, 70, 70', l));
    this.negative = Array.from({ length: LEVELS }, (_, l) => tint('70, 130, 230', l));
    this.end = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('editorCodeLens.foreground') } });
    this.disposables.push(
      ...this.positive,
      ...this.negative,
      this.end,
      vscode.languages.registerHoverProvider({ language: 'cnapairs' }, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.schedule(e)),
      ctx.documents.onDidSettle((doc) => {
        const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        if (editor) this.schedule(editor);
      }),
      ctx.documents.onDidClose((uri) => this.docs.delete(uri.toString())),
      ctx.results.onDidChange((uri) => {
        // A new circuit: the old scores mean nothing. Redraw with the new one if still enabled.
        const state = this.docs.get(uri.toString());
        const run = ctx.results.get(uri);
        if (!state || state.run === run) return;
        if (run) this.docs.set(uri.toString(), { run, byText: new Map(), drawn: [], tokens: [] });
        else this.docs.delete(uri.toString());
        const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
        if (editor) this.schedule(editor, 0);
      }),
    );
  }

  /** Starts showing activity on `editor`'s document, with the circuit of its run. */
  async show(editor: vscode.TextEditor, run: DocumentRun): Promise<void> {
    const key = editor.document.uri.toString();
    const state = this.docs.get(key);
    if (!state || state.run !== run) this.docs.set(key, { run, byText: new Map(), drawn: [], tokens: [] });
    await this.refresh(editor);
    // Focus and scroll events may have replaced this request with a newer one: wait for the last.
    while (this.inflight) await this.inflight.done.catch(() => undefined);
  }

  hide(uri: vscode.Uri): void {
    this.docs.delete(uri.toString());
    this.inflight?.abort.abort();
    for (const e of vscode.window.visibleTextEditors.filter((x) => x.document.uri.toString() === uri.toString())) this.clear(e);
    this.drawnEmitter.fire(uri);
  }

  enabled(uri: vscode.Uri): boolean {
    return this.docs.has(uri.toString());
  }

  /** What is drawn on a document (the API's probe). */
  decorations(uri: vscode.Uri): ActivityDecoration[] {
    return this.docs.get(uri.toString())?.drawn ?? [];
  }

  /** Activity of both prompts of one pair (the chart panel's pair view); runs what is not cached. */
  async pairActivity(doc: vscode.TextDocument, run: DocumentRun, pair: Pair, signal?: AbortSignal): Promise<[PromptActivity, PromptActivity]> {
    const key = doc.uri.toString();
    let state = this.docs.get(key);
    const byText = state?.run === run ? state.byText : new Map<string, PromptActivity>();
    const missing = [pair.positive, pair.negative].filter((p) => !byText.has(p.text));
    if (missing.length > 0) await this.compute(doc, run, missing, byText, signal);
    state = this.docs.get(key);
    return [byText.get(pair.positive.text) as PromptActivity, byText.get(pair.negative.text) as PromptActivity];
  }

  private schedule(editor: vscode.TextEditor, delay = 150): void {
    if (!this.docs.has(editor.document.uri.toString())) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(editor), delay);
  }

  /**
   * Runs the visible prompts that have no activity yet, then draws. A request already computing all of them
   * is joined; one computing others (the view moved) is cancelled.
   */
  private async refresh(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    const state = this.docs.get(doc.uri.toString());
    if (!state || !isPairsDocument(doc)) return;
    const missing = this.visiblePrompts(editor).filter((p) => !state.byText.has(p.text));
    this.draw(editor, state);
    if (missing.length === 0) return;
    const current = this.inflight;
    if (current && missing.every((p) => current.texts.has(p.text))) {
      await current.done.catch(() => undefined);
      if (this.docs.get(doc.uri.toString()) === state) this.draw(editor, state);
      return;
    }
    current?.abort.abort();
    const abort = new AbortController();
    const done = this.compute(doc, state.run, missing, state.byText, abort.signal, () => this.draw(editor, state));
    const request = { abort, texts: new Set(missing.map((p) => p.text)), done };
    this.inflight = request;
    this.ctx.running.add(abort);
    try {
      await done;
    } catch (err) {
      if (!(err instanceof CancelledError)) {
        const e = err instanceof Error ? err : new Error(String(err));
        this.ctx.log.error(`Circuit activity failed: ${e.stack ?? e.message}`);
        void vscode.window.showErrorMessage(`CNA: Circuit activity failed: ${e.message}`);
      }
    } finally {
      this.ctx.running.delete(abort);
      if (this.inflight === request) this.inflight = undefined;
    }
    this.draw(editor, state);
  }

  private async compute(doc: vscode.TextDocument, run: DocumentRun, prompts: Prompt[], into: Map<string, PromptActivity>, signal?: AbortSignal, onPrompt?: () => void): Promise<void> {
    const header = withTemplateSetting(this.ctx.documents.parsed(doc).header, doc.uri);
    const texts = [...new Set(prompts.map((p) => p.text))];
    const circuit: ActivityNeuron[] = run.attribution.neurons;
    await this.ctx.engine.use((engine) =>
      runActivity(
        { engine, model: { path: run.modelPath }, signal },
        texts.map((t) => promptSpec(t, header)),
        circuit,
        {
          onPrompt: (a) => {
            into.set(texts[a.prompt], a);
            onPrompt?.();
          },
        },
      ),
    );
  }

  private visiblePrompts(editor: vscode.TextEditor): Prompt[] {
    const pairs = this.ctx.documents.parsed(editor.document).pairs;
    const ranges = editor.visibleRanges.map((r) => [Math.max(0, r.start.line - MARGIN_LINES), r.end.line + MARGIN_LINES]);
    return pairs.filter((p) => ranges.some(([a, b]) => p.endLine >= a && p.line <= b)).flatMap((p) => [p.positive, p.negative]);
  }

  private clear(editor: vscode.TextEditor): void {
    for (const t of [...this.positive, ...this.negative, this.end]) editor.setDecorations(t, []);
  }

  private draw(editor: vscode.TextEditor, state: DocumentActivity): void {
    const doc = editor.document;
    const parsed = this.ctx.documents.parsed(doc);
    const lines = parsed.lines;
    const buckets = { positive: this.positive.map(() => [] as vscode.Range[]), negative: this.negative.map(() => [] as vscode.Range[]) };
    const drawn: ActivityDecoration[] = [];
    const tokens: DocumentActivity['tokens'] = [];
    const ends: vscode.DecorationOptions[] = [];
    for (const pair of parsed.pairs) {
      for (const prompt of [pair.positive, pair.negative]) {
        const a = state.byText.get(prompt.text);
        if (!a) continue;
        const starts = promptLineStarts(prompt, lines);
        const last = a.scores.length - 1;
        if (last >= 0) {
          const endPos = new vscode.Position(prompt.range.end.line, prompt.range.end.character);
          const top = a.top[last][0];
          ends.push({
            range: new vscode.Range(endPos, endPos),
            renderOptions: { after: { contentText: `circuit at the last token ${signed(a.scores[last])}${top ? ` (top ${top.layer}:${top.index})` : ''}` } },
          });
        }
        a.spans.forEach((span, t) => {
          if (!span) return;
          const r = promptTextRange(prompt, starts, span[0], span[1]);
          if (!r) return;
          const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
          const score = a.scores[t];
          tokens.push({ range, score, top: a.top[t] });
          if (Math.abs(score) < MIN_SCORE) return;
          const level = Math.min(LEVELS - 1, Math.floor((Math.abs(score) / FULL_SCORE) * LEVELS));
          (score > 0 ? buckets.positive : buckets.negative)[level].push(range);
          drawn.push({ range, score, text: doc.getText(range) });
        });
      }
    }
    this.positive.forEach((t, l) => editor.setDecorations(t, buckets.positive[l]));
    this.negative.forEach((t, l) => editor.setDecorations(t, buckets.negative[l]));
    editor.setDecorations(this.end, ends);
    state.drawn = drawn;
    state.tokens = tokens;
    this.drawnEmitter.fire(doc.uri);
  }

  private hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const state = this.docs.get(doc.uri.toString());
    const token = state?.tokens.find((t) => t.range.contains(pos) && !t.range.end.isEqual(pos));
    if (!token) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['cna.showNeuron'] };
    md.appendMarkdown(`**Circuit activity** ${signed(token.score)} on \`${doc.getText(token.range).replace(/`/g, "'")}\`\n\n`);
    md.appendMarkdown('Top neurons (z = activation / delta: +1 = one delta toward the positive side):\n\n');
    for (const n of token.top) {
      const args = encodeURIComponent(JSON.stringify([{ layer: n.layer, index: n.index }]));
      md.appendMarkdown(`- [neuron ${n.layer}:${n.index}](command:cna.showNeuron?${args}) z ${signed(n.z)}\n`);
    }
    md.appendMarkdown(`\n_${ACTIVITY_SCORE_DEFINITION}_`);
    return new vscode.Hover(md, token.range);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.inflight?.abort.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
