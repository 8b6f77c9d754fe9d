import { constants, deflateRawSync } from 'node:zlib';

const MiB = 1024 * 1024;

/**
 * A zlib stream (what SINETStream calls gzip) of `mib` MiB of zeros, built without ever
 * holding them: one MiB deflated and fully flushed is a byte-aligned segment that starts from
 * an empty window, so repeating it is valid deflate; the Adler-32 of n zeros is n mod 65521
 * in the high half and 1 in the low one.
 */
export function gzipBomb(mib: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(MiB), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((((mib * MiB) % 65521) << 16) | 1) >>> 0);
  // 0x78 0xda: zlib header, 32 KiB window, level 9; 0x03 0x00: a final empty fixed block.
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: mib }, () => segment),
    Buffer.from([0x03, 0x00]),
    adler,
  ]);
}

/**
 * One zstd frame of `blocks` RLE blocks of 128 KiB each (4 bytes per block), stating
 * `contentSize` in its header when given.
 */
export function zstdBomb(blocks: number, contentSize?: number): Buffer {
  const header = Buffer.from('28b52ffd00580000000000000000', 'hex');
  if (contentSize !== undefined) {
    header[4] = 0xc0; // 8-byte content size, window descriptor follows
    header.writeBigUInt64LE(BigInt(contentSize), 6);
  }
  const parts = [header.subarray(0, contentSize === undefined ? 6 : 14)];
  for (let i = 0; i < blocks; i++) {
    const block = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([block & 0xff, (block >> 8) & 0xff, block >>> 16, 0x41]));
  }
  return Buffer.concat(parts);
}

/**
 * An LZ4 frame of independent 4 MiB blocks of zeros, as many as fit in `size` bytes: the
 * header and one block come from lz4-napi, the block is then repeated (independent blocks
 * need no history), so the frame never exists inflated.
 */
export async function lz4Bomb(size: number): Promise<Buffer> {
  const lz4 = await import('lz4-napi');
  const one = lz4.compressFrameSync(Buffer.alloc(4 * MiB));
  if (one[4] !== 0x60 || one[5] !== 0x70) throw new Error('lz4-napi changed its frame header');
  const header = one.subarray(0, 7);
  const block = one.subarray(7, one.length - 4); // block size + data, without the end mark
  const count = Math.floor((size - 11) / block.length);
  return Buffer.concat([header, ...Array.from({ length: count }, () => block), Buffer.alloc(4)]);
}

const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME4 = 668265263;
const PRIME5 = 374761393;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;

/** XXH32 with seed 0 of fewer than 16 bytes: all an LZ4 frame descriptor checksum needs. */
function xxh32Short(bytes: Uint8Array): number {
  let h = (PRIME5 + bytes.length) >>> 0;
  let at = 0;
  for (; at + 4 <= bytes.length; at += 4) {
    const word =
      (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    h = Math.imul(rotl((h + Math.imul(word, PRIME3)) >>> 0, 17), PRIME4) >>> 0;
  }
  for (; at < bytes.length; at++) {
    h = Math.imul(rotl((h + Math.imul(bytes[at]!, PRIME5)) >>> 0, 11), PRIME1) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 15), PRIME2) >>> 0;
  h = Math.imul(h ^ (h >>> 13), PRIME3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** An LZ4 frame header: magic, `descriptor` (FLG, BD, optional content size), checksum. */
export function lz4FrameHeader(descriptor: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from('04224d18', 'hex'),
    descriptor,
    Buffer.from([(xxh32Short(descriptor) >>> 8) & 0xff]),
  ]);
}
