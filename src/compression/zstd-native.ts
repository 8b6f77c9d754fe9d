// A namespace import: a named import of zstdCompressSync would fail to link on runtimes
// without it, where this module must still load and report `undefined`.
import * as zlib from 'node:zlib';
import { type ZstdBackend, type ZstdFrameFlags, ZstdOutputLimitError } from './zstd-backend.js';

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

/** Only the flags given: the others keep zstd's defaults, which are python-zstandard's. */
function compressParams(level: number, flags: ZstdFrameFlags): Record<number, number> {
  const { constants } = zlib;
  const params: Record<number, number> = { [constants.ZSTD_c_compressionLevel]: level };
  const set = (key: number, value: boolean | number | undefined) => {
    if (value !== undefined) params[key] = Number(value);
  };
  set(constants.ZSTD_c_checksumFlag, flags.checksum);
  set(constants.ZSTD_c_contentSizeFlag, flags.contentSize);
  set(constants.ZSTD_c_dictIDFlag, flags.dictId);
  set(constants.ZSTD_c_nbWorkers, flags.workers);
  return params;
}

/**
 * Node's own zstd (`node:zlib`, from Node 22.15), or undefined on runtimes without it. Given
 * the whole input at once, its compressor writes the same frame, byte for byte, as
 * ZSTD_compress does in zstd-wasm, content size included.
 */
export const nativeZstd: ZstdBackend | undefined =
  typeof zlib.zstdCompressSync === 'function'
    ? {
        name: 'node:zlib',
        frameOptions: true,
        compress: (bytes, level, flags = {}) =>
          zlib.zstdCompressSync(bytes, {
            params: compressParams(level, flags),
            chunkSize: chunkFor(compressBound(bytes.length)),
          }),
        // maxOutputLength must be positive; a frame bounded to 0 bytes that yields more is
        // corrupt, and zstd says so itself. node:zlib stops once its output passes the limit,
        // so it never holds more than the limit and one chunk. Without a stated size, the
        // default chunk size keeps small outputs from holding large buffers.
        decompress(bytes, { contentSize, outputLimit, windowLogMax }) {
          try {
            return plain(
              zlib.zstdDecompressSync(bytes, {
                maxOutputLength: Math.max(outputLimit, 1),
                chunkSize: contentSize === undefined ? undefined : chunkFor(contentSize),
                params:
                  windowLogMax === undefined
                    ? undefined
                    : { [zlib.constants.ZSTD_d_windowLogMax]: windowLogMax },
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
