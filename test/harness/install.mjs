// Installs the tier-2 harness (code-server + playwright-core) offline-safely, once.
// code-server's postinstall downloads from the internet, so everything is installed with --ignore-scripts
// and the native modules are rebuilt from source against the Node that runs them. Needs Debian's
// ripgrep, chromium and libkrb5-dev (installed by .ci/run).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const harness = dirname(fileURLToPath(import.meta.url));
const vscodeDir = join(harness, 'node_modules', 'code-server', 'lib', 'vscode');
// The marker records the Node ABI and the lockfile: natives built for another Node, or another
// code-server, must be rebuilt.
const marker = join(harness, 'node_modules', '.cna-harness-ready');
const stamp = () =>
  `node-abi ${process.versions.modules} lock ${createHash('sha256').update(readFileSync(join(harness, 'package-lock.json'))).digest('hex')}\n`;

export function harnessReady() {
  return existsSync(marker) && readFileSync(marker, 'utf8') === stamp();
}

// node-gyp fetches Node's headers from the internet unless it is pointed at a local copy (Debian's nodejs
// ships them in /usr/include/node).
function nodeHeadersEnv() {
  const prefix = dirname(dirname(process.execPath));
  if (process.env.npm_config_nodedir || !existsSync(join(prefix, 'include', 'node', 'node.h'))) return {};
  return { npm_config_nodedir: prefix };
}

function npm(args, cwd) {
  console.log(`[harness-install] (${cwd.slice(harness.length) || '.'}) npm ${args.join(' ')}`);
  execFileSync('npm', args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...nodeHeadersEnv(), ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function installHarness() {
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) is missing: apt-get install -y ripgrep chromium libkrb5-dev (see .ci/run)');
  const started = Date.now();
  npm(['ci', '--ignore-scripts'], harness);
  npm(['rebuild', 'argon2', '--build-from-source'], harness);
  npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  npm(['rebuild', '@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'], vscodeDir);
  // @vscode/ripgrep's own postinstall would download rg; use Debian's.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  rmSync(join(rgBin, 'rg'), { force: true });
  symlinkSync(rg, join(rgBin, 'rg'));
  writeFileSync(marker, stamp());
  console.log(`[harness-install] done in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (harnessReady() && !process.argv.includes('--force')) {
    console.log('[harness-install] already installed');
  } else {
    installHarness();
  }
}
