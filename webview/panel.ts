// The chart panel: a header naming the result, and one tab per view.
import type { ChartView, HostMessage } from '../src/webviewProtocol';
import { assertNever } from '../src/webviewProtocol';
import { applyTheme } from './chartSetup';
import { defaultDownsample } from './downsample';
import { clearResults, initialState, NO_RESULT_NOTE, shownResult, STALE_NOTE, summarize, toAttributionView, type PersistedState } from './state';
import { readPalette } from './theme';
import { button, tabs } from './toolkit';
import { loadState, post, saveState } from './vscodeApi';
import { renderActivity } from './views/activity';
import { renderCompare, type CompareView } from './views/compare';
import { renderNeuron, type NeuronView } from './views/neuron';
import { renderPairs, type PairsChart } from './views/pairs';
import { createPlayground } from './views/playground';
import { renderSeparation, type Rendered } from './views/separation';
import { note, renderSamples, renderSweep } from './views/sweep';

export interface App {
  receive(message: HostMessage): void;
  rerender(): void;
}

const VIEWS: { id: ChartView; label: string }[] = [
  { id: 'separation', label: 'Separation' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'pairs', label: 'Pairs' },
  { id: 'playground', label: 'Playground' },
  { id: 'neuron', label: 'Neuron' },
  { id: 'activity', label: 'Activity' },
  { id: 'compare', label: 'Compare' },
];

