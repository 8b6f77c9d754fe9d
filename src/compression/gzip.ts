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
import type { ParamDeclarations } from '../spi/parameters.js';
import type { CompressionPlugin } from '../spi/types.js';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * `compression.gzip`: the arguments of Python's zlib.compressobj / decompressobj, which
 * SINETStream 1.10 hands the block to. Python's decompressor takes only `wbits` and `zdict`
 * and fails on the others; ours ignores them when reading, so one block serves both roles.
 */
export const GZIP_PARAMETERS = {
  level: {
    type: 'integer',
    role: 'writer',
    description:
      'compression level, -1 (the default, 6) or 0 (stored) to 9; beats compression.level',
  },
  method: { type: { oneOf: [8] }, role: 'writer', description: 'DEFLATED (8), the only method' },
  wbits: {
    type: { oneOf: [...range(-15, -8), 0, ...range(8, 15), ...range(24, 31), ...range(40, 47)] },
    default: 15,
    description:
      'window bits and format, as zlib takes them: 8..15 zlib stream, -9..-15 raw deflate, 25..31 gzip file format; readers also -8, 24, 0 (window from the header) and 40..47 (zlib or gzip, detected)',
  },
  memLevel: {
    type: { oneOf: range(1, 9) },
    role: 'writer',
    description: 'memory for the compression state, 1..9 (default 8)',
  },
  strategy: {
    type: { oneOf: range(0, 4) },
    role: 'writer',
    description: 'Z_DEFAULT_STRATEGY 0, Z_FILTERED 1, Z_HUFFMAN_ONLY 2, Z_RLE 3, Z_FIXED 4',
  },
  zdict: {
    type: 'bytes',
    description: 'preset dictionary (!!binary, or text as UTF-8); writer and reader need the same',
  },
} as const satisfies ParamDeclarations;

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

function checkLevel(level: number, key: string): number {
  if (!Number.isInteger(level) || level < -1 || level > 9) {
    throw new InvalidArgumentError(`${key}: gzip takes -1..9, got ${level}`);
  }
  return level;
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
    const block = params as {
      level?: number;
      wbits?: number;
      memLevel?: number;
      strategy?: number;
      zdict?: Uint8Array;
    };
    const chosenLevel =
      block.level !== undefined
        ? checkLevel(block.level, 'compression.gzip.level')
        : checkLevel(level, 'compression.level');
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
