// The entry names of a .vsix (a zip), read from its central directory: enough to check what a package holds
// without unpacking it.
'use strict';

const fs = require('node:fs');

function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  const names = [];
  for (let i = 0, at = buf.readUInt32LE(eocd + 16); i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const nameLength = buf.readUInt16LE(at + 28);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return names;
}

/** A VSIX's files as `vsce ls` names them: inside extension/, with vsce's renamed LICENSE put back. */
function vsixFiles(file) {
  return zipEntries(file)
    .filter((n) => n.startsWith('extension/'))
    .map((n) => n.slice('extension/'.length))
    .map((n) => (n === 'LICENSE.txt' ? 'LICENSE' : n));
}

module.exports = { zipEntries, vsixFiles };
