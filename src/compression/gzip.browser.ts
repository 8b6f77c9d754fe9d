/** The `gzip` plugin in the browser: fflate, synchronous like the Node side (gzip.ts). */
import { Unzlib, zlibSync } from 'fflate';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';

class OutputLimitReached extends Error {}

/** Inflates chunk by chunk and stops once the output passes `maxSize`. */
function inflateWithin(bytes: Uint8Array, maxSize: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > maxSize) throw new OutputLimitReached();
    chunks.push(chunk);
  });
  try {
    inflater.push(bytes, true);
  } catch (error) {
    if (error instanceof OutputLimitReached) throw messageTooLarge(maxSize, error);
    throw new InvalidMessageError(
      `message does not decompress with gzip: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** SINETStream's "gzip" is a zlib stream (RFC 1950), as on the Node side. */
export const gzipCompression: CompressionPlugin = {
  name: 'gzip',
  create(level = 6) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new InvalidArgumentError(`compression.level: gzip takes 1..9, got ${level}`);
    }
    const options = { level: level as 1 };
    return {
      compress: (bytes) => zlibSync(bytes, options),
      decompress: inflateWithin,
    };
  },
};
