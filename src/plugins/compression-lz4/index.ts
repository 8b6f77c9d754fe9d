/**
 * LZ4 compression (`compression.algorithm: lz4`), the twin of PyPI's sinetstream-comp-lz4:
 * messages are LZ4 *frames* (python-lz4's lz4.frame), not raw blocks. Written as a third
 * party would write it: it only uses `sinetstream/spi`, and an application adds it with
 * `createRegistry().registerCompression('lz4', lz4Compression)` or ships it as a package
 * whose default export is `lz4Compression`.
 */
import type { CompressionPlugin, Compressor } from '../../spi/index.js';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../../spi/index.js';
import { type Lz4FrameInfo, readLz4Frame } from './frame.js';

type Lz4 = typeof import('lz4-napi');

/** The window a linked block may refer back into. */
const WINDOW = 64 * 1024;

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
      decompress: (bytes, maxSize) => decompressWithin(lz4, bytes, maxSize),
    };
    return compressor;
  },
};

export default lz4Compression;
