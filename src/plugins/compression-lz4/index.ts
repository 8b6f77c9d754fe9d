/**
 * LZ4 compression (`compression.algorithm: lz4`), the twin of PyPI's sinetstream-comp-lz4:
 * messages are LZ4 *frames* (python-lz4's lz4.frame), not raw blocks. Written as a third
 * party would write it: it only uses `sinetstream/spi`, and an application adds it with
 * `createRegistry().registerCompression('lz4', lz4Compression)` or ships it as a package
 * whose default export is `lz4Compression`.
 */
import type { CompressionPlugin, Compressor } from '../../spi/index.js';
import { InvalidArgumentError, InvalidMessageError } from '../../spi/index.js';

/** `compression.lz4` keys (python-lz4's lz4.frame.compress arguments) that lz4-napi honours. */
function checksumOption(
  params: Readonly<Record<string, unknown>>,
  key: string,
): boolean | undefined {
  const value = params[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidArgumentError(
    `compression.lz4.${key}: must be true or false, got ${String(value)}`,
  );
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export const lz4Compression: CompressionPlugin = {
  name: 'lz4',
  async create(level = 0, params = {}) {
    // python-lz4 takes any integer (0..2 fast, 3..16 LZ4-HC, others clamped). lz4-napi
    // (lz4_flex) has only the fast compressor, so the level is accepted for config
    // compatibility but does not change the output; every LZ4 frame reader decodes it.
    if (!Number.isInteger(level)) {
      throw new InvalidArgumentError(`compression.level: lz4 takes an integer, got ${level}`);
    }
    const options = {
      contentChecksum: checksumOption(params, 'content_checksum'),
      blockChecksums: checksumOption(params, 'block_checksum'),
    };
    // A native addon: loaded only when a service actually asks for lz4.
    const lz4 = await import('lz4-napi');
    const compressor: Compressor = {
      compress: (bytes) => lz4.compressFrameSync(asBuffer(bytes), options),
      decompress(bytes) {
        try {
          return lz4.decompressFrameSync(asBuffer(bytes));
        } catch (error) {
          throw new InvalidMessageError('message does not decompress with lz4', { cause: error });
        }
      },
    };
    return compressor;
  },
};

export default lz4Compression;
