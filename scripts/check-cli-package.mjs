// `npm run test:cli-package`: packs the CLI (scripts/pack-cli.mjs) and installs the tarball with
// `npm install -g` into a fresh temporary prefix with no network (--offline, an empty cache, and a registry
// address that refuses connections), then runs the installed `cna` from a folder outside the repository:
// --help, lint on the shipped example, attribute on the demo with the bundled demo model.
// Usage: node scripts/check-cli-package.mjs [--tarball FILE]   (an existing tarball skips the packing)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const scratch = mkdtempSync(join(tmpdir(), 'cna-cli-check-'));
let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};
try {
  const tarball = argv.includes('--tarball')
    ? argv[argv.indexOf('--tarball') + 1]
    : execFileSync(process.execPath, [join(root, 'scripts', 'pack-cli.mjs'), '--out', join(scratch, 'pack')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
        .trim()
        .split('\n')
        .pop();
  const prefix = join(scratch, 'prefix');
  // No network: npm may not fetch anything, and could not if it tried.
  const offline = {
    ...process.env,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: join(scratch, 'cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball], { env: offline, encoding: 'utf8' });
  check(install.status === 0, `npm install -g --offline ${tarball.split('/').pop()} into a fresh prefix${install.status ? `: ${install.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  const bin = process.platform === 'win32' ? join(prefix, 'cna.cmd') : join(prefix, 'bin', 'cna');
  check(existsSync(bin), `installed ${bin}`);
  const pkg = process.platform === 'win32' ? join(prefix, 'node_modules', 'cna-cli') : join(prefix, 'lib', 'node_modules', 'cna-cli');

  const ws = join(scratch, 'work');
  mkdirSync(ws);
  copyFileSync(join(pkg, 'examples', 'demo.cnapairs'), join(ws, 'demo.cnapairs'));
  const cna = (...a) => spawnSync(bin, a, { cwd: ws, encoding: 'utf8', env: { ...offline, PATH: `${dirname(bin)}:${process.env.PATH}` } });

  const help = cna('--help');
  check(help.status === 0 && /attribute/.test(help.stdout + help.stderr) && /sweep/.test(help.stdout + help.stderr), `cna --help (exit ${help.status})`);
  const lint = cna('lint', 'demo.cnapairs');
  check(lint.status === 0, `cna lint demo.cnapairs (exit ${lint.status}): ${(lint.stdout + lint.stderr).trim().split('\n').pop()}`);
  const att = cna('attribute', 'demo.cnapairs', '--out', 'circuit.json');
  const circuit = att.status === 0 && existsSync(join(ws, 'circuit.json')) ? JSON.parse(readFileSync(join(ws, 'circuit.json'), 'utf8')) : undefined;
  const neurons = circuit?.neurons?.length ?? circuit?.circuit?.length;
  check(
    att.status === 0 && neurons === 200,
    `cna attribute demo.cnapairs on the bundled demo model: ${neurons ?? '?'} neurons (exit ${att.status})${att.status ? `: ${att.stderr.trim().split('\n').pop()}` : ''}`,
  );
  check(/demo-instruct/.test(att.stdout + att.stderr + JSON.stringify(circuit?.model ?? '')), 'the model is the bundled demo-instruct');
} finally {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
console.log(failed ? 'check-cli-package: FAILED' : 'check-cli-package: all checks passed');
process.exit(failed ? 1 : 0);
