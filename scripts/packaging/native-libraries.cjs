// The shared libraries a native binary asks its loader for, read from the binary itself: ELF DT_NEEDED,
// Mach-O LC_LOAD_DYLIB (and weak/re-exported), PE import and delay-import tables. The packaging check uses
// it to know which of onnxruntime-node's files a platform must load, instead of trusting a hand-kept list.
'use strict';

/** @returns {{ format: 'elf' | 'macho' | 'pe', needed: string[], delayLoaded: string[], rpaths: string[] }} */
function nativeLibraries(buf) {
  if (buf.readUInt32BE(0) === 0x7f454c46) return elf(buf);
  if (buf.readUInt32LE(0) === 0xfeedfacf) return macho(buf);
  if (buf.readUInt16LE(0) === 0x5a4d) return pe(buf);
  throw new Error('not an ELF, 64-bit Mach-O or PE binary');
}

function cString(buf, at) {
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end < 0 ? buf.length : end);
}

function elf(buf) {
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('only 64-bit little-endian ELF is read');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const section = (i) => {
    const at = shoff + i * shentsize;
    return { type: buf.readUInt32LE(at + 4), offset: Number(buf.readBigUInt64LE(at + 0x18)), size: Number(buf.readBigUInt64LE(at + 0x20)), link: buf.readUInt32LE(at + 0x28) };
  };
  const needed = [];
  const rpaths = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== 6) continue; // SHT_DYNAMIC
    const strtab = section(s.link).offset;
    for (let at = s.offset; at + 16 <= s.offset + s.size; at += 16) {
      const tag = Number(buf.readBigInt64LE(at));
      const value = Number(buf.readBigUInt64LE(at + 8));
      if (tag === 0) break;
      if (tag === 1) needed.push(cString(buf, strtab + value)); // DT_NEEDED
      if (tag === 15 || tag === 29) rpaths.push(cString(buf, strtab + value)); // DT_RPATH, DT_RUNPATH
    }
  }
  return { format: 'elf', needed, delayLoaded: [], rpaths };
}

function macho(buf) {
  const ncmds = buf.readUInt32LE(16);
  const needed = [];
  const rpaths = [];
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(at);
    const size = buf.readUInt32LE(at + 4);
    // LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB; LC_RPATH.
    if (cmd === 0xc || cmd === 0x80000018 || cmd === 0x8000001f) needed.push(cString(buf, at + buf.readUInt32LE(at + 8)));
    if (cmd === 0x8000001c) rpaths.push(cString(buf, at + buf.readUInt32LE(at + 8)));
    at += size;
  }
  return { format: 'macho', needed, delayLoaded: [], rpaths };
}

function pe(buf) {
  const peAt = buf.readUInt32LE(0x3c);
  if (buf.readUInt32LE(peAt) !== 0x4550) throw new Error('no PE signature');
  const coff = peAt + 4;
  const nsections = buf.readUInt16LE(coff + 2);
  const optional = coff + 20;
  const optionalSize = buf.readUInt16LE(coff + 16);
  const magic = buf.readUInt16LE(optional);
  const dirs = optional + (magic === 0x20b ? 112 : 96); // PE32+ : PE32
  const sections = [];
  for (let i = 0; i < nsections; i++) {
    const at = optional + optionalSize + i * 40;
    sections.push({ va: buf.readUInt32LE(at + 12), vsize: Math.max(buf.readUInt32LE(at + 8), buf.readUInt32LE(at + 16)), raw: buf.readUInt32LE(at + 20) });
  }
  const offset = (rva) => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + x.vsize);
    if (!s) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - s.va + s.raw;
  };
  const names = (dir, entrySize, nameField) => {
    const rva = buf.readUInt32LE(dirs + dir * 8);
    const out = [];
    if (rva === 0) return out;
    for (let at = offset(rva); ; at += entrySize) {
      const name = buf.readUInt32LE(at + nameField);
      if (name === 0) break;
      out.push(cString(buf, offset(name)));
    }
    return out;
  };
  // Directory 1: import table (20-byte descriptors, name at +12); 13: delay-load table (32 bytes, name at +4).
  return { format: 'pe', needed: names(1, 20, 12), delayLoaded: names(13, 32, 4), rpaths: [] };
}

module.exports = { nativeLibraries };
