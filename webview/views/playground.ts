// (d) Steering playground: one prompt, one multiplier, the unsteered and the steered answer side by side.
import type { PlaygroundState } from '../../src/webviewProtocol';
import { button, progressRing, setDisabled, textArea } from '../toolkit';

export interface PlaygroundOptions {
  onChange(prompt: string, multiplier: number): void;
  onRun(prompt: string, multiplier: number): void;
}

export interface Playground {
  element: HTMLElement;
  show(state: PlaygroundState): void;
}

export function createPlayground(initial: PlaygroundState, o: PlaygroundOptions): Playground {
  const root = document.createElement('div');
  root.className = 'playground';
  let prompt = initial.prompt;
  let multiplier = initial.multiplier;

  const input = textArea('Prompt', 'Write a prompt to answer with and without steering…', 4, (v) => {
    prompt = v;
    o.onChange(prompt, multiplier);
    sync();
  });
  input.setValue(prompt);

  const controls = document.createElement('div');
  controls.className = 'controls';
  const label = document.createElement('label');
  label.htmlFor = 'cna-multiplier';
  label.textContent = 'Multiplier';
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.id = 'cna-multiplier';
  slider.min = '-2';
  slider.max = '4';
  slider.step = '0.05';
  slider.value = String(multiplier);
  const value = document.createElement('output');
  value.htmlFor.add('cna-multiplier');
  value.className = 'multiplier-value';
  const meaning = document.createElement('span');
  meaning.className = 'hint';
  slider.addEventListener('input', () => {
    multiplier = Number(slider.value);
    o.onChange(prompt, multiplier);
    sync();
  });
  const presets = document.createElement('span');
  presets.className = 'presets';
  for (const m of [0, 1, 2]) {
    presets.appendChild(
      button(
        `m = ${m}`,
        () => {
          multiplier = m;
          slider.value = String(m);
          o.onChange(prompt, multiplier);
          sync();
        },
        'secondary',
      ),
    );
  }
  const run = button('Run', () => {
    if (prompt.trim()) o.onRun(prompt, multiplier);
  });
  const ring = progressRing();
  ring.hidden = true;
  controls.append(label, slider, value, meaning, presets, run, ring);

  const answers = document.createElement('div');
  answers.className = 'answers';
  const column = (title: string): { box: HTMLElement; head: HTMLElement; body: HTMLElement } => {
    const box = document.createElement('section');
    box.className = 'answer';
    const head = document.createElement('h3');
    head.textContent = title;
    const body = document.createElement('div');
    body.className = 'answer-text';
    box.append(head, body);
    answers.appendChild(box);
    return { box, head, body };
  };
  const baseline = column('Baseline (m = 1)');
  const steered = column('Steered');
  const error = document.createElement('p');
  error.className = 'error';
  error.hidden = true;

  root.append(input.element, controls, error, answers);

  let pending = false;
  function sync(): void {
    value.textContent = multiplier.toFixed(2);
    meaning.textContent = multiplier === 0 ? 'ablate' : multiplier === 1 ? 'unchanged' : multiplier < 0 ? 'flip' : multiplier > 1 ? 'amplify' : 'dampen';
    setDisabled(run, pending || !prompt.trim());
  }

  function show(s: PlaygroundState): void {
    prompt = s.prompt;
    multiplier = s.multiplier;
    if (input.value() !== prompt) input.setValue(prompt);
    slider.value = String(multiplier);
    pending = !!s.pending;
    ring.hidden = !pending;
    steered.head.textContent = `Steered (m = ${multiplier})`;
    baseline.body.textContent = s.baseline ?? (pending ? 'Generating…' : 'Run to see the unsteered answer.');
    steered.body.textContent = s.steered ?? (pending ? 'Generating…' : 'Run to see the steered answer.');
    baseline.body.classList.toggle('placeholder', s.baseline === undefined);
    steered.body.classList.toggle('placeholder', s.steered === undefined);
    error.hidden = !s.error;
    error.textContent = s.error ?? '';
    sync();
  }

  show(initial);
  return { element: root, show };
}
