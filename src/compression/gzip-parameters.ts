import { InvalidArgumentError } from '../errors.js';
import type { ParamDeclarations } from '../spi/parameters.js';

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

/** The `compression.gzip` block as declared. */
export interface GzipBlock {
  level?: number;
  wbits?: number;
  memLevel?: number;
  strategy?: number;
  zdict?: Uint8Array;
}

/** The level to compress at: the block's beats `compression.level`; -1 to 9 as zlib takes. */
export function checkGzipLevel(level: number, block: GzipBlock): number {
  const [chosen, key] =
    block.level !== undefined
      ? [block.level, 'compression.gzip.level']
      : [level, 'compression.level'];
  if (!Number.isInteger(chosen) || chosen < -1 || chosen > 9) {
    throw new InvalidArgumentError(`${key}: gzip takes -1..9, got ${chosen}`);
  }
  return chosen;
}
