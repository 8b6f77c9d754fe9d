/**
 * Reads an LZ4 frame's structure (LZ4 Frame Format 1.6.x) without decompressing it, so that
 * the output a frame can produce is known, or measured block by block, before lz4-napi
 * inflates it whole: lz4-napi's frame decoder takes no output limit, and a few MiB of frame
 * can inflate to GiBs.
 */

const MAGIC = 0x184d2204;
const BLOCK_MAX_SIZES: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};
const UNCOMPRESSED_BLOCK = 0x80000000;

export interface Lz4Block {
  readonly data: Uint8Array;
  /** False for a block stored as is. */
  readonly compressed: boolean;
}

export interface Lz4FrameInfo {
  /** The size the frame header states, when it states one. */
  readonly contentSize: number | undefined;
  /** No block inflates to more than this. */
  readonly blockMaxSize: number;
  /** Whether a block may refer to the 64 KiB of output before it. */
  readonly linked: boolean;
  readonly blocks: readonly Lz4Block[];
}

export class Lz4FrameError extends Error {
  override name = 'Lz4FrameError';
}

/** Walks the single frame `bytes` must hold; throws Lz4FrameError if it is not one. */
export function readLz4Frame(bytes: Uint8Array): Lz4FrameInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, length: number) => {
    if (at + length > bytes.length) throw new Lz4FrameError('truncated lz4 frame');
  };
  need(0, 7);
  if (view.getUint32(0, true) !== MAGIC) {
    throw new Lz4FrameError('not an lz4 frame (bad magic number)');
  }
  const flags = bytes[4]!;
  if (flags >> 6 !== 1) throw new Lz4FrameError(`unsupported lz4 frame version ${flags >> 6}`);
  const blockMaxSize = BLOCK_MAX_SIZES[(bytes[5]! >> 4) & 7];
  if (blockMaxSize === undefined) throw new Lz4FrameError('invalid lz4 block maximum size');
  const linked = (flags & 0x20) === 0;
  const blockChecksums = (flags & 0x10) !== 0;
  const hasContentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const hasDictionaryId = (flags & 0x01) !== 0;
  let at = 6;
  let contentSize: number | undefined;
  if (hasContentSize) {
    need(at, 8);
    contentSize = Number(view.getBigUint64(at, true));
    at += 8;
  }
  at += (hasDictionaryId ? 4 : 0) + 1; // the header checksum byte, which lz4-napi checks

  const blocks: Lz4Block[] = [];
  for (;;) {
    need(at, 4);
    const header = view.getUint32(at, true);
    at += 4;
    if (header === 0) break;
    const size = header & ~UNCOMPRESSED_BLOCK;
    if (size > blockMaxSize) {
      throw new Lz4FrameError(`lz4 block of ${size} bytes, above the frame's ${blockMaxSize}`);
    }
    need(at, size + (blockChecksums ? 4 : 0));
    blocks.push({
      data: bytes.subarray(at, at + size),
      compressed: (header & UNCOMPRESSED_BLOCK) === 0,
    });
    at += size + (blockChecksums ? 4 : 0);
  }
  at += contentChecksum ? 4 : 0;
  need(at, 0);
  // A second frame would inflate unchecked: lz4-napi decodes every frame it is given.
  if (at !== bytes.length) throw new Lz4FrameError('trailing bytes after the lz4 frame');
  return { contentSize, blockMaxSize, linked, blocks };
}
