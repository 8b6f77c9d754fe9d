import { deflateSync, inflateSync } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';

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
      decompress: (bytes) => inflateSync(bytes),
    };
  },
};
