import { deflateSync, inflateSync } from 'node:zlib';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';

/**
 * node:zlib stops once its output passes `maxOutputLength` (checked after each 16 KiB chunk),
 * so a deflate bomb costs the limit and a chunk, not what it would inflate to.
 */
function inflateWithin(bytes: Uint8Array, maxSize: number): Uint8Array {
  try {
    return inflateSync(bytes, { maxOutputLength: maxSize });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw messageTooLarge(maxSize, error);
    }
    throw new InvalidMessageError(
      `message does not decompress with gzip: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * SINETStream's "gzip" is a zlib stream (RFC 1950), not the gzip file format: Python writes
 * it with zlib.compressobj and Java uses ZLIB since 1.9.
 */
export const gzipCompression: CompressionPlugin = {
  name: 'gzip',
  create(level = 6) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new InvalidArgumentError(`compression.level: gzip takes 1..9, got ${level}`);
    }
    return {
      compress: (bytes) => deflateSync(bytes, { level }),
      decompress: inflateWithin,
    };
  },
};
