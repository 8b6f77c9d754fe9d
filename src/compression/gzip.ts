import {
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
  unzipSync,
  type ZlibOptions,
} from 'node:zlib';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';
import { checkGzipLevel, GZIP_PARAMETERS, type GzipBlock } from './gzip-parameters.js';

type Inflate = (bytes: Uint8Array, options: ZlibOptions) => Buffer;

/**
 * The stream format `wbits` selects, with the window bits node:zlib takes for it. zlib's
 * compressor refuses 0, -8, 24 and 40..47 (Python: "Invalid initialization option" at
 * publish), so those have no `deflate`; for the gzip format node:zlib wants 9 where zlib turns
 * 8 into 9 itself.
 */
function formatOf(wbits: number): {
  deflate?: Inflate | undefined;
  inflate: Inflate;
  windowBits?: number;
  gzip?: boolean;
} {
  if (wbits === 0) return { inflate: inflateSync };
  if (wbits < 0) {
    return {
      deflate: wbits === -8 ? undefined : deflateRawSync,
      inflate: inflateRawSync,
      windowBits: -wbits,
    };
  }
  if (wbits <= 15) return { deflate: deflateSync, inflate: inflateSync, windowBits: wbits };
  if (wbits <= 31) {
    const deflate = wbits === 24 ? undefined : gzipSync;
    return { deflate, inflate: gunzipSync, windowBits: Math.max(9, wbits - 16), gzip: true };
  }
  return { inflate: unzipSync, windowBits: Math.max(9, wbits - 32) };
}

/**
 * node:zlib stops once its output passes `maxOutputLength` (checked after each 16 KiB chunk),
 * so a deflate bomb costs the limit and a chunk, not what it would inflate to.
 */
function inflateWithin(
  inflate: Inflate,
  options: ZlibOptions,
  bytes: Uint8Array,
  maxSize: number,
): Uint8Array {
  try {
    return inflate(bytes, { ...options, maxOutputLength: maxSize });
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
 * SINETStream's "gzip" is by default a zlib stream (RFC 1950), not the gzip file format:
 * Python writes it with zlib.compressobj and Java uses ZLIB since 1.9. `wbits` 24..31 gives
 * the gzip file format, as zlib does.
 */
export const gzipCompression: CompressionPlugin = {
  name: 'gzip',
  parameters: GZIP_PARAMETERS,
  create(level = -1, params = {}) {
    const block = params as GzipBlock;
    const chosenLevel = checkGzipLevel(level, block);
    const wbits = block.wbits ?? 15;
    const { deflate, inflate, windowBits, gzip } = formatOf(wbits);
    const shared: ZlibOptions = { windowBits, dictionary: block.zdict };
    const deflateOptions: ZlibOptions = {
      ...shared,
      level: chosenLevel,
      memLevel: block.memLevel,
      strategy: block.strategy,
    };
    return {
      compress(bytes) {
        if (!deflate) {
          throw new InvalidArgumentError(
            `compression.gzip.wbits: ${wbits} is for reading only (a writer takes -15..-9, 8..15 or 25..31)`,
          );
        }
        if (gzip && block.zdict) {
          throw new InvalidArgumentError(
            'compression.gzip.zdict: zlib takes no preset dictionary with the gzip file format (wbits 25..31)',
          );
        }
        return deflate(bytes, deflateOptions);
      },
      decompress: (bytes, maxSize) => inflateWithin(inflate, shared, bytes, maxSize),
    };
  },
};
