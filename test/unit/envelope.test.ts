import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, RECORD_HEADER } from '../../src/envelope/avro-record.js';
import { crc64Avro } from '../../src/envelope/crc64-avro.js';
import { EnvelopeCodec } from '../../src/envelope/envelope-codec.js';
import { packV3, unpackV3 } from '../../src/envelope/packet.js';
import { InvalidMessageError } from '../../src/errors.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('CRC-64-AVRO', () => {
  // The Avro project's published fingerprint vectors (share/test/data/schema-tests.txt),
  // given there as signed 64-bit integers.
  it.each([
    ['"null"', 7195948357588979594n],
    ['"boolean"', -6970731678124411036n],
    ['"int"', 8247732601305521295n],
    ['"long"', -3434872931120570953n],
    ['"float"', 5583340709985441680n],
    ['"double"', -8181574048448539266n],
    ['"string"', -8142146995180207161n],
    ['{"name":"foo","type":"fixed","size":15}', 1756455273707447556n],
    [
      '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
      7843277075252814651n,
    ],
  ])('fingerprints %s as the Avro specification does', (schema, signed) => {
    expect(BigInt.asIntN(64, crc64Avro(utf8(schema)))).toBe(signed);
  });

  it('gives the SINETStream message schema the fingerprint the Python library writes', () => {
    expect(hex(RECORD_HEADER)).toBe('c301' + '1f9c0c91eb33664f');
  });
});

describe('Avro message record', () => {
  const schema = avro.Type.forSchema({
    namespace: 'jp.ad.sinet.stream',
    type: 'record',
    name: 'message',
    fields: [
      { name: 'tstamp', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'msg', type: 'bytes' },
    ],
  });

  it.each([
    [0n, 0],
    [1_700_000_000_123_456n, 1],
    [-1n, 127],
    [2n ** 52n, 128],
    [1n, 64 * 1024],
  ])('encodes tstamp %s with a %d-byte msg exactly as avsc does', (tstamp, length) => {
    const msg = Buffer.alloc(length, 0xab);
    const ours = encodeRecord(tstamp, msg);
    expect(hex(ours.subarray(0, 10))).toBe(hex(RECORD_HEADER));
    expect(hex(ours.subarray(10))).toBe(hex(schema.toBuffer({ tstamp: Number(tstamp), msg })));
    const decoded = decodeRecord(ours);
    expect(BigInt(decoded.timestampUs)).toBe(tstamp);
    expect(hex(decoded.msg)).toBe(hex(msg));
  });

  it('matches golden bytes for "hello" at 1 µs', () => {
    expect(hex(encodeRecord(1n, utf8('hello')))).toBe(
      'c3011f9c0c91eb33664f' + '02' + '0a' + '68656c6c6f',
    );
  });
});

describe('v3 packet', () => {
  it('puts DF 03 00 00 and the big-endian key version before the payload', () => {
    expect(hex(packV3(Uint8Array.of(9), 0x0102))).toBe('df030000010209');
    expect(unpackV3(packV3(Uint8Array.of(9, 8), 7))).toEqual({
      keyVersion: 7,
      payload: Uint8Array.of(9, 8),
    });
  });

  it('takes a buffer without the marker, or of 6 bytes or less, as v2', () => {
    expect(unpackV3(Uint8Array.of(0xdf, 3, 0, 0, 0, 1)).keyVersion).toBeUndefined();
    expect(unpackV3(Uint8Array.of(0xc3, 1, 0, 0, 0, 1, 2)).keyVersion).toBeUndefined();
  });
});

describe('EnvelopeCodec', () => {
  const v3 = new EnvelopeCodec({
    userDataOnly: false,
    messageFormat: 3,
    maxMessageSize: 1024 ** 2,
  });
  const v2 = new EnvelopeCodec({
    userDataOnly: false,
    messageFormat: 2,
    maxMessageSize: 1024 ** 2,
  });

  it('round-trips value and timestamp in v3 and v2, and a v3 reader reads v2', async () => {
    const v3Bytes = v3.encode(utf8('hi'), 42).bytes;
    expect(hex(v3Bytes.subarray(0, 6))).toBe('df0300000000');
    expect(await v3.decode(v3Bytes)).toMatchObject({ payload: utf8('hi'), timestampUs: 42 });
    const v2Bytes = v2.encode(utf8('hi'), 42).bytes;
    expect(hex(v2Bytes.subarray(0, 2))).toBe('c301');
    expect(await v3.decode(v2Bytes)).toMatchObject({ payload: utf8('hi'), timestampUs: 42 });
  });

  it('sends the bare value with user_data_only, compressed when compression is on', async () => {
    const bare = new EnvelopeCodec({
      userDataOnly: true,
      messageFormat: 3,
      maxMessageSize: 1024 ** 2,
    });
    expect(bare.encode(utf8('raw'), 42).bytes).toEqual(utf8('raw'));
    expect(await bare.decode(utf8('raw'))).toMatchObject({ payload: utf8('raw'), timestampUs: 0 });
    const reversed = new EnvelopeCodec({
      userDataOnly: true,
      messageFormat: 3,
      maxMessageSize: 1024 ** 2,
      compressor: { compress: (b) => b.toReversed(), decompress: (b) => b.toReversed() },
    });
    expect(reversed.encode(utf8('raw'), 42).bytes).toEqual(utf8('war'));
    expect(await reversed.decode(utf8('war'))).toMatchObject({ payload: utf8('raw') });
  });

  it('rejects an encrypted packet when encryption is off', async () => {
    await expect(v3.decode(packV3(encodeRecord(1n, utf8('x')), 1))).rejects.toThrow(
      /key version 1/,
    );
  });

  it('gives InvalidMessageError, and nothing else, for malformed input of any length', async () => {
    const valid = v3.encode(utf8('a valid message'), 1_700_000_000_000_000).bytes;
    const candidates: Uint8Array[] = [];
    for (let length = 0; length < valid.length; length++)
      candidates.push(valid.subarray(0, length));
    for (let i = 0; i < valid.length; i++) {
      const flipped = valid.slice();
      flipped[i]! ^= 0x40;
      candidates.push(flipped);
    }
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      const junk = new Uint8Array(random() % 40).map(() => random() & 0xff);
      if (n % 2 === 0) junk.set(valid.subarray(0, Math.min(junk.length, 16)));
      candidates.push(junk);
    }
    candidates.push(
      Uint8Array.of(
        0xc3,
        1,
        ...RECORD_HEADER.subarray(2),
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
      ),
    );
    let rejected = 0;
    for (const candidate of candidates) {
      try {
        const decoded = await v3.decode(candidate);
        // Flips inside the value or timestamp still make a well-formed record; nothing else may pass.
        expect(decoded.payload.length).toBeLessThanOrEqual(candidate.length);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidMessageError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(candidates.length / 2);
  });
});
