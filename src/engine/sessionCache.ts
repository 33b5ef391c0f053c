/**
 * A cache of instrumented, ONNX Runtime-optimised graphs, one entry per model file state: loading a large
 * model again skips reading and parsing the original graph, instrumenting it and optimising it. ORT writes the
 * optimised graph itself (`optimizedModelFilePath`) with its weights in a side file, which the next load
 * memory-maps. An entry is keyed by the model folder's files (name, size, modification time), the ONNX Runtime
 * version and this machine's architecture, so any change of the model makes a new entry; it holds the graph
 * description (`info.json`) and one folder per session purpose. Every failure to read or write the cache is
 * swallowed (the model then loads the ordinary way): a cache must never break a run.
 * Location: the CLI's `CNA_CACHE_DIR` (`off` disables it), else `$XDG_CACHE_HOME/cna`, else `~/.cache/cna`;
 * the extension passes its global storage folder.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GraphInfo } from './surgery';

/** Bump when what an entry holds changes, so old entries are not read. */
const FORMAT = 1;

/** Models smaller than this load in well under a second without the cache: not worth the disk. */
export const DEFAULT_MIN_MODEL_BYTES = 64 * 2 ** 20;

export interface SessionCacheOptions {
  /** The cache folder; undefined: no cache. */
  dir?: string;
  /** Models whose folder holds fewer bytes are not cached (tests set 0). */
  minModelBytes?: number;
}

/** The CLI's cache folder: CNA_CACHE_DIR (empty or `off`: none), else the XDG cache folder. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.CNA_CACHE_DIR;
  if (set !== undefined) return set === '' || set.toLowerCase() === 'off' ? undefined : set;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cna');
}

export interface FileState {
  name: string;
  size: number;
  mtimeMs: number;
}

/** The entry name for a model: its graph file and the state of every file beside it (external weights). */
export function entryKey(onnxPath: string, files: readonly FileState[], runtime: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([FORMAT, path.resolve(onnxPath), [...files].sort((a, b) => (a.name < b.name ? -1 : 1)), runtime]));
  return h.digest('hex').slice(0, 32);
}

export class SessionCache {
  private constructor(
    /** This model's entry folder. */
    readonly entry: string,
  ) {}

  /** The cache entry for this model, or undefined when caching is off, the model is small or unreadable. */
  static open(onnxPath: string, runtime: string, opts: SessionCacheOptions): SessionCache | undefined {
    if (!opts.dir) return undefined;
    try {
      const folder = path.dirname(onnxPath);
      const files: FileState[] = [];
      for (const name of fs.readdirSync(folder)) {
        const st = fs.statSync(path.join(folder, name));
        if (st.isFile()) files.push({ name, size: st.size, mtimeMs: st.mtimeMs });
      }
      const total = files.reduce((s, f) => s + f.size, 0);
      if (total < (opts.minModelBytes ?? DEFAULT_MIN_MODEL_BYTES)) return undefined;
      return new SessionCache(path.join(opts.dir, entryKey(onnxPath, files, `${runtime} ${os.arch()} ${os.cpus()[0]?.model ?? ''}`)));
    } catch {
      return undefined;
    }
  }

  /** The graph description stored with the entry, if any. */
  readInfo(): GraphInfo | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.entry, 'info.json'), 'utf8')) as GraphInfo;
    } catch {
      return undefined;
    }
  }

  writeInfo(info: GraphInfo): void {
    this.quietly(() => {
      fs.mkdirSync(this.entry, { recursive: true });
      const tmp = path.join(this.entry, `.info-${process.pid}-${Date.now()}.json`);
      fs.writeFileSync(tmp, JSON.stringify(info));
      fs.renameSync(tmp, path.join(this.entry, 'info.json'));
    });
  }

  /** The cached optimised graph for `session` (a purpose and variant name), if complete. */
  graph(session: string): string | undefined {
    const file = path.join(this.entry, session, 'model.onnx');
    return fs.existsSync(file) ? file : undefined;
  }

  /**
   * Where ORT should write the optimised graph for `session` while it creates the session: a private
   * temporary folder, made the entry by commit() only once the session exists (so a half-written graph is
   * never read). Undefined if the folder cannot be made.
   */
  staging(session: string): { file: string; weights: string; commit: () => void; abandon: () => void } | undefined {
    return this.quietly(() => {
      fs.mkdirSync(this.entry, { recursive: true });
      const dir = fs.mkdtempSync(path.join(this.entry, `.${session}-`));
      const abandon = () => this.quietly(() => fs.rmSync(dir, { recursive: true, force: true }));
      const commit = () => {
        const final = path.join(this.entry, session);
        // Another process may have committed the same graph meanwhile: keep theirs.
        const moved = this.quietly(() => fs.existsSync(path.join(dir, 'model.onnx')) && !fs.existsSync(final) && (fs.renameSync(dir, final), true));
        if (!moved) abandon();
      };
      return { file: path.join(dir, 'model.onnx'), weights: 'model.onnx_data', commit, abandon };
    });
  }

  /** Removes a cached graph that failed to load. */
  drop(session: string): void {
    this.quietly(() => fs.rmSync(path.join(this.entry, session), { recursive: true, force: true }));
  }

  private quietly<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch {
      return undefined;
    }
  }
}
