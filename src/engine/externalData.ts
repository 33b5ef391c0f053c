/**
 * External weights (`model.onnx_data`, `model.onnx.data`, chunked `..._data_1`): find the files an ONNX model
 * references, check they exist, and give ORT a folder it accepts.
 *
 * ORT 1.30 loads a model from bytes with `session.model_external_initializers_file_folder_path`, but rejects
 * any external file whose real path leaves that folder. A Hugging Face cache stores files as symlinks into
 * `blobs/`, which ORT therefore refuses; we then hard-link the blobs under their referenced names into a
 * staging folder (no copy, same file system) and hand ORT that folder.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';

/**
 * The `location` values of TensorProto.external_data entries. Each is a StringStringEntryProto encoded as
 * field 1 = "location" (0x0a 0x08 "location") then field 2 = the value (0x12 len bytes).
 */
export function externalLocations(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = Buffer.from('\x0a\x08location\x12', 'latin1');
  const found = new Set<string>();
  for (let at = buf.indexOf(key); at >= 0; at = buf.indexOf(key, at + key.length)) {
    let p = at + key.length;
    let len = 0;
    let shift = 0;
    for (; p < buf.length && shift < 35; shift += 7) {
      const b = buf[p++];
      len |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
    }
    if (len <= 0 || len > 4096 || p + len > buf.length) continue;
    found.add(buf.toString('utf8', p, p + len));
  }
  return [...found];
}

/**
 * The folder ORT should resolve external data against, after checking every referenced file exists.
 * Returns `undefined` when the model has no external data.
 */
export function externalDataFolder(onnxPath: string, bytes: Uint8Array): string | undefined {
  const locations = externalLocations(bytes);
  if (locations.length === 0) return undefined;
  const dir = path.dirname(onnxPath);
  const realDir = fs.realpathSync(dir);
  let escapes = false;
  for (const loc of locations) {
    if (path.isAbsolute(loc) || loc.split(/[\\/]/).includes('..')) {
      throw new UserError(`${path.basename(onnxPath)} references external weights outside its folder (${loc}); ONNX Runtime refuses that.`);
    }
    const file = path.join(dir, loc);
    if (!fs.existsSync(file)) {
      throw new UserError(`Missing external weights file ${loc} next to ${onnxPath}: download it together with the .onnx file.`);
    }
    const real = fs.realpathSync(file);
    if (!real.startsWith(realDir + path.sep)) escapes = true;
  }
  return escapes ? stageHardLinks(dir, locations) : realDir;
}

/** Hard links named as the model references them, in a folder keyed by the source folder. */
function stageHardLinks(dir: string, locations: string[]): string {
  const key = crypto.createHash('sha256').update(fs.realpathSync(dir)).digest('hex').slice(0, 16);
  const candidates = [path.join(os.tmpdir(), `cna-external-${key}`), path.join(dir, '..', `.cna-external-${key}`)];
  let lastError = '';
  for (const stage of candidates) {
    try {
      for (const loc of locations) {
        const target = path.join(stage, loc);
        const source = fs.realpathSync(path.join(dir, loc));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (fs.existsSync(target)) {
          const a = fs.statSync(target);
          const b = fs.statSync(source);
          if (a.ino === b.ino && a.dev === b.dev) continue;
          fs.unlinkSync(target);
        }
        fs.linkSync(source, target);
      }
      return stage;
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  throw new UserError(
    `The external weights of ${dir} are symlinks (Hugging Face cache) that ONNX Runtime refuses, and hard links could not be made (${lastError}). Copy the model folder with 'cp -rL' and pass the copy.`,
  );
}
