/**
 * A PairStore (src/cna/accumulate.ts) that keeps the per-pair differences in a temporary file instead of
 * memory, so discovery stays flat in memory whatever the number of pairs (100 pairs of a 28 x 8960 model
 * are 100 MB of differences). One fixed-size row per pair, written at its offset; the file is deleted by
 * `dispose()`, which the attribute job always calls.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PairStore } from '../cna/accumulate';

/** Above this many bytes of differences, the attribute job uses the disk store. */
export const DISK_STORE_THRESHOLD_BYTES = 256 * 1024 * 1024;

export class DiskPairStore implements PairStore {
  private constructor(
    private readonly dir: string,
    private readonly handle: FileHandle,
    private readonly rowLength: number,
  ) {}

  static async create(rowLength: number, tmpRoot = os.tmpdir()): Promise<DiskPairStore> {
    const dir = await mkdtemp(path.join(tmpRoot, 'cna-pairs-'));
    const handle = await open(path.join(dir, 'differences.f32'), 'w+');
    return new DiskPairStore(dir, handle, rowLength);
  }

  /** The temporary folder (for tests that check it is gone). */
  get folder(): string {
    return this.dir;
  }

  async put(pairIndex: number, difference: Float32Array): Promise<void> {
    if (difference.length !== this.rowLength) {
      throw new Error(`Pair ${pairIndex}: ${difference.length} differences, expected ${this.rowLength}.`);
    }
    const bytes = new Uint8Array(difference.buffer, difference.byteOffset, difference.byteLength);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, this.offset(pairIndex) + written);
      written += bytesWritten;
    }
  }

  async get(pairIndex: number): Promise<Float32Array> {
    const out = new Float32Array(this.rowLength);
    const bytes = new Uint8Array(out.buffer);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await this.handle.read(bytes, read, bytes.length - read, this.offset(pairIndex) + read);
      if (bytesRead === 0) throw new Error(`No difference stored for pair ${pairIndex}.`);
      read += bytesRead;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private offset(pairIndex: number): number {
    return pairIndex * this.rowLength * 4;
  }
}
