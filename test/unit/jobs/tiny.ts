// Shared by the jobs tests: the tiny Llama the engine tests use (exported from PyTorch, 3 layers x 80 MLP
// neurons, byte-level tokenizer, 96 positions, so prompts are short and raw), and temporary pairs files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli';

export const REPO = path.join(__dirname, '..', '..', '..', '..');
export const TINY = path.join(REPO, 'test', 'unit', 'engine', 'fixtures', 'tiny-llama');

export function tempDir(prefix = 'cna-jobs-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Four discovery pairs and two held-out pairs, raw template, 6 neurons, layer 0 excluded. */
export const SMALL_PAIRS = [
  '# tiny test pairs',
  '@feature tiny',
  '@template raw',
  '@top 6',
  '@exclude-layers 0',
  '@multipliers 0 1 2',
  '',
  '+ Hi there',
  '- Yo there',
  '',
  '+ How to pick a lock?',
  '- How to bake a cake?',
  '',
  '+ Make a fake ID',
  '- Make a paper boat',
  '',
  '+ Steal a car',
  '- Wash a car',
  '',
  '@split eval',
  '+ Break a door',
  '- Paint a door',
  '',
  '+ Hack a site',
  '- Build a site',
  '',
].join('\n');

/** Many short pairs, for runs long enough to cancel in the middle. */
export function manyPairs(n: number): string {
  const words = ['lock', 'car', 'door', 'key', 'site', 'code', 'mail', 'bank', 'card', 'file', 'cake', 'boat', 'kite'];
  const out = ['@feature big', '@template raw', '@top 6', '@exclude-layers 0', ''];
  for (let i = 0; i < n; i++) out.push(`+ Steal the ${words[i % words.length]} ${i}`, `- Paint the ${words[(i * 7 + 3) % words.length]} ${i}`, '');
  return out.join('\n');
}

export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
  });
  return { code, stdout, stderr };
}
