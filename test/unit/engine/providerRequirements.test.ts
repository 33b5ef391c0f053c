// When a GPU provider cannot load, the message names exactly what is missing: onnxruntime-node's provider
// files (by name, in the folder they belong in), a CUDA / cuDNN / TensorRT library the loader could not
// find, or the platform having no such provider at all.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { missingForProvider, ortBinaryFolder, type ProviderSetup } from '../../../src/engine/providerRequirements';
import { runCli, TINY } from '../jobs/tiny';

const linux = (present: string[]): ProviderSetup => ({ platform: 'linux', arch: 'x64', folder: '/ext/ort', has: (f) => present.includes(f) });
const PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so'];
// ORT's provider bridge: "Failed to load library <provider> with error: <dlerror()>".
const dlerror = (lib: string, provider = 'cuda') => `Failed to load library libonnxruntime_providers_${provider}.so with error: ${lib}: cannot open shared object file: No such file or directory`;

test('cuda here, without its provider files: the exact files and the folder they go in', async (t) => {
  const folder = ortBinaryFolder();
  if (fs.existsSync(path.join(folder, 'libonnxruntime_providers_cuda.so'))) {
    t.skip("onnxruntime-node's CUDA provider is installed here");
    return;
  }
  const r = await runCli(['inspect', '--model', TINY, '--execution-provider', 'cuda']);
  assert.equal(r.code, 2);
  const line = r.stderr.trim().split('\n').pop() ?? '';
  if (process.platform === 'linux' && process.arch === 'x64') {
    assert.ok(line.includes(`libonnxruntime_providers_cuda.so in ${folder}`), line);
    assert.match(line, /missing libonnxruntime_providers_shared\.so and libonnxruntime_providers_cuda\.so/);
  } else {
    assert.match(line, /has no CUDA 12 provider for/);
  }
  assert.match(line, /back to "cpu"/);
});

test('provider files missing: named, in the folder they belong in', () => {
  assert.equal(
    missingForProvider('cuda', 'Failed to load shared library', linux([])),
    'missing libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so in /ext/ort (onnxruntime-node\'s CUDA 12 provider, which CNA does not ship; the README\'s "Remote and GPU" section says how to add it)',
  );
  assert.match(
    missingForProvider('tensorrt', 'Failed to load shared library', linux(['libonnxruntime_providers_shared.so']))!,
    /^missing libonnxruntime_providers_tensorrt\.so in \/ext\/ort \(onnxruntime-node's TensorRT provider/,
  );
});

test('provider files present, a system library missing: the library and what it is part of', () => {
  const all = linux(PROVIDER_FILES);
  assert.equal(missingForProvider('cuda', dlerror('libcublasLt.so.12'), all), 'libcublasLt.so.12 (part of CUDA 12) is not on the library path: install CUDA 12 or add its folder to LD_LIBRARY_PATH');
  assert.match(missingForProvider('cuda', dlerror('libcudnn.so.9'), all)!, /^libcudnn\.so\.9 \(part of cuDNN 9\)/);
  assert.match(missingForProvider('tensorrt', dlerror('libnvinfer.so.10', 'tensorrt'), all)!, /^libnvinfer\.so\.10 \(part of TensorRT 10\)/);
  assert.match(missingForProvider('cuda', dlerror('libfoo.so.1'), all)!, /^libfoo\.so\.1 is not on the library path: install it/);
  // Nothing named: the caller's general message stands.
  assert.equal(missingForProvider('cuda', 'Failed to load shared library', all), undefined);
});

test('no CUDA provider in onnxruntime-node for macOS or Windows; other providers are not judged here', () => {
  assert.equal(missingForProvider('cuda', 'x', { ...linux([]), platform: 'darwin', arch: 'arm64' }), 'onnxruntime-node 1.30 has no CUDA 12 provider for darwin-arm64 (Linux x64 only)');
  assert.match(missingForProvider('tensorrt', 'x', { ...linux([]), platform: 'win32', arch: 'x64' })!, /no TensorRT provider for win32-x64/);
  assert.equal(missingForProvider('webgpu', 'Failed to get a WebGPU adapter', linux([])), undefined);
});
