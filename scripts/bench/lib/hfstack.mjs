// Finds the hf-stack kit (transformers, optimum, neuron_steer for Debian's torch; never a dependency of the
// product or its tests) for the bench: CNA_HF_STACK, else the conventional ../shared/hf-stack beside the
// repository. Either may be a folder set up by the kit's setup.sh (it has env.sh) or the kit itself, which is
// then set up once into .bench/hf-stack (setup.sh --no-apt: it names any missing Debian package and stops).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SET_UP = join(ROOT, '.bench', 'hf-stack');

let found;

/** `{ dest }` (a set-up kit) or `{ absent: why }`, worked out once per bench run. */
export function hfStack() {
  if (!found) found = locate();
  return found;
}

function locate() {
  const candidates = process.env.CNA_HF_STACK ? [resolve(process.env.CNA_HF_STACK)] : [resolve(ROOT, '..', 'shared', 'hf-stack'), SET_UP];
  for (const dir of candidates) {
    if (isSetUp(dir)) return { dest: dir };
    if (existsSync(join(dir, 'setup.sh')) && existsSync(join(dir, 'sources.tar.xz'))) {
      if (isSetUp(SET_UP)) return { dest: SET_UP };
      process.stderr.write(`bench: setting up the hf-stack kit of ${dir} in ${SET_UP}...\n`);
      const r = spawnSync('bash', [join(dir, 'setup.sh'), SET_UP, '--no-apt'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status === 0 && isSetUp(SET_UP)) return { dest: SET_UP };
      const why = (r.stderr ?? '').trim().split('\n').pop() ?? '';
      return { absent: `the hf-stack kit in ${dir} could not be set up (${why.replace(/^\[hf-stack\] /, '')})` };
    }
  }
  const where = process.env.CNA_HF_STACK ? `CNA_HF_STACK=${process.env.CNA_HF_STACK}` : `${candidates[0]} (or set CNA_HF_STACK)`;
  return { absent: `no hf-stack kit at ${where}` };
}

function isSetUp(dir) {
  return existsSync(join(dir, 'env.sh')) && existsSync(join(dir, 'site')) && existsSync(join(dir, 'scripts', 'torchref.py'));
}

/** The environment env.sh sets, for /usr/bin/python3 children; `threads` for torch and OpenBLAS. */
export function kitEnv(dest, threads = 1) {
  const path = [join(dest, 'site'), join(dest, 'shims'), join(dest, 'shims_ort')].join(':');
  const n = String(threads);
  return {
    ...process.env,
    PYTHONPATH: process.env.PYTHONPATH ? `${path}:${process.env.PYTHONPATH}` : path,
    HF_HUB_OFFLINE: '1',
    ORT_NODE_MODULES: join(ROOT, 'node_modules'),
    OPENBLAS_NUM_THREADS: n,
    OMP_NUM_THREADS: n,
    HFSTACK_TORCH_THREADS: n,
  };
}
