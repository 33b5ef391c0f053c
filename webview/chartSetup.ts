// Chart.js, registered piecewise (tree-shaken) and themed from the VS Code palette.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Title, Tooltip } from 'chart.js';
import { withAlpha, type Palette } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Title, Tooltip);

export { Chart };

/** Global defaults: no animation (re-renders must be instant), theme colours and font. */
export function applyTheme(p: Palette): void {
  const d = Chart.defaults;
  d.animation = false;
  d.color = p.foreground;
  d.borderColor = p.grid;
  d.font.family = p.fontFamily;
  d.font.size = Math.max(11, p.fontSize - 1);
  d.maintainAspectRatio = false;
  d.responsive = true;
  d.plugins.legend.labels.boxWidth = 12;
  d.plugins.legend.labels.boxHeight = 12;
  d.plugins.tooltip.backgroundColor = withAlpha(p.background, 0.96);
  d.plugins.tooltip.titleColor = p.foreground;
  d.plugins.tooltip.bodyColor = p.foreground;
  d.plugins.tooltip.borderColor = p.kind === 'high-contrast' ? p.border : p.grid;
  d.plugins.tooltip.borderWidth = 1;
  d.plugins.title.color = p.foreground;
  d.plugins.title.font = { weight: 'normal', size: p.fontSize };
}

/** Axis styling shared by every chart. */
export function axis(
  p: Palette,
  title?: string,
): {
  grid: { color: string; tickColor: string; lineWidth: number };
  border: { color: string };
  ticks: { color: string };
  title: { display: boolean; text: string; color: string };
} {
  const hc = p.kind === 'high-contrast';
  return {
    grid: { color: p.grid, tickColor: p.grid, lineWidth: hc ? 1 : 0.6 },
    border: { color: hc ? p.border : p.grid },
    ticks: { color: hc ? p.foreground : p.muted },
    title: { display: !!title, text: title ?? '', color: p.foreground },
  };
}
