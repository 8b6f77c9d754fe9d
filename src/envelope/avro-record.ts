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

function zigzagLength(value: bigint): number {
  let n = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  let length = 1;
  while (n >= 0x80n) {
    n >>= 7n;
    length++;
  }
  return length;
}

function writeZigzag(value: bigint, out: Uint8Array, offset: number): number {
  let n = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  while (n >= 0x80n) {
    out[offset++] = Number(n & 0x7fn) | 0x80;
    n >>= 7n;
  }
  out[offset++] = Number(n);
  return offset;
}

/** Small non-negative ints (lengths) without BigInt: the per-message fast path. */
function writeSmallZigzag(value: number, out: Uint8Array, offset: number): number {
  let n = value * 2;
  while (n >= 0x80) {
    out[offset++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[offset++] = n;
  return offset;
}

function smallZigzagLength(value: number): number {
  let n = value * 2;
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

export function encodeRecord(timestampUs: bigint, msg: Uint8Array): Uint8Array {
  const size =
    HEADER.length + zigzagLength(timestampUs) + smallZigzagLength(msg.length) + msg.length;
  const out = new Uint8Array(size);
  out.set(HEADER, 0);
  let offset = writeZigzag(timestampUs, out, HEADER.length);
  offset = writeSmallZigzag(msg.length, out, offset);
  out.set(msg, offset);
  return out;
}

export interface DecodedRecord {
  readonly timestampUs: bigint;
  readonly msg: Uint8Array;
}

function readZigzag(bytes: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset >= bytes.length) throw new InvalidMessageError('Avro record: truncated varint');
    const byte = bytes[offset++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      const value = result & 1n ? -((result + 1n) >> 1n) : result >> 1n;
      return [value, offset];
    }
    shift += 7n;
  }
  throw new InvalidMessageError('Avro record: varint longer than 10 bytes');
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
  if (length < 0n || BigInt(afterLength) + length !== BigInt(bytes.length)) {
    throw new InvalidMessageError(
      `Avro record: msg length ${length} does not match the ${bytes.length - afterLength} bytes left`,
    );
  }
  return { timestampUs, msg: bytes.subarray(afterLength) };
}
