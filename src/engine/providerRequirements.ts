/**
 * What a GPU execution provider needs beyond onnxruntime-node's bundled CPU build, and which of it is missing
 * here, so that a provider that cannot load is reported as the files to install rather than as ORT's error.
 * onnxruntime-node 1.30 offers CUDA and TensorRT on Linux x64 only; their provider libraries are not in its npm
 * package (its install script fetches them from NuGet) and so not in CNA's packages either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** onnxruntime-node's files each provider loads from its binary folder. */
const PROVIDER_FILES: Record<string, string[]> = {
  cuda: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
  tensorrt: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
};

/** System libraries by name prefix: what to install when the loader cannot find one. */
const LIBRARY_OWNERS: [RegExp, string][] = [
  [/^libcudnn/, 'cuDNN 9'],
  [/^libnv(infer|onnxparser)/, 'TensorRT 10'],
  [/^lib(cuda|cudart|cublas|cublasLt|cufft|curand|nvrtc)\b/, 'CUDA 12'],
];

/** onnxruntime-node's native folder for this platform (where its binding and provider libraries live). */
export function ortBinaryFolder(platform: string = process.platform, arch: string = process.arch): string {
  return path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', platform, arch);
}

export interface ProviderSetup {
  platform: string;
  arch: string;
  folder: string;
  /** Whether a file exists in `folder`. */
  has(file: string): boolean;
}

function hereSetup(): ProviderSetup {
  const folder = ortBinaryFolder();
  return { platform: process.platform, arch: process.arch, folder, has: (f) => fs.existsSync(path.join(folder, f)) };
}

/**
 * Exactly what keeps `provider` from loading, from ORT's `message` and the files present; undefined when
 * that cannot be told (not a provider with known requirements, or a failure that names nothing).
 */
export function missingForProvider(provider: string, message: string, setup: ProviderSetup = hereSetup()): string | undefined {
  const files = PROVIDER_FILES[provider];
  if (!files) return undefined;
  const name = provider === 'cuda' ? 'CUDA 12' : 'TensorRT';
  if (setup.platform !== 'linux' || setup.arch !== 'x64') {
    return `onnxruntime-node 1.30 has no ${name} provider for ${setup.platform}-${setup.arch} (Linux x64 only)`;
  }
  const absent = files.filter((f) => !setup.has(f));
  if (absent.length > 0) {
    return `missing ${absent.join(' and ')} in ${setup.folder} (onnxruntime-node's ${name} provider, which CNA does not ship; the README's "Remote and GPU" section says how to add it)`;
  }
  const lib = /([\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(message)?.[1];
  if (lib && !files.includes(lib)) {
    const owner = LIBRARY_OWNERS.find(([re]) => re.test(lib))?.[1];
    return `${lib}${owner ? ` (part of ${owner})` : ''} is not on the library path: install ${owner ?? 'it'} or add its folder to LD_LIBRARY_PATH`;
  }
  return undefined;
}
