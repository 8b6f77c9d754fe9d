// A namespace import: a named import of zstdCompressSync would fail to link on runtimes
// without it, where this module must still load and report `undefined`.
import * as zlib from 'node:zlib';
import { type ZstdBackend, ZstdOutputLimitError } from './zstd-backend.js';

/**
 * node:zlib allocates its output in chunks of this size (16 KiB by default). One chunk that
 * fits the whole output saves allocating and copying, above all for small messages; past
 * 1 MiB the saving is negligible and an up-front allocation is not worth risking.
 */
const MAX_CHUNK = 1024 * 1024;
const chunkFor = (outputBound: number) => Math.min(Math.max(outputBound + 1, 64), MAX_CHUNK);

/** At least ZSTD_compressBound: the most a frame of `length` bytes' content can take. */
const compressBound = (length: number) => length + (length >>> 8) + 64;

/** Readers get a plain Uint8Array from zstd, as they did from zstd-wasm, not a Buffer. */
const plain = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);

/**
 * Node's own zstd (`node:zlib`, from Node 22.15), or undefined on runtimes without it. Given
 * the whole input at once, its compressor writes the same frame, byte for byte, as
 * ZSTD_compress does in zstd-wasm, content size included.
 */
export const nativeZstd: ZstdBackend | undefined =
  typeof zlib.zstdCompressSync === 'function'
    ? {
        name: 'node:zlib',
        compress: (bytes, level) =>
          zlib.zstdCompressSync(bytes, {
            params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
            chunkSize: chunkFor(compressBound(bytes.length)),
          }),
        // maxOutputLength must be positive; a frame bounded to 0 bytes that yields more is
        // corrupt, and zstd says so itself. node:zlib stops once its output passes the limit,
        // so it never holds more than the limit and one chunk. Without a stated size, the
        // default chunk size keeps small outputs from holding large buffers.
        decompress(bytes, { contentSize, outputLimit }) {
          try {
            return plain(
              zlib.zstdDecompressSync(bytes, {
                maxOutputLength: Math.max(outputLimit, 1),
                chunkSize: contentSize === undefined ? undefined : chunkFor(contentSize),
              }),
            );
          } catch (error) {
            if ((error as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
            throw new ZstdOutputLimitError(`output exceeds ${outputLimit} bytes`, {
              cause: error,
            });
          }
        },
      }
    : undefined;
