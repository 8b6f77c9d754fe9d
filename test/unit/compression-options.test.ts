/**
 * The `compression.<algorithm>` blocks, as SINETStream 1.10 hands them to zlib,
 * python-zstandard and python-lz4 (test/interop checks the bytes against Python itself).
 */
import { describe, expect, it } from 'vitest';
import { createMessageDecoder, createMessageEncoder } from '../../src/api/codec.js';
import { readZstdFrame } from '../../src/compression/zstd-frame.js';
import { InvalidArgumentError, InvalidMessageError } from '../../src/errors.js';

const TEXT = 'SINETStream compression options '.repeat(200);

function options(compression: Record<string, unknown>, warnings: string[] = []) {
  return {
    noConfig: true,
    valueType: 'text',
    dataCompression: true,
    compression,
    userDataOnly: true, // the bare compressed value, to look at its format
    logger: { warn: (text: string) => warnings.push(text) },
  };
}

async function roundTrip(writer: Record<string, unknown>, reader = writer) {
  const bytes = (await createMessageEncoder<string>(options(writer))).encode(TEXT);
  const decoded = await (await createMessageDecoder<string>(options(reader))).decode(bytes);
  return { bytes, value: decoded.value };
}

describe('compression.gzip, as zlib.compressobj / decompressobj take it', () => {
  it('writes the gzip file format with wbits 31, and raw deflate with wbits -15', async () => {
    const gzip = await roundTrip({ algorithm: 'gzip', gzip: { wbits: 31 } });
    expect(Buffer.from(gzip.bytes.subarray(0, 2)).toString('hex')).toBe('1f8b');
    expect(gzip.value).toBe(TEXT);
    const raw = await roundTrip({ algorithm: 'gzip', gzip: { wbits: -15 } });
    expect(raw.bytes[0]).not.toBe(0x78);
    expect(raw.value).toBe(TEXT);
  });

  it('reads zlib and gzip alike with wbits 47, and a writer refuses it', async () => {
    const reader = { algorithm: 'gzip', gzip: { wbits: 47 } };
    expect((await roundTrip({ algorithm: 'gzip' }, reader)).value).toBe(TEXT);
    expect((await roundTrip({ algorithm: 'gzip', gzip: { wbits: 25 } }, reader)).value).toBe(TEXT);
    const writer = await createMessageEncoder<string>(options(reader));
    expect(() => writer.encode(TEXT)).toThrow(/compression\.gzip\.wbits: 47 is for reading only/);
  });

  it('a reader with the default wbits refuses a gzip file, as Python does', async () => {
    await expect(
      roundTrip({ algorithm: 'gzip', gzip: { wbits: 31 } }, { algorithm: 'gzip' }),
    ).rejects.toThrow(InvalidMessageError);
  });

  it('stores with level 0, and the block level beats compression.level', async () => {
    const stored = await roundTrip({ algorithm: 'gzip', level: 0 });
    expect(stored.bytes.length).toBeGreaterThan(TEXT.length);
    const best = await roundTrip({ algorithm: 'gzip', level: 0, gzip: { level: 9 } });
    expect(best.bytes.length).toBeLessThan(TEXT.length / 10);
  });

  it('takes memLevel, strategy and a preset dictionary, which the reader needs too', async () => {
    const zdict = new TextEncoder().encode('SINETStream compression options ');
    const writer = { algorithm: 'gzip', gzip: { memLevel: 9, strategy: 1, zdict } };
    expect((await roundTrip(writer)).value).toBe(TEXT);
    await expect(roundTrip(writer, { algorithm: 'gzip' })).rejects.toThrow(InvalidMessageError);
  });

  it.each([
    [{ level: 10 }, /compression\.gzip\.level: gzip takes -1\.\.9, got 10/],
    [{ wbits: 16 }, /compression\.gzip\.wbits: "16" is not one of/],
    [{ strategy: 5 }, /compression\.gzip\.strategy/],
  ])('refuses %o, naming the key', async (block, message) => {
    const creating = createMessageEncoder(options({ algorithm: 'gzip', gzip: block }));
    await expect(creating).rejects.toThrow(InvalidArgumentError);
    await expect(creating).rejects.toThrow(message);
  });
});

describe('compression.zstd, as python-zstandard takes it', () => {
  const frameOf = async (zstd: Record<string, unknown>) =>
    (await roundTrip({ algorithm: 'zstd', zstd })).bytes;

  it('writes a checksum with write_checksum, and no size with write_content_size false', async () => {
    const checked = await frameOf({ write_checksum: true });
    expect(checked[4]! & 0x04).toBe(0x04);
    expect(readZstdFrame(checked).contentSize).toBe(TEXT.length);
    expect(readZstdFrame(await frameOf({ write_content_size: false })).contentSize).toBeUndefined();
  });

  it('takes negative levels and the block level', async () => {
    const fast = await frameOf({ level: -50 });
    const best = await frameOf({ level: 19 });
    expect(best.length).toBeLessThan(fast.length);
  });

  it('refuses a frame without a stated size needing a window above max_window_size', async () => {
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    big.set(big.subarray(0, 1024 * 1024), 3 * 1024 * 1024); // a match 3 MiB back
    const encoder = await createMessageEncoder({
      noConfig: true,
      dataCompression: true,
      compression: { algorithm: 'zstd', level: 19, zstd: { write_content_size: false } },
      maxMessageSize: 8 * 1024 * 1024,
    });
    const bytes = encoder.encode(big);
    const sized = (
      await createMessageEncoder({
        noConfig: true,
        dataCompression: true,
        compression: { algorithm: 'zstd', level: 19 },
        maxMessageSize: 8 * 1024 * 1024,
      })
    ).encode(big);
    const reader = (zstd: Record<string, unknown>) =>
      createMessageDecoder({
        noConfig: true,
        dataCompression: true,
        compression: { algorithm: 'zstd', zstd },
        maxMessageSize: 8 * 1024 * 1024,
      });
    expect((await (await reader({})).decode(bytes)).value).toEqual(big);
    await expect((await reader({ max_window_size: 1024 * 1024 })).decode(bytes)).rejects.toThrow(
      InvalidMessageError,
    );
    // As python-zstandard: a frame stating its size is decompressed in one call, unlimited.
    expect((await (await reader({ max_window_size: 1024 * 1024 })).decode(sized)).value).toEqual(
      big,
    );
  });
});

describe('compression.lz4, as python-lz4 lz4.frame.compress takes it', () => {
  it('warns that block_size, block_linked, store_size and compression_level have no effect', async () => {
    const warnings: string[] = [];
    const writer = {
      algorithm: 'lz4',
      lz4: { block_size: 7, block_linked: false, store_size: false, compression_level: 9 },
    };
    await createMessageEncoder(options(writer, warnings));
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toMatch(/compression\.lz4\.block_size: lz4-napi writes 64 KiB/);
  });

  it('refuses a checksum flag that is not a boolean, naming the key', async () => {
    const creating = createMessageEncoder(
      options({ algorithm: 'lz4', lz4: { content_checksum: 'yes' } }),
    );
    await expect(creating).rejects.toThrow(
      /compression\.lz4\.content_checksum: expected true or false/,
    );
  });
});
