#!/usr/bin/env node
// Benchmarks (never tests): runs every section in scripts/bench/*.mjs, or only those named on the command line,
// and prints a table, or one JSON object with --json. A section exports `name` and `async run()` returning rows
// `{ metric, value, unit }`. Sections import built code from out/ (npm run bench compiles it first).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));

const sections = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const mod = await import(pathToFileURL(join(dir, file)).href);
  if (typeof mod.name !== 'string' || typeof mod.run !== 'function') {
    console.error(`bench: ${file} must export name and async run(); skipped.`);
    continue;
  }
  if (only.length === 0 || only.includes(mod.name)) sections.push(mod);
}
if (only.length > 0 && sections.length === 0) {
  console.error(`bench: no section named ${only.join(', ')}.`);
  process.exit(2);
}

const results = {};
let failed = false;
for (const section of sections) {
  if (!json) process.stderr.write(`bench: ${section.name}...\n`);
  try {
    results[section.name] = await section.run();
  } catch (err) {
    failed = true;
    results[section.name] = { error: err instanceof Error ? err.message : String(err) };
  }
}

if (json) {
  // One object: every metric with an identifier-like name (e.g. instrumentedOverPlain) at the top level,
  // and each section's full rows under `sections`.
  const flat = {};
  for (const r of Object.values(results)) {
    if (Array.isArray(r)) for (const row of r) if (/^[A-Za-z][A-Za-z0-9]*$/.test(row.metric)) flat[row.metric] = row.value;
  }
  process.stdout.write(JSON.stringify({ ...flat, sections: results }, null, 2) + '\n');
} else {
  const rows = [['section', 'metric', 'value', 'unit']];
  for (const [name, r] of Object.entries(results)) {
    if (!Array.isArray(r)) rows.push([name, 'error', r.error, '']);
    else for (const row of r) rows.push([name, row.metric, formatValue(row.value), row.unit ?? '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  rows.splice(
    1,
    0,
    widths.map((w) => '-'.repeat(w)),
  );
  for (const r of rows)
    console.log(
      r
        .map((cell, c) => (c === 2 ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    );
}
process.exitCode = failed ? 1 : 0;

function formatValue(v) {
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
