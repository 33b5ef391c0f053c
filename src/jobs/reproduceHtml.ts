/**
 * The self-contained HTML report of `cna reproduce --html`: the Markdown report as HTML, with each model's
 * sweep drawn by the chart panel's own chart.js view (dist/report.js, inlined with the data). No network:
 * one file that opens anywhere.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { sweepForChart } from './sweepChart';
import { markdownToHtml } from './markdownHtml';
import { packageRoot } from './packageRoot';
import type { ReproduceResult } from './reproduce';

const STYLE = `
body { font: 14px/1.5 system-ui, sans-serif; color: #222; margin: 2em auto; max-width: 1200px; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code { background: #f3f3f3; padding: 0 3px; }
.chart-box { position: relative; height: 380px; margin: 1em 0; }
`;

export async function reproduceHtml(r: { models: readonly ReproduceResult[]; markdown: string }): Promise<string> {
  const script = await readFile(path.join(packageRoot(), 'dist', 'report.js'), 'utf8').catch(() => {
    throw new Error('dist/report.js is missing: run npm run build.');
  });
  const charts = r.models.map((m) => sweepForChart(m.sweep));
  // Each "The sweep" heading is followed by its model's chart, in report order.
  let next = 0;
  const body = markdownToHtml(r.markdown, (text) => (text === 'The sweep' && next < charts.length ? `<div class="cna-chart" data-index="${next++}"></div>` : ''));
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  const title = /^# (.*)$/m.exec(r.markdown)?.[1] ?? 'CNA report';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${title.replace(/</g, '&lt;')}</title>`,
    `<style>${STYLE}</style></head>`,
    '<body class="vscode-light">',
    body,
    `<script type="application/json" id="cna-data">${data}</script>`,
    `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
