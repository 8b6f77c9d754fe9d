/**
 * Byte compatibility with SINETStream 1.10 (Python, from PyPI), both directions, over the
 * whole matrix in test/interop/matrix.ts. Needs the venv from scripts/python/setup.sh.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageDecoder, createMessageEncoder } from '../../src/api/codec.js';
import { InvalidArgumentError, InvalidMessageError } from '../../src/errors.js';
import { type Case, cases, type Params, withWrongSecret } from './matrix.js';
import { fromPy, pythonBatch, toPy } from './python.js';
import { codecOptions, pythonReaderParams, pythonWriterParams } from './python-params.js';

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
    if (c.params.user_data_only === true && plainEnvelope(c.params) && c.value.length === 0) {
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
      params: toPy(pythonWriterParams(c.params)) as Params,
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

describe('CBC without padding on a message that is not whole blocks', () => {
  const params = {
    data_encryption: true,
    crypto: { algorithm: 'AES', mode: 'CBC', padding: 'none', key: new Uint8Array(16).fill(1) },
    value_type: 'byte_array',
  };
  const reply = pythonBatch(async () => [
    {
      op: 'encode' as const,
      params: toPy(params) as Params,
      value: toPy(Uint8Array.of(1, 2, 3)) as string,
      timestamp_us: 1,
    },
  ]);

  it('is refused by both: ValueError in Python, InvalidArgumentError in ours', async () => {
    expect(reply(0).error).toMatch(/^ValueError: .*16 byte boundary/);
    const encoder = await createMessageEncoder(codecOptions(params));
    expect(() => encoder.encode(Uint8Array.of(1, 2, 3))).toThrow(InvalidArgumentError);
  });
});

describe('zstd max_window_size, as python-zstandard applies it', () => {
  // 4 MiB with a match 3 MiB back: level 19 keeps a 4 MiB window.
  const big = new Uint8Array(4 * 1024 * 1024).map(
    (_, i) => (Math.imul(i, 2654435761) >>> 24) & 0xff,
  );
  big.set(big.subarray(0, 1024 * 1024), 3 * 1024 * 1024);
  const writer = (writeContentSize: boolean) => ({
    data_compression: true,
    compression: { algorithm: 'zstd', level: 19, zstd: { write_content_size: writeContentSize } },
    max_message_size: 8 * 1024 * 1024,
  });
  const reader = {
    data_compression: true,
    compression: { algorithm: 'zstd', zstd: { max_window_size: 1024 * 1024 } },
    max_message_size: 8 * 1024 * 1024,
  };
  const frames: Uint8Array[] = [];
  const reply = pythonBatch(async () => {
    for (const sized of [false, true]) {
      const encoder = await createMessageEncoder({
        noConfig: true,
        dataCompression: true,
        compression: writer(sized).compression,
        maxMessageSize: 8 * 1024 * 1024,
      });
      frames.push(encoder.encode(big));
    }
    return frames.map((bytes) => ({
      op: 'decode' as const,
      params: toPy({ ...reader, value_type: 'byte_array' }) as Params,
      bytes: Buffer.from(bytes).toString('base64'),
    }));
  });

  it('both refuse a frame without a stated size that needs a larger window', async () => {
    expect(reply(0).error).toMatch(/^ZstdError: .*too much memory/);
    const decoder = await createMessageDecoder(
      codecOptions({ ...reader, value_type: 'byte_array' }),
    );
    await expect(decoder.decode(frames[0]!)).rejects.toThrow(InvalidMessageError);
  });

  it('both read a frame stating its size, whatever its window', async () => {
    expect(reply(1).error).toBeUndefined();
    const decoder = await createMessageDecoder({
      ...codecOptions({ ...reader, value_type: 'byte_array' }),
      maxMessageSize: 8 * 1024 * 1024,
    });
    expect(
      Buffer.from((await decoder.decode(frames[1]!)).value as Uint8Array).equals(Buffer.from(big)),
    ).toBe(true);
  });
});
