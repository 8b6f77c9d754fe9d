import { describe, expect, it } from 'vitest';
import { gzipCompression } from '../../src/compression/gzip.js';
import { loadZstd, zstdCompressionOn } from '../../src/compression/zstd.js';
import type { ZstdOutput } from '../../src/compression/zstd-backend.js';
import { readZstdFrame } from '../../src/compression/zstd-frame.js';
import { nativeZstd } from '../../src/compression/zstd-native.js';
import { loadWasmZstd } from '../../src/compression/zstd-wasm.js';
import { InvalidArgumentError, InvalidMessageError } from '../../src/errors.js';
import { createRegistry, defaultRegistry } from '../../src/plugins/builtins.js';
import lz4Default, { lz4Compression } from '../../src/plugins/compression-lz4/index.js';
import { PluginRegistry } from '../../src/spi/index.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const TEXT = 'SINETStream '.repeat(50);
const VALUE = new TextEncoder().encode(TEXT);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** The default max_message_size. */
const LIMIT = 64 * 1024 * 1024;

/** Frames python-zstandard and python-lz4 wrote for TEXT (see scripts/python). */
const PY = {
  zstdNoContentSize: '28b52ffd00009d00006053494e455453747265616d200100495e9524',
  zstdNoContentSizeChecksum: '28b52ffd04009d00006053494e455453747265616d200100495e95242759ab3e',
  lz4Default:
    '04224d1868405802000000000000be18000000cf53494e455453747265616d200c00ffff36507265616d2000000000',
  lz4HcChecksums:
    '04224d187440bd18000000cf53494e455453747265616d200c00ffff36507265616d207118552b000000002472cbd7',
};

async function rejection(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('gzip', () => {
  it('writes a zlib stream (RFC 1950 header), as SINETStream does', async () => {
    const gzip = await gzipCompression.create(undefined, {});
    const compressed = gzip.compress(VALUE);
    expect(compressed[0]).toBe(0x78);
    expect(compressed.length).toBeLessThan(VALUE.length / 4);
    expect(text(gzip.decompress(compressed, LIMIT))).toBe(TEXT);
  });
});

const BACKENDS = [
  ['node:zlib', async () => nativeZstd!],
  ['zstd-wasm', loadWasmZstd],
] as const;

describe('zstd backend choice', () => {
  it("is Node's own zstd on every Node this runs on (22.15 and later have it)", async () => {
    expect(nativeZstd).toBeDefined();
    expect((await loadZstd()).name).toBe('node:zlib');
  });

  it.each([1, 3, 19, 22])('writes the same bytes on both backends at level %i', async (level) => {
    const data = new TextEncoder().encode(
      Array.from({ length: 9000 }, (_, i) => `${(i * 7919) % 1000} sensor=${i % 13};`).join(''),
    );
    const wasm = await loadWasmZstd();
    for (const value of [VALUE, data, new Uint8Array(0)]) {
      const expected = Buffer.from(wasm.compress(value, level)).toString('hex');
      expect(Buffer.from(nativeZstd!.compress(value, level)).toString('hex')).toBe(expected);
    }
  });
});

/** A frame of `blocks` RLE blocks of 128 KiB each, stating `contentSize` in 8 bytes if given. */
function rleFrame(blocks: number, contentSize?: number): Uint8Array {
  const header = Buffer.from('28b52ffd00580000000000000000', 'hex');
  if (contentSize !== undefined) {
    header[4] = 0xc0; // 8-byte content size, window descriptor follows
    header.writeBigUInt64LE(BigInt(contentSize), 6);
  }
  const parts = [header.subarray(0, contentSize === undefined ? 6 : 14)];
  for (let i = 0; i < blocks; i++) {
    const block = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([block & 0xff, (block >> 8) & 0xff, block >>> 16, 0x41]));
  }
  return Buffer.concat(parts);
}

