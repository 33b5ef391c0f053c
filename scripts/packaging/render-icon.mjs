// Renders media/icon.svg to media/icon.png (128 x 128; the Marketplace and VS Code want a PNG icon) in
// headless chromium. Run by hand after editing the SVG: node scripts/packaging/render-icon.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const media = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'media');
const browser = await chromium.launch({ executablePath: process.env.CNA_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<body style="margin:0;background:transparent">${readFileSync(join(media, 'icon.svg'), 'utf8')}</body>`);
await page.locator('svg').screenshot({ path: join(media, 'icon.png'), omitBackground: true });
await browser.close();
console.log(`wrote ${join(media, 'icon.png')}`);