export function startPanel(root: HTMLElement): App {
  const state: PersistedState = loadState() ?? initialState();
  let palette = readPalette();
  applyTheme(palette);

  const header = document.createElement('header');
  const title = document.createElement('h1');
  const meta = document.createElement('div');
  meta.className = 'meta';
  const staleNote = document.createElement('div');
  staleNote.className = 'stale-note';
  staleNote.setAttribute('role', 'status');
  header.append(title, meta, staleNote);

  const bodies = new Map<ChartView, HTMLElement>();
  for (const v of VIEWS) {
    const body = document.createElement('div');
    body.className = `view view-${v.id}`;
    bodies.set(v.id, body);
  }

  // Separation: a toolbar and the charts.
  const sepToolbar = document.createElement('div');
  sepToolbar.className = 'toolbar';
  const sepHost = document.createElement('div');
  sepHost.className = 'charts';
  const logButton = button(
    '',
    () => {
      state.logScale = !state.logScale;
      persist();
      renderSeparationView(performance.now());
    },
    'secondary',
  );
  const sepCaption = document.createElement('span');
  sepCaption.className = 'hint';
  sepToolbar.append(sepCaption, logButton);
  bodies.get('separation')!.append(sepToolbar, sepHost);

  // Sweep: the curve and the samples behind it.
  const sweepHost = document.createElement('div');
  sweepHost.className = 'charts';
  const samplesHost = document.createElement('div');
  samplesHost.className = 'samples-host';
  bodies.get('sweep')!.append(sweepHost, samplesHost);

  // Pairs: order switch and the bars.
  const pairsToolbar = document.createElement('div');
  pairsToolbar.className = 'toolbar';
  const pairsHost = document.createElement('div');
  pairsHost.className = 'charts';
  const orderButton = button(
    '',
    () => {
      state.pairOrder = state.pairOrder === 'file' ? 'contribution' : 'file';
      persist();
      renderPairsView(performance.now());
    },
    'secondary',
  );
  const pairsCaption = document.createElement('span');
  pairsCaption.className = 'hint';
  pairsToolbar.append(pairsCaption, orderButton);
  bodies.get('pairs')!.append(pairsToolbar, pairsHost);

  const playground = createPlayground(state.playground ?? { prompt: '', multiplier: 0 }, {
    onChange(prompt, multiplier) {
      state.playground = { ...(state.playground ?? {}), prompt, multiplier };
      persist();
    },
    onRun(prompt, multiplier) {
      state.playground = { prompt, multiplier, pending: true };
      persist();
      playground.show(state.playground);
      post({ type: 'steer', prompt, multiplier });
    },
  });
  bodies.get('playground')!.append(playground.element);

  // Neuron page and one pair's circuit activity.
  const neuronHost = document.createElement('div');
  neuronHost.className = 'neuron-host';
  bodies.get('neuron')!.append(neuronHost);
  const activityHost = document.createElement('div');
  activityHost.className = 'activity-host';
  bodies.get('activity')!.append(activityHost);
  const compareHost = document.createElement('div');
  compareHost.className = 'compare-host';
  bodies.get('compare')!.append(compareHost);
  const openNeuron = (neuron: { layer: number; index: number }) => {
    state.neuron = { pending: neuron };
    persist();
    tabBar.select('neuron');
    renderNeuronView(performance.now());
    post({ type: 'openNeuron', neuron });
  };
  const showPairActivity = (line: number) => {
    state.pairActivity = { line, pending: true };
    persist();
    renderActivityView(performance.now());
    post({ type: 'pairActivity', line });
  };

  const tabBar = tabs(
    VIEWS.map((v) => ({ ...v, body: bodies.get(v.id)! })),
    state.view,
    (view) => {
      state.view = view;
      persist();
    },
  );
  root.replaceChildren(header, tabBar.element);

  let separation: Rendered | undefined;
  let sweep: Rendered | undefined;
  let pairs: PairsChart | undefined;
  let neuronView: NeuronView | undefined;
  let compareView: CompareView | undefined;

  function persist(): void {
    saveState(state);
  }

  function rendered(view: ChartView, start: number, shown?: Record<string, string>): void {
    post({
      type: 'rendered',
      view,
      summary: summarize(state),
      ms: performance.now() - start,
      ...shownResult(state),
      ...(shown ? { shown } : {}),
      ...(view === 'pairs' && state.highlightedLine !== undefined ? { highlightedLine: state.highlightedLine } : {}),
    });
  }

  function renderHeader(): void {
    const a = state.attribution;
    title.textContent = a ? `CNA · ${a.feature}` : 'CNA';
    staleNote.textContent = a && state.stale ? STALE_NOTE : '';
    staleNote.hidden = !(a && state.stale);
    if (!a) {
      meta.textContent = state.note ?? NO_RESULT_NOTE;
      return;
    }
    const s = summarize(state);
    const model = a.model.path.split(/[\\/]/).filter(Boolean).pop() ?? a.model.path;
    meta.textContent = [
      model,
      `k = ${a.k.toLocaleString('en-US')}${a.top ? ` (--top ${a.top})` : ''}`,
      `${s.neurons.toLocaleString('en-US')} neurons in ${s.layers} layers`,
      a.universalFilter === false ? 'universal filter off' : `${s.universal} universal filtered`,
      a.formatting ? `${a.formatting} formatting` : undefined,
      a.source,
    ]
      .filter(Boolean)
      .join('  ·  ');
  }

  function renderSeparationView(start: number): void {
    separation?.destroy();
    separation = undefined;
    logButton.textContent = state.logScale ? 'Linear scale' : 'Log scale';
    const a = state.attribution;
    if (!a) {
      sepHost.replaceChildren(note('No attribution yet.'));
      sepCaption.textContent = '';
    } else {
      separation = renderSeparation(sepHost, a, palette, { logScale: state.logScale, compact: false, onNeuron: openNeuron });
      const s = summarize(state);
      sepCaption.textContent =
        s.neurons > separation.drawn
          ? `All ${a.neurons.length} circuit and ${a.universal.length} universal neurons are drawn; the other ${s.neurons.toLocaleString('en-US')} as the ${defaultDownsample.topN} largest per layer plus a min/max envelope (${separation.drawn.toLocaleString('en-US')} points).`
          : `Every one of the ${s.neurons.toLocaleString('en-US')} neurons is drawn.`;
    }
    rendered('separation', start);
  }

  function renderSweepView(start: number): void {
    sweep?.destroy();
    sweep = undefined;
    const s = state.sweep;
    if (!s) {
      sweepHost.replaceChildren(note('No sweep yet. Run “CNA: Sweep Multipliers” to plot refusal against the multiplier.'));
      samplesHost.replaceChildren();
    } else {
      sweep = renderSweep(sweepHost, s, palette, {
        compact: false,
        selected: state.sampleMultiplier,
        onSelect(m) {
          state.sampleMultiplier = m;
          persist();
          renderSweepView(performance.now());
        },
      });
      renderSamples(samplesHost, s, state.sampleMultiplier);
    }
    rendered('sweep', start);
  }

  function renderPairsView(start: number): void {
    pairs?.destroy();
    pairs = undefined;
    orderButton.textContent = state.pairOrder === 'file' ? 'Sort by contribution' : 'File order';
    const list = state.attribution?.pairs ?? [];
    if (!list.length) {
      pairsHost.replaceChildren(note('No pair contributions yet.'));
      pairsCaption.textContent = '';
    } else {
      const inverted = list.filter((q) => q.contribution < 0).length;
      pairsCaption.textContent = `${list.length} pairs${inverted ? `, ${inverted} pulling against the circuit (orange)` : ''}.`;
      pairs = renderPairs(pairsHost, list, palette, {
        order: state.pairOrder,
        highlighted: state.highlightedLine,
        onReveal(line) {
          state.highlightedLine = line;
          persist();
          post({ type: 'revealPair', line });
          showPairActivity(line);
        },
      });
    }
    rendered('pairs', start);
  }

  function renderNeuronView(start: number): void {
    neuronView?.destroy();
    neuronView = renderNeuron(neuronHost, state.neuron, palette, {
      circuit: state.attribution?.neurons ?? [],
      onOpen: openNeuron,
      onRevealPair: (line) => post({ type: 'revealPair', line }),
    });
    rendered('neuron', start, neuronView.shown);
  }

  function renderActivityView(start: number): void {
    const lines = (state.attribution?.pairs ?? []).map((q) => q.line).sort((x, y) => x - y);
    const shown = renderActivity(activityHost, state.pairActivity, palette, { lines, onShow: showPairActivity, onOpen: openNeuron });
    rendered('activity', start, shown);
  }

  function renderCompareView(start: number): void {
    compareView?.destroy();
    compareView = renderCompare(compareHost, state.compare, palette);
    rendered('compare', start, compareView.shown);
  }

  function renderAll(start: number): void {
    renderHeader();
    renderSeparationView(start);
    renderSweepView(start);
    renderPairsView(start);
    renderNeuronView(start);
    renderActivityView(start);
    renderCompareView(start);
  }

  renderAll(performance.now());

  return {
    receive(message) {
      const start = performance.now();
      switch (message.type) {
        case 'attribution':
          state.attribution = toAttributionView(message.result);
          state.highlightedLine = undefined;
          state.stale = false;
          state.note = undefined;
          persist();
          renderHeader();
          renderSeparationView(start);
          renderPairsView(start);
          renderNeuronView(start);
          renderActivityView(start);
          break;
        case 'sweep':
          state.sweep = message.result;
          state.sampleMultiplier = undefined;
          persist();
          renderSweepView(start);
          break;
        case 'playground':
          state.playground = message.state;
          persist();
          playground.show(message.state);
          rendered('playground', start);
          break;
        case 'neuron':
          state.neuron = message.state;
          persist();
          renderNeuronView(start);
          break;
        case 'pairActivity':
          state.pairActivity = message.state;
          persist();
          renderActivityView(start);
          break;
        case 'compare':
          state.compare = message.state;
          persist();
          renderCompareView(start);
          break;
        case 'highlightPair':
          state.highlightedLine = message.line;
          persist();
          if (pairs) pairs.highlight(message.line);
          rendered('pairs', start);
          break;
        case 'showView':
          state.view = message.view;
          persist();
          tabBar.select(message.view);
          break;
        case 'stale':
          state.stale = message.stale;
          persist();
          renderAll(start);
          break;
        case 'clear':
          clearResults(state, message.note);
          persist();
          renderAll(start);
          break;
        default:
          assertNever(message);
      }
    },
    rerender() {
      palette = readPalette();
      applyTheme(palette);
      renderAll(performance.now());
    },
  };
}
