// The only file that touches @vscode/webview-ui-toolkit.
// DEPRECATED UPSTREAM: Microsoft archived the toolkit (1.4.0 is its last release, January 2025) and its
// base, FAST Foundation 2, is no longer developed. It is used here as the project asks, but thinly:
// the rest of the webview builds elements through these helpers, so replacing the toolkit (with plain
// HTML styled by the --vscode-* variables, or a maintained library such as vscode-elements) means
// rewriting this one file. Bundled by esbuild into dist/webview.js (tree-shaken), not loaded separately.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeDivider, vsCodePanels, vsCodePanelTab, vsCodePanelView, vsCodeProgressRing, vsCodeTextArea } from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeButton(), vsCodeDivider(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing(), vsCodeTextArea());
}

export interface Tab<Id extends string> {
  id: Id;
  label: string;
  body: HTMLElement;
}

export interface Tabs<Id extends string> {
  element: HTMLElement;
  select(id: Id): void;
}

/** A row of tabs with one body each; `onSelect` fires when the user switches. */
export function tabs<Id extends string>(items: Tab<Id>[], active: Id, onSelect: (id: Id) => void): Tabs<Id> {
  const panels = document.createElement('vscode-panels');
  panels.setAttribute('aria-label', 'Views');
  for (const item of items) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${item.id}`;
    tab.textContent = item.label;
    panels.appendChild(tab);
  }
  for (const item of items) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${item.id}`;
    view.appendChild(item.body);
    panels.appendChild(view);
  }
  panels.setAttribute('activeid', `tab-${active}`);
  panels.addEventListener('change', (e) => {
    // Inner inputs' change events bubble here too; only the panels' own count. The property is
    // current at once, the attribute only after FAST's next update.
    if (e.target !== panels) return;
    const id = String((panels as HTMLElement & { activeid?: string }).activeid ?? '').replace(/^tab-/, '');
    const found = items.find((i) => i.id === id);
    if (found) onSelect(found.id);
  });
  return {
    element: panels,
    select(id) {
      if (panels.getAttribute('activeid') !== `tab-${id}`) panels.setAttribute('activeid', `tab-${id}`);
    },
  };
}

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'primary'): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', appearance);
  b.textContent = label;
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function setDisabled(element: HTMLElement, disabled: boolean): void {
  element.toggleAttribute('disabled', disabled);
}

export interface TextArea {
  element: HTMLElement;
  value(): string;
  setValue(v: string): void;
}

export function textArea(label: string, placeholder: string, rows: number, onInput: (v: string) => void): TextArea {
  const t = document.createElement('vscode-text-area') as HTMLElement & { value: string };
  t.setAttribute('placeholder', placeholder);
  t.setAttribute('rows', String(rows));
  t.setAttribute('resize', 'vertical');
  t.textContent = label;
  t.addEventListener('input', () => onInput(t.value));
  return {
    element: t,
    value: () => t.value ?? '',
    setValue: (v) => {
      t.value = v;
    },
  };
}

export function badge(text: string): HTMLElement {
  const b = document.createElement('vscode-badge');
  b.textContent = text;
  return b;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}
