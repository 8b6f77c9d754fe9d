/**
 * LZ4 frames in the browser, on lz4js (pure JavaScript): the same frames as the Node side
 * (index.ts, on lz4-napi), and the same walk over the frame first, so a frame that claims or
 * inflates past `max_message_size` is refused without inflating it whole.
 */
import { compress, decompressBlock } from 'lz4js';
import type { CompressionPlugin, Compressor } from '../../spi/index.js';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../../spi/index.js';
import { readLz4Frame } from './frame.js';

function decompressWithin(bytes: Uint8Array, maxSize: number): Uint8Array {
  try {
    const frame = readLz4Frame(bytes);
    const bound = frame.contentSize ?? frame.blocks.length * frame.blockMaxSize;
    if (frame.contentSize !== undefined && frame.contentSize > maxSize) {
      throw messageTooLarge(maxSize);
    }
    // One block past the limit is room enough to see that the limit was passed; blocks are
    // written one after another, so a linked block finds the output it refers back to.
    const out = new Uint8Array(Math.min(bound, maxSize + frame.blockMaxSize));
    let at = 0;
    for (const block of frame.blocks) {
      if (block.compressed) {
        at = decompressBlock(block.data, out, 0, block.data.length, at);
      } else {
        out.set(block.data, at);
        at += block.data.length;
      }
      if (at > maxSize) throw messageTooLarge(maxSize);
    }
    if (frame.contentSize !== undefined && at !== frame.contentSize) {
      throw new InvalidMessageError(
        `lz4 frame states ${frame.contentSize} bytes but holds ${at} bytes`,
      );
    }
    return out.subarray(0, at);
  } catch (error) {
    if (error instanceof InvalidMessageError) throw error;
    throw new InvalidMessageError('message does not decompress with lz4', { cause: error });
  }
}

export const lz4Compression: CompressionPlugin = {
  name: 'lz4',
  async create(level = 0) {
    // As on the Node side the level only has to be an integer; lz4js writes frames without
    // checksums whatever `compression.lz4` asks (every LZ4 frame reader accepts them).
    if (!Number.isInteger(level)) {
      throw new InvalidArgumentError(`compression.level: lz4 takes an integer, got ${level}`);
    }
    const compressor: Compressor = {
      compress: (bytes) => compress(bytes),
      decompress: decompressWithin,
    };
    return compressor;
  },
};

export default lz4Compression;
