import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';
import type { ZstdBackend } from './zstd-backend.js';
import { readZstdFrame } from './zstd-frame.js';

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
 * message). zstd-wasm cannot return 2 GiB (its memory ends there); node:zlib could, blocking
 * for seconds and risking the process's memory, so both stop below it.
 */
const MAX_OUTPUT = 2 ** 31 - 1;

/**
 * The frame walk comes before any backend sees the bytes: it accepts exactly one whole frame
 * (Node 22's decompressor returns a truncated frame's partial output, or only the first of
 * two frames, without an error) and gives the most bytes that frame can produce, which the
 * backend must not exceed.
 */
function decompressFrame(backend: ZstdBackend, bytes: Uint8Array): Uint8Array {
  try {
    const { contentSize, maxContentSize } = readZstdFrame(bytes);
    if (contentSize !== undefined && contentSize > MAX_OUTPUT) {
      throw new Error(`frame states ${contentSize} bytes, more than ${MAX_OUTPUT}`);
    }
    return backend.decompress(bytes, {
      contentSize,
      maxContentSize: Math.min(maxContentSize, MAX_OUTPUT),
    });
  } catch (error) {
    throw new InvalidMessageError(
      `message does not decompress with zstd: ${(error as Error).message}`,
      { cause: error },
    );
  }
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
        decompress: (bytes) => decompressFrame(backend, bytes),
      };
    },
  };
}

/** zstd (`compression.algorithm: zstd`), levels 1..22 as SINETStream's, default 3. */
export const zstdCompression = zstdCompressionOn(loadZstd);
