// The HTML report's script (bundled to dist/report.js and inlined into the report by src/jobs/reproduceHtml.ts):
// draws each model's sweep with the chart panel's own view, from data inlined in the page. No network.
import type { SweepChart } from '../src/webviewProtocol';
import { applyTheme } from './chartSetup';
import { readPalette } from './theme';
import { renderSweep } from './views/sweep';

const data = JSON.parse(document.getElementById('cna-data')?.textContent ?? '{"charts":[]}') as { charts: SweepChart[] };
const palette = readPalette();
applyTheme(palette);
for (const host of Array.from(document.querySelectorAll<HTMLElement>('.cna-chart'))) {
  const chart = data.charts[Number(host.dataset.index)];
  if (chart) renderSweep(host, chart, palette, { compact: false });
}
document.body.dataset.rendered = String(document.querySelectorAll('canvas').length);
