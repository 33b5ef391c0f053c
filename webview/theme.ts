// Colours come from the VS Code theme's CSS variables, so charts match light, dark and high-contrast
// themes; a change of theme re-renders (VS Code swaps body classes and the variables on <html>).

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

export interface Palette {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  border: string;
  accent: string;
  red: string;
  blue: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  fontFamily: string;
  fontSize: number;
}

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast') || c.contains('vscode-high-contrast-light')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const kind = themeKind();
  const light = kind === 'light' || document.body.classList.contains('vscode-high-contrast-light');
  const s = getComputedStyle(document.documentElement);
  const fg = cssVar(s, '--vscode-editor-foreground', cssVar(s, '--vscode-foreground', light ? '#333333' : '#cccccc'));
  const hc = kind === 'high-contrast';
  const contrast = cssVar(s, '--vscode-contrastBorder', '');
  return {
    kind,
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    grid: hc && contrast ? withAlpha(contrast, 0.5) : cssVar(s, '--vscode-charts-lines', light ? '#61616140' : '#cccccc30'),
    background: cssVar(s, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    border: contrast || cssVar(s, '--vscode-panel-border', '#80808059'),
    accent: cssVar(s, '--vscode-focusBorder', '#007fd4'),
    red: cssVar(s, '--vscode-charts-red', light ? '#e51400' : '#f14c4c'),
    blue: cssVar(s, '--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
    green: cssVar(s, '--vscode-charts-green', light ? '#388a34' : '#89d185'),
    yellow: cssVar(s, '--vscode-charts-yellow', light ? '#bf8803' : '#cca700'),
    orange: cssVar(s, '--vscode-charts-orange', '#d18616'),
    purple: cssVar(s, '--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
    fontFamily: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(s, '--vscode-font-size', '13px')) || 13,
  };
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour with its alpha multiplied by `alpha` (the canvas normalises the syntax for us). */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const v = String(probe.fillStyle);
  if (v.startsWith('#')) {
    const n = parseInt(v.slice(1, 7), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const m = /rgba?\(([^)]+)\)/.exec(v);
  if (!m) return color;
  const [r, g, b, a = '1'] = m[1].split(',').map((p) => p.trim());
  return `rgba(${r}, ${g}, ${b}, ${Number(a) * alpha})`;
}

/** Calls `onChange` once per frame after the theme kind or the theme's variables change. */
export function watchTheme(onChange: () => void): void {
  let scheduled = false;
  let last = signature();
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const now = signature();
      if (now !== last) {
        last = now;
        onChange();
      }
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

function signature(): string {
  return `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
}
