/**
 * LZ4 compression (`compression.algorithm: lz4`), the twin of PyPI's sinetstream-comp-lz4:
 * messages are LZ4 *frames* (python-lz4's lz4.frame), not raw blocks. Written as a third
 * party would write it: it only uses `sinetstream/spi`, and an application adds it with
 * `createRegistry().registerCompression('lz4', lz4Compression)` or ships it as a package
 * whose default export is `lz4Compression`.
 */
import type { CompressionPlugin, Compressor, ParamDeclarations } from '../../spi/index.js';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../../spi/index.js';
import { type Lz4FrameInfo, readLz4Frame } from './frame.js';

type Lz4 = typeof import('lz4-napi');

/** The window a linked block may refer back into. */
const WINDOW = 64 * 1024;

/**
 * lz4-napi (lz4_flex) has the fast compressor only and writes 64 KiB linked blocks with the
 * content size stated: the frame reads the same with any LZ4 frame reader, so these are
 * accepted for config compatibility and have no effect.
 */
const FIXED_BY_LZ4_NAPI =
  'lz4-napi writes 64 KiB linked blocks, content size stated, fast compression only';

/**
 * `compression.lz4`: the arguments of python-lz4's lz4.frame.compress, which
 * sinetstream-comp-lz4 1.10 hands the block to (its reader takes none of them).
 */
export const LZ4_PARAMETERS = {
  content_checksum: {
    type: 'boolean',
    role: 'writer',
    description: 'end each frame with a checksum of its content (default false)',
  },
  block_checksum: {
    type: 'boolean',
    role: 'writer',
    description: 'follow each block with a checksum (default false)',
  },
  compression_level: {
    type: 'integer',
    role: 'writer',
    description: "python-lz4's level (3 and more: LZ4-HC); beats compression.level",
    unsupported: FIXED_BY_LZ4_NAPI,
  },
  block_size: {
    type: { oneOf: [0, 4, 5, 6, 7] },
    role: 'writer',
    description: 'largest block: 0 or 4 64 KiB, 5 256 KiB, 6 1 MiB, 7 4 MiB',
    unsupported: FIXED_BY_LZ4_NAPI,
  },
  block_linked: {
    type: 'boolean',
    role: 'writer',
    description: 'let a block refer to the one before (default true)',
    unsupported: FIXED_BY_LZ4_NAPI,
  },
  store_size: {
    type: 'boolean',
    role: 'writer',
    description: 'state the content size in the frame header (default true)',
    unsupported: FIXED_BY_LZ4_NAPI,
  },
  return_bytearray: {
    type: 'boolean',
    role: 'writer',
    description: 'python-lz4 returns a bytearray',
    unsupported: 'a Python result type (true makes SINETStream 1.10 fail to publish)',
  },
} as const satisfies ParamDeclarations;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Inflates the frame one block at a time, keeping only the window a linked block needs, and
 * throws once the output passes `maxSize`: memory stays at one block (4 MiB at most) however
 * large the frame claims to be.
 */
function checkInflatedSize(lz4: Lz4, frame: Lz4FrameInfo, maxSize: number): void {
  // lz4-napi's block decoder reads the output size from a 4-byte prefix; no block inflates
  // to more than the frame's block size, so that is the prefix and the per-block bound.
  const sizePrefix = Buffer.alloc(4);
  sizePrefix.writeUInt32LE(frame.blockMaxSize);
  let total = 0;
  let window: Buffer = Buffer.alloc(0);
  for (const block of frame.blocks) {
    const out = block.compressed
      ? lz4.uncompressSync(
          Buffer.concat([sizePrefix, block.data]),
          frame.linked && window.length > 0 ? window : undefined,
        )
      : asBuffer(block.data);
    total += out.length;
    if (total > maxSize) throw messageTooLarge(maxSize);
    if (frame.linked) {
      window = out.length >= WINDOW ? out.subarray(-WINDOW) : Buffer.concat([window, out]);
      window = window.subarray(-WINDOW);
    }
  }
}

function decompressWithin(lz4: Lz4, bytes: Uint8Array, maxSize: number): Uint8Array {
  try {
    const frame = readLz4Frame(bytes);
    if (frame.contentSize !== undefined && frame.contentSize > maxSize) {
      throw messageTooLarge(maxSize);
    }
    // Only a frame whose blocks could outgrow the limit pays for the measuring pass; its
    // checksums are then verified by the whole-frame decoder, within the limit.
    if (frame.blocks.length * frame.blockMaxSize > maxSize) checkInflatedSize(lz4, frame, maxSize);
    return lz4.decompressFrameSync(asBuffer(bytes));
  } catch (error) {
    if (error instanceof InvalidMessageError) throw error;
    throw new InvalidMessageError('message does not decompress with lz4', { cause: error });
  }
}

export const lz4Compression: CompressionPlugin = {
  name: 'lz4',
  parameters: LZ4_PARAMETERS,
  async create(level = 0, params = {}) {
    // python-lz4 takes any integer (up to 2 fast, 3..12 LZ4-HC, above clamped, below
    // faster). lz4-napi has only the fast compressor: see FIXED_BY_LZ4_NAPI.
    if (!Number.isInteger(level)) {
      throw new InvalidArgumentError(`compression.level: lz4 takes an integer, got ${level}`);
    }
    const block = params as { content_checksum?: boolean; block_checksum?: boolean };
    const options = {
      contentChecksum: block.content_checksum,
      blockChecksums: block.block_checksum,
    };
    // A native addon: loaded only when a service actually asks for lz4.
    const lz4 = await import('lz4-napi');
    const compressor: Compressor = {
      compress: (bytes) => lz4.compressFrameSync(asBuffer(bytes), options),
      decompress: (bytes, maxSize) => decompressWithin(lz4, bytes, maxSize),
    };
    return compressor;
  },
};

export default lz4Compression;
