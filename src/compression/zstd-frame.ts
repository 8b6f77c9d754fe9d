/**
 * Reads a zstd frame's structure (RFC 8878, section 3.1.1) without decompressing it, to
 * find how many bytes it can decompress to. That bound is the decompressor's output limit:
 * zstd-wasm's one-shot decompressor sizes its buffer with it when the frame states no content
 * size (streaming writers, e.g. zstd-jni, or python-zstandard with write_content_size=False),
 * node:zlib's stops there, and a forged content size is caught before any allocation.
 */

const MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024; // RFC 8878 Block_Maximum_Size upper limit
const DICT_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

export interface ZstdFrameInfo {
  /** The size the frame header states, when it states one. */
  readonly contentSize: number | undefined;
  /** The most bytes the frame's blocks can produce. */
  readonly maxContentSize: number;
}

export class ZstdFrameError extends Error {
  override name = 'ZstdFrameError';
}

function readLE(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!;
  return value;
}

/** Walks the single frame `bytes` must hold; throws ZstdFrameError if it is not one. */
export function readZstdFrame(bytes: Uint8Array): ZstdFrameInfo {
  const need = (at: number, length: number) => {
    if (at + length > bytes.length) throw new ZstdFrameError('truncated zstd frame');
  };
  need(0, 5);
  if (readLE(bytes, 0, 4) !== MAGIC)
    throw new ZstdFrameError('not a zstd frame (bad magic number)');
  const descriptor = bytes[4]!;
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeFlag = descriptor >> 6;
  const hasChecksum = (descriptor & 0x04) !== 0;
  let at = 5 + (singleSegment ? 0 : 1) + DICT_ID_BYTES[descriptor & 0x03]!;
  const contentSizeBytes =
    contentSizeFlag === 0 && singleSegment ? 1 : CONTENT_SIZE_BYTES[contentSizeFlag]!;
  need(at, contentSizeBytes);
  let contentSize: number | undefined;
  if (contentSizeBytes > 0) {
    contentSize = readLE(bytes, at, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
  }
  at += contentSizeBytes;

  let maxContentSize = 0;
  for (let last = false; !last; ) {
    need(at, 3);
    const header = readLE(bytes, at, 3);
    at += 3;
    last = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new ZstdFrameError('reserved zstd block type');
    // Raw blocks carry `size` bytes; RLE blocks repeat 1 byte `size` times.
    const stored = type === 1 ? 1 : size;
    need(at, stored);
    at += stored;
    maxContentSize += type === 2 ? MAX_BLOCK : size;
  }
  at += hasChecksum ? 4 : 0;
  need(at, 0);
  if (at !== bytes.length) throw new ZstdFrameError('trailing bytes after the zstd frame');
  if (contentSize !== undefined && contentSize > maxContentSize) {
    throw new ZstdFrameError('zstd frame states a content size its blocks cannot hold');
  }
  return { contentSize, maxContentSize };
}
