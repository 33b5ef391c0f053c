/**
 * Minimal protobuf wire format: split a message into raw fields, and write new bytes as a list of chunks.
 * Fields are kept as views into the original buffer so weights are never copied or parsed; the only copy
 * happens once, in `Chunks.concat`, when the edited model is assembled.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/** The bytes are not a well-formed protobuf message (truncated, or not protobuf at all). */
export class WireError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** One field occurrence. `start..end` covers tag + value; for length-delimited fields `data` is the payload. */
export interface RawField {
  num: number;
  wire: number;
  start: number;
  end: number;
  /** Varint value (as a JS number, exact up to 2^53; negative int64 decoded as two's complement). */
  varint: number;
  /** Payload view for wire type 2, empty otherwise. */
  data: Uint8Array;
}

const TWO_32 = 4294967296;

/** Reads a varint at `pos`; returns [value, nextPos]. Values above 2^53 lose precision (never needed here). */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let i = pos;
  // Low 28 bits, then the rest into `hi` so that 64-bit two's complement negatives come out exact.
  for (; ; shift += 7) {
    if (i >= buf.length) throw new WireError('truncated varint', pos);
    const b = buf[i++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else if (shift < 63) hi |= (b & 0x7f) << (shift - 32);
    else if (shift === 63) hi |= (b & 0x01) << 31;
    else throw new WireError('varint longer than 10 bytes', pos);
    if ((b & 0x80) === 0) break;
  }
  lo >>>= 0;
  if (hi & 0x80000000) {
    // Negative int64: value = -(2^64 - (hi:lo)).
    const nlo = (~lo >>> 0) + 1;
    const nhi = (~hi >>> 0) + (nlo > 0xffffffff ? 1 : 0);
    return [-((nhi >>> 0) * TWO_32 + (nlo >>> 0)), i];
  }
  return [(hi >>> 0) * TWO_32 + lo, i];
}

/** Splits one message into its fields, in file order. Throws WireError on malformed input. */
export function parseFields(buf: Uint8Array): RawField[] {
  const fields: RawField[] = [];
  let pos = 0;
  const empty = buf.subarray(0, 0);
  while (pos < buf.length) {
    const start = pos;
    const [tag, p1] = readVarint(buf, pos);
    const num = Math.floor(tag / 8);
    const wire = tag & 7;
    if (num === 0) throw new WireError('field number 0', start);
    let varint = 0;
    let data = empty;
    switch (wire) {
      case WIRE_VARINT: {
        const [v, p2] = readVarint(buf, p1);
        varint = v;
        pos = p2;
        break;
      }
      case WIRE_I64:
        pos = p1 + 8;
        break;
      case WIRE_I32:
        pos = p1 + 4;
        break;
      case WIRE_LEN: {
        const [len, p2] = readVarint(buf, p1);
        if (len < 0 || p2 + len > buf.length) throw new WireError(`field ${num} claims ${len} bytes past the end`, start);
        data = buf.subarray(p2, p2 + len);
        pos = p2 + len;
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wire} (field ${num})`, start);
    }
    if (pos > buf.length) throw new WireError(`field ${num} runs past the end`, start);
    fields.push({ num, wire, start, end: pos, varint, data });
  }
  return fields;
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

export function decodeString(data: Uint8Array): string {
  return utf8Decoder.decode(data);
}

/** Reads a repeated int64 field that may be packed (wire 2) or not (wire 0). */
export function readPackedVarints(fields: RawField[], num: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.num !== num) continue;
    if (f.wire === WIRE_VARINT) out.push(f.varint);
    else if (f.wire === WIRE_LEN) {
      let p = 0;
      while (p < f.data.length) {
        const [v, next] = readVarint(f.data, p);
        out.push(v);
        p = next;
      }
    }
  }
  return out;
}

/** A byte sequence under construction: a list of views, concatenated once at the end. */
export class Chunks {
  readonly parts: Uint8Array[] = [];
  length = 0;

  push(bytes: Uint8Array): this {
    if (bytes.length > 0) {
      this.parts.push(bytes);
      this.length += bytes.length;
    }
    return this;
  }

  append(other: Chunks): this {
    for (const p of other.parts) this.push(p);
    return this;
  }

  varint(value: number): this {
    return this.push(encodeVarint(value));
  }

  tag(num: number, wire: number): this {
    return this.varint(num * 8 + wire);
  }

  /** A varint field (int32/int64/enum/bool). */
  int(num: number, value: number): this {
    return this.tag(num, WIRE_VARINT).varint(value);
  }

  bytes(num: number, data: Uint8Array): this {
    return this.tag(num, WIRE_LEN).varint(data.length).push(data);
  }

  string(num: number, value: string): this {
    return this.bytes(num, utf8Encoder.encode(value));
  }

  /** An embedded message field whose body is already built. */
  message(num: number, body: Chunks): this {
    this.tag(num, WIRE_LEN).varint(body.length);
    return this.append(body);
  }

  /** A 32-bit float field (wire type 5). */
  float(num: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(num, WIRE_I32).push(b);
  }

  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

/** Encodes a non-negative integer or a negative int64 (10-byte two's complement) as a varint. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isInteger(value)) throw new Error(`varint must be an integer, got ${value}`);
  if (value < 0) {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return Uint8Array.from(out);
  }
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}
