/**
 * Byte compatibility with SINETStream 1.10 (Python, from PyPI), both directions, over the
 * whole matrix in test/interop/matrix.ts. Needs the venv from scripts/python/setup.sh.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageDecoder, createMessageEncoder } from '../../src/api/codec.js';
import { InvalidMessageError } from '../../src/errors.js';
import { type Case, cases, type Params, withWrongSecret } from './matrix.js';
import { fromPy, pythonBatch, toPy } from './python.js';

/** Our public codec, configured with the same parameters the Python side gets. */
function codecOptions(params: Params) {
  return {
    noConfig: true,
    valueType: params.value_type as string,
    dataEncryption: params.data_encryption === true,
    crypto: params.crypto as Params | undefined,
    dataCompression: params.data_compression === true,
    compression: params.compression as Params | undefined,
    userDataOnly: params.user_data_only === true,
    messageFormat: (params.message_format ?? 3) as 2 | 3,
  };
}

type Encoder = Awaited<ReturnType<typeof createMessageEncoder<string | Uint8Array>>>;
type Decoder = Awaited<ReturnType<typeof createMessageDecoder<string | Uint8Array>>>;

/** One encoder and decoder per parameter set, like a long-lived writer and reader. */
function codecCache() {
  const encoders = new Map<Params, Promise<Encoder>>();
  const decoders = new Map<Params, Promise<Decoder>>();
  return {
    encoder(params: Params): Promise<Encoder> {
      if (!encoders.has(params)) encoders.set(params, createMessageEncoder(codecOptions(params)));
      return encoders.get(params)!;
    },
    decoder(params: Params): Promise<Decoder> {
      if (!decoders.has(params)) decoders.set(params, createMessageDecoder(codecOptions(params)));
      return decoders.get(params)!;
    },
  };
}

/** Strings as they are, bytes as hex (cheap to compare at 64 KiB, and Buffer-agnostic). */
function comparable(value: string | Uint8Array | undefined): string | undefined {
  return value instanceof Uint8Array ? `bytes:${Buffer.from(value).toString('hex')}` : value;
}

/**
 * The Python reader hands `compression.<algorithm>` to the *decompressor*, so writer-only
 * options there (e.g. zstd write_content_size) must not reach it.
 */
function pythonReaderParams(params: Params): Params {
  const compression = params.compression as Params | undefined;
  if (!compression) return params;
  const { zstd: _zstd, lz4: _lz4, ...rest } = compression;
  return { ...params, compression: rest };
}

function plainEnvelope(params: Params): boolean {
  return params.data_encryption !== true && params.data_compression !== true;
}

const matrix: Case[] = cases();
const codecs = codecCache();
const tally = { oursToPython: 0, pythonToOurs: 0, wrongSecret: 0 };
const encrypted = matrix.filter(
  (c) => c.params.data_encryption === true && c.name.endsWith('bytes-1B'),
);

afterAll(() => {
  console.log(
    `interop matrix: ${matrix.length} cases per direction; passed ours->python ${tally.oursToPython}/${matrix.length}, ` +
      `python->ours ${tally.pythonToOurs}/${matrix.length}, wrong secret rejected ${tally.wrongSecret}/${encrypted.length}`,
  );
});

describe('ours encodes, SINETStream 1.10 (Python) decodes', () => {
  const encodedLengths: number[] = [];
  const reply = pythonBatch(() =>
    Promise.all(
      matrix.map(async (c, i) => {
        const bytes = (await codecs.encoder(c.params)).encode(c.value, {
          timestamp: c.timestampUs / 1e6,
        });
        encodedLengths[i] = bytes.length;
        const params = toPy(pythonReaderParams(c.readerParams)) as Params;
        return { op: 'decode' as const, params, bytes: Buffer.from(bytes).toString('base64') };
      }),
    ),
  );

  it.each(matrix.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = matrix[i]!;
    const replied = reply(i);
    if (c.params.user_data_only === true && c.value.length === 0) {
      // An empty user_data_only message is zero bytes, which Python's iostream transport cannot
      // deliver (its reader sees end of stream); zero bytes is what Python writes too.
      expect(encodedLengths[i]).toBe(0);
      tally.oursToPython++;
      return;
    }
    expect(replied.error).toBeUndefined();
    expect(comparable(fromPy(replied.value))).toEqual(comparable(c.value));
    if (c.params.user_data_only !== true) expect(replied.timestamp_us).toBe(c.timestampUs);
    tally.oursToPython++;
  });
});

describe('SINETStream 1.10 (Python) encodes, ours decodes', () => {
  const reply = pythonBatch(async () =>
    matrix.map((c) => ({
      op: 'encode' as const,
      params: toPy(c.params) as Params,
      value: toPy(c.value) as string,
      timestamp_us: c.timestampUs,
    })),
  );

  it.each(matrix.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = matrix[i]!;
    const replied = reply(i);
    expect(replied.error).toBeUndefined();
    const bytes = Buffer.from(replied.bytes!, 'base64');
    const decoded = await (await codecs.decoder(c.readerParams)).decode(bytes);
    expect(comparable(decoded.value)).toEqual(comparable(c.value));
    if (c.params.user_data_only !== true) expect(decoded.timestampUs).toBe(c.timestampUs);
    if (plainEnvelope(c.params)) {
      // Nothing random in the envelope: our bytes must be Python's, byte for byte.
      const ours = (await codecs.encoder(c.params)).encode(c.value, {
        timestamp: c.timestampUs / 1e6,
      });
      expect(Buffer.from(ours).toString('hex')).toBe(bytes.toString('hex'));
    }
    tally.pythonToOurs++;
  });

  it.each(encrypted.map((c) => [c.name, matrix.indexOf(c)] as const))(
    '%s: a reader with the wrong secret gets InvalidMessageError',
    async (_name, i) => {
      const c = matrix[i]!;
      const decoder = await createMessageDecoder(codecOptions(withWrongSecret(c.readerParams)));
      await expect(decoder.decode(Buffer.from(reply(i).bytes!, 'base64'))).rejects.toThrow(
        InvalidMessageError,
      );
      tally.wrongSecret++;
    },
  );
});
