/**
 * The `gzip` plugin in the browser: fflate, synchronous like the Node side (gzip.ts), with the
 * same `compression.gzip` block: the formats `wbits` selects, the level, `memLevel` and a
 * preset dictionary. fflate has no `strategy` (it changes how well data compresses, not the
 * format) and always writes with a 32 KiB window, which a reader with a smaller `wbits`
 * refuses: a browser writer takes only wbits 15, -15 and 31.
 */
import {
  Decompress,
  deflateSync,
  Gunzip,
  gzipSync,
  Inflate,
  type InflateStreamOptions,
  Unzlib,
  zlibSync,
} from 'fflate';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';
import { checkGzipLevel, GZIP_PARAMETERS, type GzipBlock } from './gzip-parameters.js';

class OutputLimitReached extends Error {}

type Handler = (chunk: Uint8Array) => void;
type Inflater = { push(bytes: Uint8Array, final: boolean): void };
type Format = 'zlib' | 'raw' | 'gzip' | 'detect';

/** The stream format of `wbits`, as zlib reads it (gzip.ts has the Node side's table). */
function formatOf(wbits: number): Format {
  if (wbits === 0 || (wbits >= 8 && wbits <= 15)) return 'zlib';
  if (wbits < 0) return 'raw';
  if (wbits <= 31) return 'gzip';
  return 'detect';
}

function inflaterFor(format: Format, options: InflateStreamOptions, onData: Handler): Inflater {
  switch (format) {
    case 'zlib':
      return new Unzlib(options, onData);
    case 'raw':
      return new Inflate(options, onData);
    case 'gzip':
      return new Gunzip(onData);
    case 'detect':
      return new Decompress(options, onData);
  }
}

/** Inflates chunk by chunk and stops once the output passes `maxSize`. */
function inflateWithin(
  format: Format,
  options: InflateStreamOptions,
  bytes: Uint8Array,
  maxSize: number,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = inflaterFor(format, options, (chunk) => {
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
  if (chunks.length === 0) return new Uint8Array(0);
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type Mem = Level | 10 | 11 | 12;

/** SINETStream's "gzip" is by default a zlib stream (RFC 1950), as on the Node side. */
export const gzipCompression: CompressionPlugin = {
  name: 'gzip',
  parameters: GZIP_PARAMETERS,
  create(level = -1, params = {}) {
    const block = params as GzipBlock;
    const chosen = checkGzipLevel(level, block);
    const wbits = block.wbits ?? 15;
    const format = formatOf(wbits);
    const dictionary = block.zdict;
    const options = {
      level: (chosen === -1 ? 6 : chosen) as Level,
      ...(block.memLevel !== undefined ? { mem: block.memLevel as Mem } : {}),
      ...(dictionary ? { dictionary } : {}),
    };
    const writable = wbits === 15 || wbits === -15 || wbits === 31;
    return {
      compress(bytes) {
        if (!writable) {
          throw new InvalidArgumentError(
            `compression.gzip.wbits: a writer in a browser takes 15, -15 or 31 (fflate writes 32 KiB windows only), not ${wbits}`,
          );
        }
        if (format === 'gzip') {
          if (dictionary) {
            throw new InvalidArgumentError(
              'compression.gzip.zdict: zlib takes no preset dictionary with the gzip file format (wbits 25..31)',
            );
          }
          return gzipSync(bytes, options);
        }
        return format === 'raw' ? deflateSync(bytes, options) : zlibSync(bytes, options);
      },
      decompress: (bytes, maxSize) =>
        inflateWithin(format, dictionary ? { dictionary } : {}, bytes, maxSize),
    };
  },
};