describe('zstd output ceiling', () => {
  const seen: ZstdOutput[] = [];
  const recording = zstdCompressionOn(async () => ({
    name: 'recording',
    frameOptions: false,
    compress: (bytes) => bytes,
    decompress(_bytes, frame) {
      seen.push(frame);
      return new Uint8Array(0);
    },
  }));

  it('refuses a frame that states 2 GiB or more, before decompressing it', async () => {
    const compressor = await recording.create(undefined, {});
    const frame = rleFrame(16 * 1024, 2 ** 31);
    expect(readZstdFrame(frame).contentSize).toBe(2 ** 31);
    expect(() => compressor.decompress(frame, 2 ** 40)).toThrow(InvalidMessageError);
    expect(seen).toEqual([]);
  });

  it('bounds a frame without a stated size by max_message_size, and below 2 GiB', async () => {
    const compressor = await recording.create(undefined, {});
    compressor.decompress(rleFrame(16 * 1024), LIMIT);
    compressor.decompress(rleFrame(16 * 1024), 2 ** 40);
    expect(seen).toEqual([
      { contentSize: undefined, outputLimit: LIMIT },
      { contentSize: undefined, outputLimit: 2 ** 31 - 1 },
    ]);
  });
});

describe.each(BACKENDS)('zstd on %s', (backendName, load) => {
  const zstd = zstdCompressionOn(load);

  it('runs on the backend it was given', async () => {
    expect((await load()).name).toBe(backendName);
  });

  it.each([1, 3, 22])('round-trips at level %i', async (level) => {
    const compressor = await zstd.create(level, {});
    const compressed = compressor.compress(VALUE);
    expect(Buffer.from(compressed.subarray(0, 4)).toString('hex')).toBe('28b52ffd');
    expect(compressed.length).toBeLessThan(VALUE.length / 4);
    expect(text(compressor.decompress(compressed, LIMIT))).toBe(TEXT);
  });

  it('writes frames that state their content size', async () => {
    const compressor = await zstd.create(undefined, {});
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    for (const value of [VALUE, big]) {
      expect(readZstdFrame(compressor.compress(value)).contentSize).toBe(value.length);
    }
  });

  it('hands readers a plain Uint8Array, not a Buffer', async () => {
    const compressor = await zstd.create(undefined, {});
    const out = compressor.decompress(compressor.compress(VALUE), LIMIT);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });

  it('compresses more at higher levels', async () => {
    const data = new TextEncoder().encode(
      Array.from({ length: 4000 }, (_, i) => `${(i * 7919) % 1000} sensor=${i % 13};`).join(''),
    );
    const [fast, best] = [await zstd.create(1, {}), await zstd.create(19, {})];
    expect(best.compress(data).length).toBeLessThan(fast.compress(data).length);
  });

  it.each([23, 2.5])('refuses level %s', async (level) => {
    const error = await rejection(zstd.create(level, {}));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(`compression.level: zstd takes 22 or less, got ${level}`);
  });

  it.each([0, -1, -5, -200_000])('takes level %s, as python-zstandard does', async (level) => {
    const compressor = await zstd.create(level, {});
    expect(text(compressor.decompress(compressor.compress(VALUE), LIMIT))).toBe(TEXT);
  });

  it.each(Object.entries({ plain: PY.zstdNoContentSize, checksum: PY.zstdNoContentSizeChecksum }))(
    'reads frames without a content size (python-zstandard, %s)',
    async (_name, frame) => {
      const compressor = await zstd.create(undefined, {});
      expect(text(compressor.decompress(hex(frame), LIMIT))).toBe(TEXT);
    },
  );

  it('reads a frame without content size that decompresses to more than 1 MiB', async () => {
    // Twenty 128 KiB raw blocks after a header that states no size (window 128 KiB).
    const block = new Uint8Array(128 * 1024).fill(0x5a);
    const parts: Uint8Array[] = [hex('28b52ffd0038')];
    for (let i = 0; i < 20; i++) {
      const header = ((block.length << 3) | (i === 19 ? 1 : 0)) >>> 0;
      parts.push(Uint8Array.of(header & 0xff, (header >> 8) & 0xff, header >> 16), block);
    }
    const compressor = await zstd.create(undefined, {});
    const out = compressor.decompress(Buffer.concat(parts), LIMIT);
    expect(out.length).toBe(20 * block.length);
    expect(out.every((b) => b === 0x5a)).toBe(true);
  });

  it('produces no more than the bound it is given', async () => {
    const backend = await load();
    const frame = hex(PY.zstdNoContentSize);
    const bound = (outputLimit: number) => ({ contentSize: undefined, outputLimit });
    expect(backend.decompress(frame, bound(TEXT.length)).length).toBe(TEXT.length);
    expect(() => backend.decompress(frame, bound(TEXT.length - 1))).toThrow();
  });

  it.each([
    ['garbage', Buffer.from('not zstd at all')],
    ['a truncated frame', hex(PY.zstdNoContentSize).subarray(0, 20)],
    ['trailing bytes', Buffer.concat([hex(PY.zstdNoContentSize), Buffer.from('x')])],
    ['a second frame', Buffer.concat([hex(PY.zstdNoContentSize), hex(PY.zstdNoContentSize)])],
    // Header claims 4 GiB of content, blocks hold 3 bytes: refused before any allocation.
    ['a forged content size', hex('28b52ffda0ffffffff190000616263')],
    // Header claims 2 bytes, the one raw block holds 3.
    ['a content size its blocks overrun', hex('28b52ffd2002190000616263')],
    [
      'content that fails its checksum',
      Buffer.from(hex(PY.zstdNoContentSizeChecksum).map((b, i) => (i === 12 ? b ^ 0xff : b))),
    ],
  ])('rejects %s with InvalidMessageError', async (_name, frame) => {
    const compressor = await zstd.create(undefined, {});
    expect(() => compressor.decompress(frame, LIMIT)).toThrow(InvalidMessageError);
  });
});

