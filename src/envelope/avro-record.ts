import { InvalidMessageError } from '../errors.js';
import { crc64AvroBytes } from './crc64-avro.js';

/**
 * The SINETStream message record {tstamp: long (timestamp-micros), msg: bytes} in Avro
 * single-object encoding: C3 01, the schema's CRC-64-AVRO fingerprint, the binary record.
 */
export const MESSAGE_SCHEMA_CANONICAL =
  '{"name":"jp.ad.sinet.stream.message","type":"record","fields":[{"name":"tstamp","type":"long"},{"name":"msg","type":"bytes"}]}';

const HEADER = new Uint8Array(10);
HEADER.set([0xc3, 0x01]);
HEADER.set(crc64AvroBytes(new TextEncoder().encode(MESSAGE_SCHEMA_CANONICAL)), 2);

/** Marker plus fingerprint: the first 10 bytes of every record. */
export const RECORD_HEADER: Readonly<Uint8Array> = HEADER;

const MAX_VARINT_BYTES = 10;
/** Zigzag values below this fit a double exactly, so the per-message path avoids BigInt. */
const SAFE_ZIGZAG = 2 ** 53;

function zigzag(value: bigint): bigint {
  return value >= 0n ? value << 1n : (-value << 1n) - 1n;
}

function varintLength(n: number | bigint): number {
  let length = 1;
  if (typeof n === 'number') {
    for (; n >= 0x80; length++) n = Math.floor(n / 0x80);
  } else {
    for (; n >= 0x80n; length++) n >>= 7n;
  }
  return length;
}

function writeVarint(n: number | bigint, out: Uint8Array, offset: number): number {
  if (typeof n === 'number') {
    for (; n >= 0x80; n = Math.floor(n / 0x80)) out[offset++] = (n % 0x80) | 0x80;
    out[offset++] = n;
  } else {
    for (; n >= 0x80n; n >>= 7n) out[offset++] = Number(n & 0x7fn) | 0x80;
    out[offset++] = Number(n);
  }
  return offset;
}

/** The zigzag form of a timestamp, as a number when that is exact. */
function zigzagTimestamp(timestampUs: number | bigint): number | bigint {
  if (typeof timestampUs === 'number' && timestampUs >= 0 && timestampUs * 2 < SAFE_ZIGZAG) {
    return timestampUs * 2;
  }
  return zigzag(BigInt(timestampUs));
}

/**
 * Memory that is not zeroed first (a 64 KiB message would pay for a memset it then overwrites),
 * as a plain Uint8Array (zeroed where there is no Node Buffer). Every byte must be written before the array leaves the encoder.
 */
export const uninitialized: (size: number) => Uint8Array =
  typeof Buffer === 'function'
    ? (size) => {
        const buffer = Buffer.allocUnsafe(size);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
      }
    : (size) => new Uint8Array(size);

/**
 * Encodes a record after `headroom` bytes at the front of the buffer, so that a packet
 * header can be written there without copying the record again; the caller must write them.
 */
export function encodeRecord(
  timestampUs: number | bigint,
  msg: Uint8Array,
  headroom = 0,
): Uint8Array {
  const tstamp = zigzagTimestamp(timestampUs);
  const length = msg.length * 2;
  const size = headroom + HEADER.length + varintLength(tstamp) + varintLength(length) + msg.length;
  const out = uninitialized(size);
  out.set(HEADER, headroom);
  let offset = writeVarint(tstamp, out, headroom + HEADER.length);
  offset = writeVarint(length, out, offset);
  out.set(msg, offset);
  return out;
}

export interface DecodedRecord {
  /** A number when exact (every real timestamp), else a bigint. */
  readonly timestampUs: number | bigint;
  readonly msg: Uint8Array;
}

function readZigzag(bytes: Uint8Array, offset: number): [bigint | number, number] {
  let number = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= bytes.length) throw new InvalidMessageError('Avro record: truncated varint');
    const byte = bytes[offset + i]!;
    number += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) {
      if (number < SAFE_ZIGZAG) {
        return [number % 2 === 0 ? number / 2 : -(number + 1) / 2, offset + i + 1];
      }
      return [readZigzagBig(bytes, offset), offset + i + 1];
    }
  }
  throw new InvalidMessageError('Avro record: varint longer than 10 bytes');
}

/** The exact value of a varint too large for a double; it is known to be complete. */
function readZigzagBig(bytes: Uint8Array, offset: number): bigint {
  let result = 0n;
  let shift = 0n;
  for (let byte = bytes[offset]!; ; byte = bytes[++offset]!, shift += 7n) {
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  return result & 1n ? -((result + 1n) >> 1n) : result >> 1n;
}

/** Decodes a record; any malformation is an InvalidMessageError. The msg is a view, not a copy. */
export function decodeRecord(bytes: Uint8Array): DecodedRecord {
  if (bytes.length < HEADER.length) {
    throw new InvalidMessageError(`Avro record: ${bytes.length} bytes is too short`);
  }
  for (let i = 0; i < HEADER.length; i++) {
    if (bytes[i] !== HEADER[i]) {
      throw new InvalidMessageError(
        i < 2
          ? 'Avro record: no single-object marker C3 01'
          : 'Avro record: unknown schema fingerprint',
      );
    }
  }
  const [timestampUs, afterTimestamp] = readZigzag(bytes, HEADER.length);
  const [length, afterLength] = readZigzag(bytes, afterTimestamp);
  if (typeof length !== 'number' || length < 0 || afterLength + length !== bytes.length) {
    throw new InvalidMessageError(
      `Avro record: msg length ${length} does not match the ${bytes.length - afterLength} bytes left`,
    );
  }
  return { timestampUs, msg: bytes.subarray(afterLength) };
}
