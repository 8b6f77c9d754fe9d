import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';
import { type ZstdBackend, ZstdOutputLimitError } from './zstd-backend.js';
import { readZstdFrame, type ZstdFrameInfo } from './zstd-frame.js';

/**
 * Node's built-in zstd where the runtime has one (native code, no WebAssembly to load),
 * zstd-wasm elsewhere. Both are imported only when chosen.
 */
export async function loadZstd(): Promise<ZstdBackend> {
  const { nativeZstd } = await import('./zstd-native.js');
  return nativeZstd ?? (await import('./zstd-wasm.js')).loadWasmZstd();
}

/**
 * Block headers let a frame decompress to 32768 times its own size (GiBs from a 1 MiB
 * message). Whatever max_message_size allows, zstd-wasm cannot return 2 GiB (its memory ends
 * there), so both backends stop below it.
 */
const MAX_OUTPUT = 2 ** 31 - 1;

/**
 * The frame walk comes before any backend sees the bytes: it accepts exactly one whole frame
 * (Node 22's decompressor returns a truncated frame's partial output, or only the first of
 * two frames, without an error) and gives the most bytes that frame can produce. The backend
 * may produce no more than that, nor more than `maxSize`: a stated size above `maxSize` is
 * refused before decompressing, an unstated one stops at `maxSize` while decompressing.
 */
function decompressFrame(backend: ZstdBackend, bytes: Uint8Array, maxSize: number): Uint8Array {
  const limit = Math.min(maxSize, MAX_OUTPUT);
  let frame: ZstdFrameInfo;
  try {
    frame = readZstdFrame(bytes);
  } catch (error) {
    throw doesNotDecompress(error);
  }
  const { contentSize, maxContentSize } = frame;
  if (contentSize !== undefined && contentSize > limit) throw tooLarge(limit);
  const outputLimit = Math.min(contentSize ?? maxContentSize, limit);
  try {
    return backend.decompress(bytes, { contentSize, outputLimit });
  } catch (error) {
    if (error instanceof ZstdOutputLimitError && outputLimit === limit) {
      throw tooLarge(limit, error);
    }
    throw doesNotDecompress(error);
  }
}

function doesNotDecompress(error: unknown): InvalidMessageError {
  return new InvalidMessageError(
    `message does not decompress with zstd: ${(error as Error).message}`,
    { cause: error },
  );
}

/** The 2 GiB ceiling is the library's, not the user's: say which one was reached. */
function tooLarge(limit: number, cause?: unknown): InvalidMessageError {
  return limit === MAX_OUTPUT
    ? new InvalidMessageError(`message decompresses to more than ${MAX_OUTPUT} bytes`, { cause })
    : messageTooLarge(limit, cause);
}

/** The `zstd` plugin on the backend `load` gives; tests use it to pin one. */
export function zstdCompressionOn(load: () => Promise<ZstdBackend>): CompressionPlugin {
  return {
    name: 'zstd',
    async create(level = 3) {
      if (!Number.isInteger(level) || level < 1 || level > 22) {
        throw new InvalidArgumentError(`compression.level: zstd takes 1..22, got ${level}`);
      }
      const backend = await load();
      return {
        compress: (bytes) => backend.compress(bytes, level),
        decompress: (bytes, maxSize) => decompressFrame(backend, bytes, maxSize),
      };
    },
  };
}

/** zstd (`compression.algorithm: zstd`), levels 1..22 as SINETStream's, default 3. */
export const zstdCompression = zstdCompressionOn(loadZstd);