describe('lz4 plugin', () => {
  it('writes LZ4 frames (magic 04 22 4D 18), as python-lz4 lz4.frame does', async () => {
    const lz4 = await lz4Compression.create(undefined, {});
    const compressed = lz4.compress(VALUE);
    expect(Buffer.from(compressed.subarray(0, 4)).toString('hex')).toBe('04224d18');
    expect(compressed.length).toBeLessThan(VALUE.length / 4);
    expect(text(lz4.decompress(compressed, LIMIT))).toBe(TEXT);
  });

  it.each(Object.entries({ default: PY.lz4Default, 'level 9 with checksums': PY.lz4HcChecksums }))(
    'reads python-lz4 frames (%s)',
    async (_name, frame) => {
      const lz4 = await lz4Compression.create(undefined, {});
      expect(text(lz4.decompress(hex(frame), LIMIT))).toBe(TEXT);
    },
  );

  it('writes a content checksum when compression.lz4.content_checksum is true', async () => {
    const plain = (await lz4Compression.create(0, {})).compress(VALUE);
    const checked = (await lz4Compression.create(0, { content_checksum: true })).compress(VALUE);
    expect(checked.length).toBe(plain.length + 4);
    expect(checked[4]! & 0x04).toBe(0x04); // FLG.C.Checksum
  });

  it('rejects a frame whose content checksum does not match', async () => {
    const lz4 = await lz4Compression.create(0, {});
    const frame = Buffer.from(hex(PY.lz4HcChecksums));
    frame[frame.length - 1]! ^= 0xff;
    expect(() => lz4.decompress(frame, LIMIT)).toThrow(InvalidMessageError);
  });

  it('rejects garbage with InvalidMessageError', async () => {
    const lz4 = await lz4Compression.create(0, {});
    expect(() => lz4.decompress(Buffer.from('04224d18deadbeef', 'hex'), LIMIT)).toThrow(
      InvalidMessageError,
    );
  });

  it('refuses a level that is not an integer', async () => {
    const error = await rejection(lz4Compression.create(1.5, {}));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/compression\.level: lz4 takes an integer, got 1.5/);
  });

  it('is reachable through the SPI: built in, and as a third-party module default export', async () => {
    expect(defaultRegistry.compressionNames()).toEqual(
      expect.arrayContaining(['gzip', 'lz4', 'zstd']),
    );
    expect((await createRegistry().compression('lz4')).name).toBe('lz4');
    const thirdParty = new PluginRegistry().registerModule(
      { default: lz4Default },
      'sinetstream-comp-lz4',
    );
    const lz4 = await (await thirdParty.compression('lz4')).create(undefined, {});
    expect(text(lz4.decompress(hex(PY.lz4Default), LIMIT))).toBe(TEXT);
  });
});
